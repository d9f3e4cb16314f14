// The coding panel: docked beside the text (so it never covers the passage being coded, nor the
// paragraphs after it), keyboard-first. Area shortcuts and confidence
// shortcuts work whenever the focus is not in a text field (with Alt, also there); Enter
// saves, Esc cancels. The last dyad used is remembered per project in localStorage.

const $ = (root, sel) => root.querySelector(sel);

function option(value, label) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label;
  return o;
}

export class CodingForm {
  constructor(el, codebook, { dyadKey, onSave, onDelete, onClose, onOpen = () => {} }) {
    this.el = el;
    this.onOpen = onOpen;
    this.cb = codebook;
    this.dyadKey = dyadKey;
    this.onSave = onSave;
    this.onDelete = onDelete;
    this.onClose = onClose;
    this.areas = new Map(codebook.areas.map((a) => [a.id, a]));
    this.activities = new Map();
    for (const a of codebook.areas) for (const x of a.activities) this.activities.set(x.id, x);
    this._build();
    this._wire();
  }

  _build() {
    const actors = this.cb.actors;
    for (const id of ["#cf-side-a", "#cf-side-b"]) {
      const sel = $(this.el, id);
      sel.append(option("", "—"));
      for (const a of actors) sel.append(option(a.id, `${a.iso3} · ${a.name}`));
    }
    const parts = $(this.el, "#cf-participants");
    for (const a of actors) {
      const label = document.createElement("label");
      label.className = "check";
      const box = document.createElement("input");
      box.type = "checkbox";
      box.name = "participants";
      box.value = a.id;
      label.append(box, ` ${a.iso3}`);
      label.title = a.name;
      parts.append(label);
    }
    const area = $(this.el, "#cf-area");
    for (const a of this.cb.areas) area.append(option(a.id, `${a.shortcut ? a.shortcut + " " : ""}${a.label}`));
    const conf = $(this.el, "#cf-confidence");
    for (const c of this.cb.confidence) {
      const label = document.createElement("label");
      label.className = "check conf";
      label.title = c.definition;
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = "confidence";
      radio.value = c.value;
      const kbd = document.createElement("kbd");
      kbd.textContent = c.shortcut;
      label.append(radio, ` ${c.value} ${c.label} `, kbd);
      conf.append(label);
    }
  }

  _wire() {
    const el = this.el;
    el.addEventListener("submit", (e) => { e.preventDefault(); this.submit(); });
    $(el, "#cf-cancel").addEventListener("click", () => this.close());
    $(el, "#cf-cancel2").addEventListener("click", () => this.close());
    $(el, "#cf-delete").addEventListener("click", () => this.onDelete(this.coding));
    $(el, "#cf-area").addEventListener("change", () => this._fillActivities());
    $(el, "#cf-activity").addEventListener("change", () => this._activityHelp());
    $(el, "#cf-precision").addEventListener("change", () => this._precision());
    $(el, "#cf-direction").addEventListener("change", () => { this.directionTouched = true; });
    for (const r of el.querySelectorAll("input[name=mode]")) r.addEventListener("change", () => this._mode());
    $(el, "#cf-participants").addEventListener("change", () => this._initiators());
    el.addEventListener("keydown", (e) => this._key(e));
  }

  _key(e) {
    if (e.key === "Escape") { e.preventDefault(); this.close(); return; }
    const t = e.target;
    const typing = t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && ["text", "search", "date"].includes(t.type));
    if (e.key === "Enter" && !e.shiftKey && !(t.tagName === "BUTTON")) {
      e.preventDefault();
      this.submit();
      return;
    }
    if (e.ctrlKey || e.metaKey || (typing && !e.altKey) || e.key.length !== 1) return;
    const key = e.altKey && e.code.startsWith("Digit") ? e.code.slice(5) : e.altKey && e.code.startsWith("Key") ? e.code.slice(3).toLowerCase() : e.key.toLowerCase();
    const area = this.cb.areas.find((a) => a.shortcut && a.shortcut.toLowerCase() === key);
    if (area) { e.preventDefault(); this.setArea(area.id); return; }
    const conf = this.cb.confidence.find((c) => c.shortcut && c.shortcut.toLowerCase() === key);
    if (conf) { e.preventDefault(); this.setConfidence(conf.value); }
  }

  setArea(id) {
    $(this.el, "#cf-area").value = String(id);
    this._fillActivities();
    $(this.el, "#cf-activity").focus();
  }

  setConfidence(value) {
    const radio = this.el.querySelector(`input[name=confidence][value="${value}"]`);
    if (radio) { radio.checked = true; }
  }

  _fillActivities(selected = null) {
    const area = this.areas.get(+$(this.el, "#cf-area").value);
    const sel = $(this.el, "#cf-activity");
    sel.replaceChildren();
    for (const x of area ? area.activities : []) {
      if (x.enabled || x.id === selected) sel.append(option(x.id, x.label + (x.directed ? " (directed)" : "")));
    }
    if (selected) sel.value = String(selected);
    this._activityHelp();
  }

  _activityHelp() {
    const act = this.activities.get(+$(this.el, "#cf-activity").value);
    $(this.el, "#cf-activity-help").textContent = act ? act.definition : "";
    // A transfer suggests a direction (supplier A -> recipient B), other activities none,
    // until the coder chooses a direction themselves.
    if (act && !this.coding && !this.directionTouched) {
      $(this.el, "#cf-direction").value = act.directed ? "ab" : "none";
    }
  }

  _mode() {
    const multi = this.el.querySelector("input[name=mode][value=multi]").checked;
    $(this.el, ".cf-pair").hidden = multi;
    $(this.el, ".cf-multi").hidden = !multi;
  }

  // "Initiated by" (side A of a multilateral coding) offers only the participants now ticked:
  // unticking the chosen initiator clears it, so the server's rule (A is a participant) holds.
  _initiators(selected = $(this.el, "#cf-initiator").value) {
    const sel = $(this.el, "#cf-initiator");
    const ticked = new Set([...this.el.querySelectorAll("input[name=participants]:checked")].map((b) => b.value));
    sel.replaceChildren(option("", "— nobody in particular —"));
    for (const a of this.cb.actors) {
      if (ticked.has(String(a.id))) sel.append(option(a.id, `${a.iso3} · ${a.name}`));
    }
    sel.value = ticked.has(String(selected ?? "")) ? String(selected) : "";
  }

  _precision() {
    const unknown = $(this.el, "#cf-precision").value === "unknown";
    const date = $(this.el, "#cf-date");
    date.disabled = unknown;
    if (unknown) date.value = "";
  }

  _dyad(values) {
    const multi = values.dyad_type === "multilateral";
    this.el.querySelector(`input[name=mode][value=${multi ? "multi" : "pair"}]`).checked = true;
    $(this.el, "#cf-side-a").value = values.side_a ?? "";
    $(this.el, "#cf-side-b").value = values.side_b ?? "";
    $(this.el, "#cf-direction").value = values.dyad_type === "directed" ? "ab" : "none";
    const parts = new Set((values.participants || []).map(String));
    for (const box of this.el.querySelectorAll("input[name=participants]")) box.checked = parts.has(box.value);
    $(this.el, "#cf-forum").value = values.forum || "";
    this._initiators(multi ? values.side_a : "");  // a multilateral coding's side A: its initiator
    this._mode();
  }

  rememberedDyad() {
    try { return JSON.parse(localStorage.getItem(this.dyadKey) || "null"); } catch { return null; }
  }

  // Open for a new span or an existing coding; readOnly for others' codings. keepFocus: leave
  // the focus where it is (the find box, so Enter there finds the next occurrence).
  open({ quote, coding = null, readOnly = null, defaults = {}, keepFocus = false }) {
    this.coding = coding;
    this.quote = quote;
    this.directionTouched = false;
    const el = this.el;
    $(el, "#cf-title").textContent = coding ? (readOnly ? "Coding" : "Edit coding") : "New coding";
    this.setQuote(quote);
    $(el, "#cf-errors").replaceChildren();
    const values = coding || { ...(this.rememberedDyad() || { dyad_type: "undirected" }), ...defaults };
    this._dyad(values);
    const areaId = coding ? coding.area : (defaults.area || this.cb.areas[0].id);
    $(el, "#cf-area").value = String(areaId);
    this._fillActivities(coding ? coding.activity : null);
    for (const r of el.querySelectorAll("input[name=confidence]")) r.checked = false;
    if (coding) this.setConfidence(coding.confidence);
    $(el, "#cf-precision").value = coding ? coding.date_precision : "unknown";
    $(el, "#cf-date").value = coding && coding.event_date ? coding.event_date : "";
    this._precision();
    $(el, "#cf-note").value = coding ? coding.note : "";
    $(el, "#cf-delete").hidden = !coding || !!readOnly;
    $(el, "#cf-readonly").hidden = !readOnly;
    $(el, "#cf-readonly").textContent = readOnly || "";
    for (const input of el.querySelectorAll("input, select, textarea")) input.disabled = !!readOnly;
    if (!readOnly) this._precision();
    $(el, "#cf-save").hidden = !!readOnly;
    $(el, "#cf-span-keys").hidden = !!readOnly;
    el.hidden = false;
    el.scrollTop = 0;
    this.onOpen();
    if (!keepFocus) this.focusFirst();
    this.opened = JSON.stringify(this.values());
  }

  // Whether the coder has changed anything since the panel opened (keys and mouse alike).
  get changed() { return !this.isReadOnly && JSON.stringify(this.values()) !== this.opened; }

  focusFirst() {
    (this.isReadOnly ? $(this.el, "#cf-cancel2") : $(this.el, "#cf-area")).focus({ preventScroll: true });
  }

  // Tab from the find box: the panel's first field on screen, the dyad's Pair / Multilateral
  // choice (the ticked one, where Tab enters a radio group), so the required dyad is not
  // skipped; read-only, Cancel. Only the panel scrolls to show it (the passage stays put).
  focusStart() {
    if (this.isReadOnly) { this.focusFirst(); return; }
    const first = this.el.querySelector("input[name=mode]:checked") || this.el.querySelector("input[name=mode]");
    first.focus({ preventScroll: true });
    const panel = this.el.getBoundingClientRect(), dyad = $(this.el, ".cf-dyad").getBoundingClientRect();
    if (dyad.top < panel.top || dyad.bottom > panel.bottom) this.el.scrollTop += dyad.top - panel.top;
  }

  get isReadOnly() { return $(this.el, "#cf-save").hidden; }

  // The passage as it now stands (the span can be widened or narrowed while the panel is open).
  setQuote(quote) {
    this.quote = quote;
    $(this.el, "#cf-quote").textContent = quote.length > 280 ? quote.slice(0, 279) + "…" : quote;
  }

  get isOpen() { return !this.el.hidden; }

  close() {
    if (this.el.hidden) return;
    this.el.hidden = true;
    this.onClose();
  }

  values() {
    const el = this.el;
    const multi = el.querySelector("input[name=mode][value=multi]").checked;
    const num = (v) => (v === "" || v == null ? null : Number(v));
    const data = {};
    if (multi) {
      data.dyad_type = "multilateral";
      data.participants = [...el.querySelectorAll("input[name=participants]:checked")].map((b) => Number(b.value));
      const initiator = num($(el, "#cf-initiator").value);  // side A = the initiator (formats.md)
      data.side_a = data.participants.includes(initiator) ? initiator : null;
      data.side_b = null;
      data.forum = $(el, "#cf-forum").value.trim();
    } else {
      const a = num($(el, "#cf-side-a").value), b = num($(el, "#cf-side-b").value);
      const dir = $(el, "#cf-direction").value;
      data.dyad_type = dir === "none" ? "undirected" : "directed";
      [data.side_a, data.side_b] = dir === "ba" ? [b, a] : [a, b];
      data.participants = [];
      data.forum = "";
    }
    data.area = num($(el, "#cf-area").value);
    data.activity = num($(el, "#cf-activity").value);
    const conf = el.querySelector("input[name=confidence]:checked");
    data.confidence = conf ? Number(conf.value) : null;
    data.date_precision = $(el, "#cf-precision").value;
    data.event_date = data.date_precision === "unknown" ? null : ($(el, "#cf-date").value || null);
    data.note = $(el, "#cf-note").value;
    return data;
  }

  // Client-side checks for what the server would refuse anyway, so the coder learns at once.
  check(data) {
    const errors = [];
    if (data.dyad_type === "multilateral") {
      if (data.participants.length < 3) errors.push("A multilateral coding needs three or more participants.");
    } else {
      if (data.side_a == null || data.side_b == null) errors.push("Choose actor A and actor B.");
      else if (data.side_a === data.side_b) errors.push("Actor A and actor B must be different states.");
    }
    if (!data.activity) errors.push("Choose an activity.");
    if (data.confidence == null) errors.push("Choose a confidence level.");
    if (data.date_precision !== "unknown" && !data.event_date) errors.push("Give the event date, or set the precision to unknown.");
    return errors;
  }

  showErrors(messages) {
    const list = $(this.el, "#cf-errors");
    list.replaceChildren(...messages.map((m) => { const li = document.createElement("li"); li.textContent = m; return li; }));
    if (messages.length) this.reveal(list);
  }

  // Scroll `target` into view in the panel (and in the column around it), clear of the sticky
  // Save bar at the panel's foot: the panel scrolls inside itself when the window is short, and
  // the reasons a save was refused are below the fields, so the coder would see nothing happen.
  reveal(target) {
    for (let box = target.parentElement; box && box !== document.body; box = box.parentElement) {
      if (box.scrollHeight <= box.clientHeight) continue;
      const view = box.getBoundingClientRect();
      const bar = box === this.el ? $(box, ".cf-actions").getBoundingClientRect().top : view.bottom;
      const top = view.top + 8, bottom = Math.min(view.bottom, bar) - 8;
      const r = target.getBoundingClientRect();
      if (r.top < top) box.scrollTop -= top - r.top;
      else if (r.bottom > bottom) box.scrollTop += Math.min(r.bottom - bottom, r.top - top);
    }
  }

  async submit() {
    if (this.el.hidden || $(this.el, "#cf-save").hidden) return;
    const data = this.values();
    const errors = this.check(data);
    if (errors.length) { this.showErrors(errors); return; }
    const dyad = { dyad_type: data.dyad_type, side_a: data.side_a, side_b: data.side_b,
                   participants: data.participants, forum: data.forum };
    localStorage.setItem(this.dyadKey, JSON.stringify(dyad));
    $(this.el, "#cf-save").disabled = true;
    try {
      const problems = await this.onSave(this.coding, data);
      if (!problems || !problems.length) this.close();
      else if (this.isOpen) this.showErrors(problems); // closed: the coding was deleted elsewhere
    } finally {
      $(this.el, "#cf-save").disabled = false;
    }
  }
}

// The document view: wires the text, highlights, form, codings list and the save queue.
// All initial data comes from the JSON script tag the server rendered (no extra requests).
import { ApiError, NetworkError, send } from "./api.js";
import { CodingForm } from "./form.js";
import { pointToUnit, rangeOf, render } from "./highlights.js";
import { clusterAt, OffsetMap } from "./offsets.js";
import { PendingQueue, Retrier } from "./queue.js";
import { find, select, selectedSpan, stepSpan, trimSpan } from "./selection.js";

performance.mark("ws-start");
const data = JSON.parse(document.getElementById("workspace-data").textContent);
const text = data.source.text;
const map = new OffsetMap(text);
const me = data.me;
const reader = document.getElementById("reader");
const statusEl = document.getElementById("save-status");
const banner = document.getElementById("ws-banner");
const tip = document.getElementById("ws-tip");
const chooser = document.getElementById("ws-chooser");
const listEl = document.getElementById("coding-list");
const side = document.querySelector(".ws-side");
const toast = document.getElementById("ws-toast");
const retryButton = document.getElementById("retry-now");
const saveTimeout = data.save_timeout_ms || 10000;
const areas = new Map(data.codebook.areas.map((a) => [a.id, a]));
const activities = new Map();
for (const a of data.codebook.areas) for (const x of a.activities) activities.set(x.id, x);
const actors = new Map(data.codebook.actors.map((a) => [a.id, a]));
const confidence = new Map(data.codebook.confidence.map((c) => [c.value, c]));

const codings = new Map(); // key -> coding ("c<id>" on the server, "t<n>" not yet)
for (const c of data.codings) codings.set(`c${c.id}`, { ...c, key: `c${c.id}` });
// The span in the panel: a new passage (key null) or an own coding being edited (its key), in
// UTF-16 units; Shift+arrow keys and the handles move its edges until it is saved or cancelled.
let draft = null; // {key, s, e}
const undoStack = []; // the coder's last changes, newest last: {kind, ...} (see undo())
let activeKey = null;
let coderFilter = "";
let lastFind = 0;
let flushing = null;
let offline = false;
let timedOut = false;
let justSaved = false;
let refusedInPanel = false; // the panel's last save was refused and the panel is still open
let drawn = ""; // what the reader shows (see drawReader)

// Finding the saves this browser kept for the source takes Web Locks, tens of milliseconds: the
// text and the server's codings are drawn first, so the browser lays them out meanwhile.
const queueOpening = PendingQueue.open(`ws:${data.project.slug}:${data.source.id}:${me.username}`);
drawReader();
const queue = await queueOpening;

// --- state from the pending queue --------------------------------------------------------------

function applyOp(op) {
  if (op.kind === "create" && op.discard) {
    codings.delete(op.tmp);
  } else if (op.kind === "create") {
    codings.set(op.tmp, { ...op.data, key: op.tmp, coder: me.username, pending: true,
                          failed: op.failed || null, version: 0 });
  } else if (op.kind === "update") {
    const c = codings.get(`c${op.id}`);
    if (c) codings.set(c.key, { ...c, ...op.data, pending: true, failed: op.failed || null });
  } else if (op.kind === "delete") {
    const c = codings.get(`c${op.id}`);
    if (c && op.failed) codings.set(c.key, { ...c, failed: op.failed });
    else codings.delete(`c${op.id}`);
  }
}
// A pending create whose first save reached the server (its answer was lost) is already among
// the codings the page was rendered with, under its client_id: settle it instead of showing it
// twice until the retry.
const byClientId = new Map();
for (const c of codings.values()) if (c.client_id) byClientId.set(c.client_id, c);
for (const op of [...queue.ops]) {
  const stored = op.kind === "create" && byClientId.get(op.data.client_id);
  if (stored) settleCreate(op, stored, 200);
}
for (const op of queue.ops) applyOp(op);

// The create `op` is on the server as `result`: status 201, stored by this attempt (with the
// edits up to `sentRev`); 200, stored by an earlier attempt whose answer was lost (edits made
// since may be missing). Missing edits follow as an update, a delete made meanwhile as a delete.
function settleCreate(op, result, status, sentRev = 0) {
  queue.remove(op);
  codings.delete(op.tmp);
  const key = `c${result.id}`;
  if (op.discard) {
    codings.delete(key);
    queue.add({ kind: "delete", id: result.id, version: result.version, before: { ...result, key } });
    return;
  }
  codings.set(key, { ...result, key });
  if (activeKey === op.tmp) activeKey = key;
  if (me.assignment === "not_started") me.assignment = "in_progress"; // as the server counts it
  const storedRev = status === 201 ? sentRev : 0;
  if ((op.rev || 0) > storedRev) {
    const { client_id, ...changes } = op.data;
    const later = queue.add({ kind: "update", id: result.id, version: result.version, data: changes, before: { ...result, key } });
    applyOp(later);
  }
}

// --- drawing ---------------------------------------------------------------------------------

function visible() {
  return [...codings.values()].filter((c) => !coderFilter || c.coder === coderFilter)
    .sort((a, b) => a.start - b.start || a.end - b.end);
}

function colorOf(c) { return (areas.get(c.area) || {}).color || "#888888"; }

function dyadText(c) {
  const iso = (id) => (actors.get(id) || { iso3: "?" }).iso3;
  if (c.dyad_type === "multilateral") {
    return (c.participants || []).map(iso).join(", ") + (c.forum ? ` @ ${c.forum}` : "")
      + (c.side_a != null ? `, initiated by ${iso(c.side_a)}` : "");
  }
  return `${iso(c.side_a)} ${c.dyad_type === "directed" ? "→" : "–"} ${iso(c.side_b)}`;
}

function summary(c) {
  const act = activities.get(c.activity);
  const conf = confidence.get(c.confidence);
  const date = c.event_date ? `${c.date_precision === "year" ? c.event_date.slice(0, 4)
    : c.date_precision === "month" ? c.event_date.slice(0, 7) : c.event_date}` : "date unknown";
  return `${(areas.get(c.area) || {}).label || "?"} › ${act ? act.label : "?"} · ${dyadText(c)} · `
    + `confidence ${c.confidence}${conf ? " " + conf.label : ""} · ${date}`;
}

function draw() {
  drawReader();
  drawHandles();
  drawList();
  drawStatus();
}

// The text with its highlights. A draw that changes nothing there keeps the reader's nodes, so
// the browser need not lay out the whole text again (it takes longer than building it); one
// that does draws anew only the paragraphs whose highlights changed (highlights.js).
function drawReader({ all = false } = {}) {
  const shown = visible().map((c) => {
    const moved = draft && draft.key === c.key;
    return { key: c.key, s: moved ? draft.s : map.toUnits(c.start), e: moved ? draft.e : map.toUnits(c.end),
             color: colorOf(c), pending: !!c.pending || moved, failed: !!c.failed };
  });
  if (draft && draft.key === null) shown.push({ key: "draft", s: draft.s, e: draft.e, color: "#98a2b3", pending: true });
  const signature = JSON.stringify([activeKey, shown]);
  if (signature === drawn && !all) return;
  render(reader, text, shown, activeKey, { all });
  drawn = signature;
  // Paragraphs drawn anew have their estimated height until the browser lays them out, at its
  // next frame (content-visibility, app.css): the handles are placed again once it has.
  if (draft) requestAnimationFrame(() => requestAnimationFrame(() => { if (draft) drawHandles(); }));
}

// The span of the draft as the server wants it: code points and the exact quote.
function spanOf(d) { return { start: map.toPoints(d.s), end: map.toPoints(d.e), quote: text.slice(d.s, d.e) }; }

// --- span handles: drag either end of the passage in the panel --------------------------------

const handles = ["start", "end"].map((edge) => {
  const h = document.createElement("span");
  h.className = `span-handle span-${edge}`;
  h.dataset.edge = edge;
  h.setAttribute("aria-hidden", "true");
  h.title = edge === "start" ? "Drag to move the start (or Ctrl+Shift+← / →)" : "Drag to move the end (or Shift+← / →)";
  h.hidden = true;
  document.body.append(h);
  return h;
});

// Where an edge of the span is drawn: the start before its first character, the end after its
// last one (a caret between them would sit at the end of the previous line where a line wraps).
// Before and after as the character runs: right to left (Persian, Arabic, Hebrew), the start is
// at the right of the first character and the end at the left of the last one.
function edgeRect(edge) {
  const u = edge === "start" ? draft.s : Math.max(charStart(draft.e - 1), draft.s);
  const box = charBox(u, edge === "start" ? 0 : -1);
  if (!box) return null;
  const rtl = runsRtl(u, box, edge === "start" ? [charEnd(u), charStart(u - 1)] : [charStart(u - 1), charEnd(u)]);
  return { left: (edge === "start") === rtl ? box.right : box.left, top: box.top, height: box.height };
}

// The first unit of the character at unit `u`, and the unit after it: a character as the reader
// sees it, a grapheme cluster (a flag is four units, 👍🏽 four, q̃ two; offsets.js).
function charStart(u) { return u >= 0 && u < text.length ? clusterAt(text, u)[0] : u; }
function charEnd(u) { return u >= 0 && u < text.length ? clusterAt(text, u)[1] : u + 1; }

// The box of the character starting at `u` as drawn (`which`: its first box, or -1 its last), or null.
function charBox(u, which = 0) {
  if (u < 0 || u >= text.length) return null;
  const range = rangeOf(reader, u, charEnd(u));
  const rects = range ? [...range.getClientRects()].filter((r) => r.width > 0) : [];
  return rects.length ? rects.at(which) : null;
}

// Letters of the scripts written right to left; any other letter runs left to right.
const RTL_LETTER = /[\p{sc=Arabic}\p{sc=Hebrew}\p{sc=Syriac}\p{sc=Thaana}\p{sc=Nko}]/u;

// Whether the character at `u` (drawn in `box`) runs right to left: a letter by its script; a
// digit, punctuation or symbol takes its direction from the text around it (the bidi algorithm),
// so from where it stands against a neighbour on the same line (`neighbours`, units of the
// characters logically after or before it), else by its paragraph's direction.
function runsRtl(u, box, neighbours) {
  const ch = text.slice(u, charEnd(u));
  if (/\p{L}/u.test(ch)) return RTL_LETTER.test(ch);
  const mid = (r) => r.left + r.width / 2;
  for (const v of neighbours) {
    if (v < 0 || v >= text.length || /\s/.test(text[v])) continue;
    const other = charBox(v);
    if (!other || other.bottom <= box.top || other.top >= box.bottom || mid(other) === mid(box)) continue;
    return v > u ? mid(box) > mid(other) : mid(box) < mid(other);
  }
  const range = rangeOf(reader, u, charEnd(u));
  return !!range && getComputedStyle(range.startContainer.parentElement).direction === "rtl";
}

function drawHandles() {
  const show = draft && form.isOpen && !form.isReadOnly;
  for (const h of handles) {
    h.hidden = !show;
    if (!show) continue;
    const rect = edgeRect(h.dataset.edge);
    if (!rect) { h.hidden = true; continue; }
    h.style.left = `${rect.left + window.scrollX}px`;
    h.style.top = `${rect.top + window.scrollY}px`;
    h.style.height = `${rect.height}px`;
  }
}

function unitAt(x, y) {
  let node = null, offset = 0;
  if (document.caretPositionFromPoint) {
    const p = document.caretPositionFromPoint(x, y);
    if (p) { node = p.offsetNode; offset = p.offset; }
  } else if (document.caretRangeFromPoint) {
    const r = document.caretRangeFromPoint(x, y);
    if (r) { node = r.startContainer; offset = r.startOffset; }
  }
  if (!node || !reader.contains(node)) return null;
  return pointToUnit(reader, node, offset, text.length);
}

for (const h of handles) {
  h.addEventListener("pointerdown", (e) => {
    e.preventDefault();
    h.setPointerCapture(e.pointerId);
    h.classList.add("dragging");
  });
  h.addEventListener("pointermove", (e) => {
    if (!h.hasPointerCapture(e.pointerId) || !draft) return;
    for (const x of handles) x.style.visibility = "hidden"; // not in the way of the hit test
    const unit = unitAt(e.clientX, e.clientY);
    for (const x of handles) x.style.visibility = "";
    if (unit === null) return;
    // dragged past the other edge, the span keeps one whole character (a flag is four units)
    const span = h.dataset.edge === "start" ? trimSpan(text, Math.min(unit, charStart(draft.e - 1)), draft.e)
      : trimSpan(text, draft.s, Math.max(unit, charEnd(draft.s)));
    if (span && (span[0] !== draft.s || span[1] !== draft.e)) moveDraft(span);
  });
  h.addEventListener("pointerup", (e) => { h.releasePointerCapture(e.pointerId); h.classList.remove("dragging"); });
}

function moveDraft([s, e]) {
  draft.s = s;
  draft.e = e;
  form.setQuote(text.slice(s, e));
  draw();
}

function drawList() {
  const items = visible();
  document.getElementById("coding-count").textContent = String(items.length);
  listEl.replaceChildren(...items.map((c) => {
    const li = document.createElement("li");
    li.dataset.key = c.key;
    li.className = "coding-item" + (c.key === activeKey ? " active" : "");
    li.tabIndex = 0;
    li.style.setProperty("--area", colorOf(c));
    const head = document.createElement("div");
    head.className = "ci-head";
    head.textContent = summary(c);
    const quote = document.createElement("div");
    quote.className = "ci-quote";
    quote.textContent = c.quote.length > 120 ? c.quote.slice(0, 119) + "…" : c.quote;
    li.append(head, quote);
    const state = document.createElement("div");
    state.className = "ci-state";
    if (c.failed) { state.classList.add("failed"); state.textContent = `Not saved: ${c.failed}`; }
    else if (c.pending) { state.classList.add("pending"); state.textContent = "Pending — will be saved when the server is reachable"; }
    if (me.is_pi && c.coder) { const who = document.createElement("span"); who.className = "badge muted"; who.textContent = c.coder; head.prepend(who, " "); }
    if (state.textContent) li.append(state);
    return li;
  }));
}

function drawStatus() {
  const waiting = queue.waiting.length, failed = queue.failed.length;
  statusEl.className = "save-status";
  if (failed) {
    statusEl.classList.add("failed");
    statusEl.textContent = `${failed} change${failed > 1 ? "s" : ""} not saved`;
  } else if (refusedInPanel && form.isOpen) {
    statusEl.classList.add("failed");
    statusEl.textContent = "Not saved — see the panel";
  } else if (waiting && offline) {
    statusEl.classList.add("pending");
    statusEl.textContent = timedOut ? `${waiting} pending — the server does not answer, will retry`
      : `${waiting} pending — offline, will retry`;
  } else if (waiting) {
    statusEl.classList.add("saving");
    statusEl.textContent = "Saving…";
  } else {
    statusEl.classList.add("saved");
    statusEl.textContent = justSaved ? "Saved ✓" : "All changes saved";
  }
  retryButton.hidden = !(waiting && offline);
  const badge = document.getElementById("assignment-status");
  const labels = { not_started: "Not started", in_progress: "In progress", done: "Done" };
  badge.textContent = me.assignment ? labels[me.assignment] : (me.is_pi ? "PI" : "");
  badge.className = `badge assign-${me.assignment || "pi"}`;
  document.getElementById("mark-done").hidden = !me.assignment || me.assignment === "done";
  document.getElementById("reopen").hidden = me.assignment !== "done" || me.training;
}

function showBanner(message) {
  banner.textContent = message;
  banner.hidden = !message;
}

// --- saving ----------------------------------------------------------------------------------

// The fields as the panel labels them: a message about a field that does not name it (DRF's
// "Ensure this field has no more than …") is shown with the field's label.
const LABELS = {
  start: "Passage", end: "Passage", quote: "Passage", dyad_type: "Dyad", side_a: "Actor A",
  side_b: "Actor B", participants: "Participants", setting: "Dyad", forum: "Forum", area: "Area",
  activity: "Activity", confidence: "Confidence", event_date: "Event date",
  date_precision: "Precision", note: "Note",
};

function messagesOf(err) {
  const body = err.data;
  if (!body || typeof body !== "object") return [err.message];
  if (body.detail) return [String(body.detail)];
  return Object.entries(body).flatMap(([field, list]) => [list].flat().map((m) => {
    const label = LABELS[field], text = String(m);
    return label && !text.toLowerCase().includes(label.toLowerCase()) ? `${label}: ${text}` : text;
  }));
}

function url(id) { return data.urls.coding.replace("{id}", String(id)); }

async function run(op, onStatus) {
  if (op.kind === "create") {
    op.sent = true; // from now on the server may have it (see remove())
    op.sentRev = op.rev || 0;
    queue.save();
    return send("POST", data.urls.codings, op.data, { onStatus, timeout: saveTimeout });
  }
  if (op.kind === "update") return send("PATCH", url(op.id), { ...op.data, version: op.version }, { timeout: saveTimeout });
  return send("DELETE", `${url(op.id)}?version=${op.version}`, undefined, { timeout: saveTimeout });
}

// Send the queued operations in order. Returns the problems of `interactive` (the save the
// form waits for): [] when it was saved or is pending offline, messages when it was refused.
function flush(interactive = null) {
  const next = (flushing || Promise.resolve()).then(() => flushNow(interactive));
  flushing = next.catch(() => []);
  return next;
}

async function flushNow(interactive) {
  let problems = [];
  const tried = new Set(); // settling a create may queue an update or delete: run those too
  for (let op; (op = queue.ops.find((o) => !o.failed && !tried.has(o)));) {
    tried.add(op);
    drawStatus();
    try {
      let status = 0;
      const result = await run(op, (s) => { status = s; });
      offline = false;
      timedOut = false;
      if (op.kind === "create") {
        settleCreate(op, result, status, op.sentRev);
      } else if (op.kind === "update") {
        queue.remove(op);
        codings.set(`c${result.id}`, { ...result, key: `c${result.id}` });
      } else {
        queue.remove(op);
        codings.delete(`c${op.id}`);
      }
      justSaved = true;
      setTimeout(() => { justSaved = false; drawStatus(); }, 2500);
    } catch (err) {
      if (err instanceof NetworkError) {
        offline = true;
        timedOut = err.timedOut;
        retrier.later();
        break;
      }
      const deleted = err instanceof ApiError && (err.status === 404 || (err.status === 409
        && err.data && err.data.code === "stale_version" && !err.data.current));
      if (op.kind === "delete" && deleted) {
        // an earlier attempt deleted it and its answer was lost (a timeout), or another tab
        // deleted it: done
        queue.remove(op);
        codings.delete(`c${op.id}`);
        continue;
      }
      if (op.kind === "update" && landed(op, err)) {
        // an earlier attempt stored this very change and its answer was lost (a timeout)
        queue.remove(op);
        codings.set(`c${op.id}`, { ...err.data.current, key: `c${op.id}`, coder: me.username });
        continue;
      }
      let messages = messagesOf(err);
      const conflict = err instanceof ApiError && err.status === 409;
      if (conflict && err.data && err.data.code === "stale_version" && err.data.current) {
        // changed elsewhere (another tab): the current version replaces this one (save()
        // shows it in the panel, where the coder may change it again)
        queue.remove(op);
        const key = `c${op.id}`;
        codings.set(key, { ...err.data.current, key, coder: me.username });
        stale.add(op);
        showBanner(`${messages[0]} The current version is shown.`);
      } else if (op.kind === "update" && deleted && (err.status === 409 || await deletedElsewhere(op.id))) {
        messages = ["This coding was deleted elsewhere (another tab or device); your change was not saved."];
        dropDeleted(op.id);
        showBanner(messages[0]);
      } else if ((op === interactive && fresh.has(op)) || op.discard) {
        // a save the form waits for: the form keeps what the coder entered, to fix it there
        queue.remove(op);
        revert(op);
      } else {
        // a save from before (pending, or not saved and now changed): it stays listed as not
        // saved, with the reason, whatever the coder does with the panel
        op.failed = messages.join(" ");
        queue.save();
        applyOp(op);
      }
      if (op === interactive) problems = messages;
    }
  }
  draw();
  return problems;
}

// A stale-version answer whose current state is exactly what `op` sent.
function landed(op, err) {
  const current = err instanceof ApiError && err.status === 409 && err.data && err.data.current;
  if (!current || current.version !== op.version + 1) return false;
  const same = (a, b) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return Object.entries(op.data).every(([k, v]) => k === "note" ? same((v || "").trim(), current[k]) : same(v, current[k]));
}

// Whether coding `id` is gone from the server, after a change of it was answered 404: a coding
// still there can be read by its coder (a change may be refused for another reason, such as
// the source no longer assigned).
async function deletedElsewhere(id) {
  try {
    await send("GET", url(id), undefined, { timeout: saveTimeout });
    return false;
  } catch (err) {
    return err instanceof ApiError && err.status === 404;
  }
}

// Coding `id` was deleted elsewhere: it leaves the list, its pending saves and the panel.
function dropDeleted(id) {
  const key = `c${id}`;
  for (const o of queue.ops.filter((o) => o.id === id)) queue.remove(o);
  codings.delete(key);
  if (activeKey === key) activeKey = null;
  if (form.isOpen && form.coding && form.coding.key === key) form.close();
}

function revert(op) {
  if (op.kind === "create") codings.delete(op.tmp);
  else if (op.before) codings.set(`c${op.id}`, op.before);
}

const retrier = new Retrier(() => flush());
// Operations queued by the save the form is waiting for, not merged into an earlier one: when
// the server refuses such a save it is dropped (the panel still holds it); an earlier one
// stays listed as not saved.
const fresh = new WeakSet();
// Changes refused as based on an old version (changed elsewhere): the panel shows the current one.
const stale = new WeakSet();

let tmpSeq = Date.now();

// A random (version 4) UUID; crypto.randomUUID only exists on secure (https/localhost) pages.
function newClientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// Saves `values` as a new coding (coding null) or as a change of `coding`; returns the server's
// reasons when it refused the save (the form shows them and stays open). The span in the panel
// (the draft) is kept until the save is through: a refused save leaves the passage selected,
// with its handles, so the coder fixes the field and saves again (nothing is lost).
async function save(coding, values, { remember = true, clientId = null } = {}) {
  showBanner("");
  let op;
  const panelSpan = draft && (coding ? draft.key === coding.key : draft.key === null) ? { ...draft } : null;
  if (coding && panelSpan) {
    const span = spanOf(panelSpan);
    if (span.start !== coding.start || span.end !== coding.end) values = { ...values, ...span };
  }
  let undoEntry = null;
  if (!coding) {
    // client_id: the idempotency key of this new coding, kept with the pending save and sent
    // with every retry, so a save whose answer was lost is not stored twice.
    const span = values.start === undefined ? spanOf(panelSpan) : {};
    op = queue.add({ kind: "create", tmp: `t${tmpSeq++}`, data: { ...values, ...span, client_id: clientId || newClientId() } });
    fresh.add(op);
    if (remember) undoEntry = { kind: "create", client_id: op.data.client_id, label: "new coding" };
  } else if (coding.key.startsWith("t")) {
    op = queue.createOf(coding.key);
    op.data = { ...op.data, ...values };
    op.rev = (op.rev || 0) + 1; // an attempt may be stored without this edit (settleCreate)
    op.failed = null;
    queue.save();
  } else {
    const earlier = queue.ops.find((o) => o.kind === "update" && o.id === coding.id);
    if (earlier) { earlier.data = { ...earlier.data, ...values }; earlier.failed = null; queue.save(); op = earlier; }
    else { op = queue.add({ kind: "update", id: coding.id, version: coding.version, data: values, before: strip(coding) }); fresh.add(op); }
  }
  if (coding && remember) undoEntry = { kind: "update", key: coding.key, client_id: coding.client_id, before: strip(coding), label: "change" };
  if (undoEntry) pushUndo(undoEntry);
  applyOp(op);
  const kept = coding ? coding.key : null;
  activeKey = null;
  draft = null;
  draw();
  const problems = await flush(op);
  if (kept && codings.has(kept)) activeKey = kept; // j/k go on from the coding just changed
  if (problems.length) {
    // Refused: nothing to undo; the panel stays open on the same passage, unless the coder
    // has meanwhile closed it or chosen another one.
    if (undoEntry && undoStack[undoStack.length - 1] === undoEntry) undoStack.pop();
    if (stale.has(op) && form.isOpen && form.coding === coding) {
      // Changed elsewhere: the panel shows the current version instead of the refused one
      // (the banner and the panel say why), so the coder's next save is based on it.
      openExisting(kept);
      refusedInPanel = true;
      drawStatus();
    } else if (panelSpan && draft === null && form.isOpen && form.coding === coding) {
      draft = panelSpan;
      if (kept && codings.has(kept)) draft.key = kept;
      refusedInPanel = true;  // the header says so until the panel saves or closes
      draw();
    }
  }
  return problems;
}

function strip(c) { const { pending, failed, ...rest } = c; return rest; }

async function remove(coding, { remember = true } = {}) {
  showBanner("");
  form.close();
  if (remember) {
    pushUndo({ kind: "delete", before: strip(coding), label: "deletion" });
    showToast("Coding deleted.", true);
  }
  if (coding.key.startsWith("t")) {
    const op = queue.createOf(coding.key);
    codings.delete(coding.key);
    if (op.sent) {
      // An attempt may have been stored with its answer lost: finish the create (same
      // client_id, so no duplicate), then delete what it stored (settleCreate).
      op.discard = true;
      op.failed = null;
      queue.save();
      draw();
      flush();
    } else {
      queue.remove(op);
      draw();
    }
    return [];
  }
  for (const o of queue.ops.filter((o) => o.id === coding.id && o.kind === "update")) queue.remove(o);
  const op = queue.add({ kind: "delete", id: coding.id, version: coding.version, before: strip(coding) });
  fresh.add(op);
  applyOp(op);
  draw();
  const problems = await flush(op);
  if (problems.length) showBanner(problems.join(" "));
  return problems;
}

// --- undo (u): the coder's own last create, change or delete ----------------------------------

function pushUndo(entry) {
  undoStack.push(entry);
  if (undoStack.length > 50) undoStack.shift();
}

function findCoding(entry) {
  return [...codings.values()].find((c) => (entry.client_id && c.client_id === entry.client_id) || c.key === entry.key)
    || (entry.client_id && [...codings.values()].find((c) => {
      const op = c.key.startsWith("t") && queue.createOf(c.key);
      return op && op.data.client_id === entry.client_id;
    }));
}

const CODED = ["start", "end", "quote", "dyad_type", "side_a", "side_b", "participants", "forum", "area",
  "activity", "confidence", "event_date", "date_precision", "note"];
function codedFields(c) { return Object.fromEntries(CODED.map((k) => [k, c[k]])); }

// One undo at a time: the next one (u pressed again at once) acts on what the last one saved.
let undoing = Promise.resolve();
function undo() {
  const next = undoing.then(undoLast);
  undoing = next.catch(() => {});
  return next;
}

async function undoLast() {
  if (locked()) { showBanner(locked()); return; }
  const entry = undoStack.pop();
  if (!entry) { showToast("Nothing to undo."); return; }
  form.close();
  let problems;
  if (entry.kind === "delete") {
    // The coding is stored again as a new coding, with a new id: the older entries about the
    // deleted one (its changes, its creation) now act on the new one, found by its client_id.
    const was = entry.before;
    const older = undoStack.filter((e) => (was.client_id && e.client_id === was.client_id) || (e.key && e.key === was.key));
    const clientId = newClientId();
    problems = await save(null, codedFields(was), { remember: false, clientId });
    if (!problems.length) for (const e of older) { e.client_id = clientId; e.key = null; }
  } else {
    const c = findCoding(entry);
    if (!c) { showToast(`Nothing to undo: the coding of that ${entry.label} is no longer there.`); return; }
    problems = entry.kind === "create" ? await remove(c, { remember: false })
      : await save(c, codedFields(entry.before), { remember: false });
  }
  showToast(problems.length ? `Not undone (${entry.label}): ${problems.join(" ")}` : `Undone: ${entry.label}.`);
}

let toastTimer = null;
function showToast(message, withUndo = false) {
  toast.replaceChildren(message);
  if (withUndo) {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "link";
    b.append("Undo ");
    const k = document.createElement("kbd");
    k.textContent = "u";
    b.append(k);
    b.addEventListener("click", () => undo());
    toast.append(" ", b);
  }
  toast.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { toast.hidden = true; }, 8000);
}

// --- the form --------------------------------------------------------------------------------

const form = new CodingForm(document.getElementById("coding-form"), data.codebook, {
  dyadKey: `ws-dyad:${data.project.slug}:${me.username}`,
  onSave: save,
  onDelete: remove,
  onClose: () => { draft = null; refusedInPanel = false; draw(); reader.focus({ preventScroll: true }); },
  onOpen: () => { side.scrollTop = 0; refusedInPanel = false; fitSide(); },
});

// The side column is sticky; its height is what is left of the window below its top, so the
// panel (and its Save button) is always whole in view, however far the text is scrolled.
// Where the text ends within the window (scrolled to the end of a long one) the column ends
// with it, else the end of the layout would push the sticky column up out of the window. A
// text that ends above the window's bottom even at the top of the page (a short source) does
// not cut the column: it takes the window's height below its top, and is then the taller of the
// two (measured by the text, not by the layout: the column is in the layout, so fitting it to
// the layout shrank it a little at every resize, down to the text's height).
const layout = document.querySelector(".ws-layout");
const textColumn = document.querySelector(".ws-main");
const formEl = document.getElementById("coding-form");
function fitSide() {
  if (getComputedStyle(side).position !== "sticky") {  // one column (app.css): no fitting
    side.style.maxHeight = formEl.style.maxHeight = "";
    return;
  }
  const top = Math.max(side.getBoundingClientRect().top, 12);
  const textEnd = textColumn.getBoundingClientRect().bottom;
  const short = textEnd + window.scrollY <= window.innerHeight;
  const bottom = (short ? window.innerHeight - window.scrollY : Math.min(window.innerHeight, textEnd)) - 12;
  const height = `${Math.max(bottom - top, 240)}px`;
  side.style.maxHeight = height;
  formEl.style.maxHeight = getComputedStyle(formEl).position === "fixed" ? "" : height;
}
// Paragraphs are laid out as they come near the screen (app.css), so the text's height changes
// as the coder scrolls: the panel is fitted again whenever it does.
new ResizeObserver(() => { fitSide(); drawHandles(); }).observe(layout);
let fitting = false;
window.addEventListener("scroll", () => {
  if (fitting) return;
  fitting = true;
  requestAnimationFrame(() => { fitting = false; fitSide(); drawHandles(); });
}, { passive: true });

function locked() {
  if (!me.can_code) return "You may read this source but it is not assigned to you.";
  if (me.assignment === "done" && me.training) return "You marked this training source as done: you have seen the reference, so it stays as you coded it.";
  if (me.assignment === "done") return "You marked this source as done — reopen it to change codings.";
  return null;
}

function openNew(span, { keepFocus = false } = {}) {
  if (locked()) { showBanner(locked()); return; }
  const [s, e] = span;
  if (form.isOpen && !form.coding && draft && draft.key === null && form.changed) {
    // A new coding the coder has begun to fill in: another selection moves its passage and
    // keeps what was entered (a fresh panel would throw it away unsaved); Cancel starts over.
    window.getSelection().removeAllRanges();
    moveDraft([s, e]);
    reveal("draft");
    return;
  }
  draft = { key: null, s, e };
  activeKey = null;
  window.getSelection().removeAllRanges();
  form.open({ quote: text.slice(s, e), keepFocus });
  draw();
  reveal("draft");
}

// scroll: bring the passage into view (not when it was clicked in the text: the coder sees it, and
// a scroll would move another word under the second click of a double-click).
function openExisting(key, { keepFocus = false, scroll = true } = {}) {
  const c = codings.get(key);
  if (!c) return;
  chooser.hidden = true;
  activeKey = key;
  const readOnly = c.coder && c.coder !== me.username ? `Coded by ${c.coder} — read only.` : locked();
  draft = readOnly ? null : { key, s: map.toUnits(c.start), e: map.toUnits(c.end) };
  form.open({ quote: c.quote, coding: c, readOnly, keepFocus });
  draw();
  if (scroll) reveal(key);
}

function segmentsOf(key) {
  return [...reader.querySelectorAll(".seg.hl")].filter((s) => s.dataset.ids.split(" ").includes(key));
}

// The part of the window where the text can be seen: all of it beside the docked panel; in a
// narrow window (app.css) between the find bar stuck at the top and the panel's sheet at the
// bottom, which must not cover the passage being coded.
const toolbar = document.querySelector(".ws-toolbar");
function textView() {
  let top = 0, bottom = window.innerHeight;
  if (getComputedStyle(toolbar).position === "sticky") top = toolbar.offsetHeight; // once stuck at the top
  if (form.isOpen && getComputedStyle(formEl).position === "fixed") bottom = formEl.getBoundingClientRect().top;
  return { top, bottom };
}

// Scroll the passage into view unless it is already whole in the part of the window left to it.
function reveal(key) {
  const segs = segmentsOf(key);
  if (!segs.length) return;
  const top = segs[0].getBoundingClientRect().top, bottom = segs[segs.length - 1].getBoundingClientRect().bottom;
  const view = textView();
  if (top >= view.top && bottom <= view.bottom) return;
  const room = view.bottom - view.top;
  // a passage that fits is centred in the room left to it, a longer one starts at its top
  const by = bottom - top < room * 0.8 ? (top + bottom) / 2 - (view.top + view.bottom) / 2 : top - view.top;
  window.scrollBy({ top: by, behavior: "instant" });
  fitSide();
  drawHandles();
}

// --- keyboard: moving between codings, editing, deleting, undoing, adjusting spans -------------

function step(by) {
  const items = visible();
  if (!items.length) return;
  let i = items.findIndex((c) => c.key === activeKey);
  i = i < 0 ? (by > 0 ? 0 : items.length - 1) : Math.min(Math.max(i + by, 0), items.length - 1);
  activeKey = items[i].key;
  draw();
  reveal(activeKey);
  const li = listEl.querySelector(`li[data-key="${activeKey}"]`);
  if (li) li.scrollIntoView({ block: "nearest", behavior: "instant" });
  statusEl.setAttribute("aria-label", summary(items[i]));
}

function adjust(edge, by) {
  const span = stepSpan(text, [draft.s, draft.e], edge, by, data.source.language);
  if (span[0] !== draft.s || span[1] !== draft.e) moveDraft(span);
  reveal(draft.key === null ? "draft" : draft.key);
}

// --- events ----------------------------------------------------------------------------------

function selectionDone() {
  const span = selectedSpan(reader, text);
  if (!span) return false;
  openNew(span);
  return true;
}

reader.addEventListener("mouseup", () => setTimeout(selectionDone, 0));
reader.addEventListener("keyup", (e) => { if (e.shiftKey) selectionDone(); });

reader.addEventListener("click", (e) => {
  const seg = e.target.closest(".seg.hl");
  if (!seg || !window.getSelection().isCollapsed) return;
  const keys = seg.dataset.ids.split(" ").filter((k) => k !== "draft");
  if (keys.length === 1) { openExisting(keys[0], { scroll: false }); return; }
  if (!keys.length) return;
  chooser.replaceChildren(...keys.map((k) => {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "chooser-item";
    b.style.setProperty("--area", colorOf(codings.get(k)));
    b.textContent = summary(codings.get(k));
    b.addEventListener("click", () => openExisting(k, { scroll: false }));
    return b;
  }));
  const rect = seg.getBoundingClientRect();
  chooser.style.left = `${rect.left + window.scrollX}px`;
  chooser.style.top = `${rect.bottom + window.scrollY + 6}px`;
  chooser.hidden = false;
  tip.hidden = true; // the chooser lists the same codings
  chooser.querySelector("button").focus();
});

reader.addEventListener("mouseover", (e) => {
  const seg = e.target.closest(".seg.hl");
  if (!seg || !chooser.hidden) { tip.hidden = true; return; }
  const lines = seg.dataset.ids.split(" ").filter((k) => codings.has(k)).map((k) => {
    const c = codings.get(k);
    return (me.is_pi ? `${c.coder}: ` : "") + summary(c) + (c.pending ? " (pending)" : "");
  });
  if (!lines.length) { tip.hidden = true; return; }
  tip.replaceChildren(...lines.map((l) => { const d = document.createElement("div"); d.textContent = l; return d; }));
  const rect = seg.getBoundingClientRect();
  tip.style.left = `${rect.left + window.scrollX}px`;
  tip.style.top = `${rect.top + window.scrollY - 8}px`;
  tip.hidden = false;
});
reader.addEventListener("mouseleave", () => { tip.hidden = true; });

listEl.addEventListener("click", (e) => {
  const li = e.target.closest("li[data-key]");
  if (li) openExisting(li.dataset.key);
});
listEl.addEventListener("keydown", (e) => {
  const li = e.target.closest("li[data-key]");
  if (li && e.key === "Enter") { e.preventDefault(); openExisting(li.dataset.key); }
});

const findInput = document.getElementById("find");
findInput.addEventListener("keydown", (e) => {
  if (e.key === "Escape") { findInput.value = ""; reader.focus(); return; }
  if (e.key !== "Enter") return;
  e.preventDefault();
  const hit = find(text, findInput.value, lastFind);
  if (!hit) { showBanner(`“${findInput.value}” is not in the text.`); return; }
  showBanner("");
  lastFind = hit[1];
  const span = trimSpan(text, hit[0], hit[1]);
  if (!span) return;
  openNew(span, { keepFocus: true }); // Enter again finds the next occurrence; Tab goes to the panel's dyad
});
findInput.addEventListener("keydown", (e) => {
  if (e.key === "Tab" && !e.shiftKey && form.isOpen) { e.preventDefault(); form.focusStart(); }
});

const ARROWS = { ArrowRight: 1, ArrowLeft: -1 };

document.addEventListener("keydown", (e) => {
  const t = e.target;
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName) || t.isContentEditable;
  const textField = t.tagName === "TEXTAREA" || (t.tagName === "INPUT" && ["text", "search", "date"].includes(t.type) && t !== findInput);
  if (e.key === "Escape") { chooser.hidden = true; tip.hidden = true; if (form.isOpen) form.close(); }
  // Shift+←/→ move the end of the passage in the panel by a word, Ctrl+Shift+←/→ its start.
  if (e.shiftKey && ARROWS[e.key] && !e.altKey && !e.metaKey && draft && form.isOpen && !form.isReadOnly && !textField) {
    e.preventDefault();
    adjust(e.ctrlKey ? "start" : "end", ARROWS[e.key]);
    return;
  }
  if (typing || form.isOpen || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === "/") { e.preventDefault(); findInput.focus(); findInput.select(); }
  else if (e.key === "j" || e.key === "k") { e.preventDefault(); step(e.key === "j" ? 1 : -1); }
  else if ((e.key === "e" || (e.key === "Enter" && (t === reader || t === document.body))) && activeKey && codings.has(activeKey)) { e.preventDefault(); openExisting(activeKey); }
  else if (e.key === "x" && activeKey && codings.has(activeKey)) {
    e.preventDefault();
    const c = codings.get(activeKey);
    if (c.coder && c.coder !== me.username) { showBanner(`Coded by ${c.coder} — read only.`); return; }
    if (locked()) { showBanner(locked()); return; }
    const items = visible(), i = items.findIndex((x) => x.key === activeKey);
    remove(c);
    const next = items[i + 1] || items[i - 1];
    activeKey = next && next.key !== c.key ? next.key : null;
    draw();
  } else if (e.key === "u") { e.preventDefault(); undo(); }
  else if (e.key === "D" && me.assignment && me.assignment !== "done") { e.preventDefault(); setAssignment("done"); }
});
retryButton.addEventListener("click", () => retrier.now());

document.addEventListener("click", (e) => {
  if (!chooser.hidden && !chooser.contains(e.target) && !e.target.closest(".seg.hl")) chooser.hidden = true;
});

const search = document.getElementById("codebook-search");
search.addEventListener("input", () => {
  const q = search.value.trim().toLowerCase();
  for (const area of document.querySelectorAll("#codebook .cb-area")) {
    let any = false;
    for (const act of area.querySelectorAll(".cb-activity")) {
      const hit = !q || act.textContent.toLowerCase().includes(q);
      act.hidden = !hit;
      act.open = !!q && hit;
      any = any || hit;
    }
    const areaHit = !q || area.querySelector("summary").textContent.toLowerCase().includes(q);
    area.hidden = !(any || areaHit);
    area.open = !!q && (any || areaHit);
  }
});

const filter = document.getElementById("coder-filter");
if (filter) {
  const names = new Set([...data.coders, ...[...codings.values()].map((c) => c.coder)]);
  for (const name of [...names].sort()) {
    const o = document.createElement("option");
    o.value = name;
    const labels = data.coder_labels || {};
    o.textContent = Object.hasOwn(labels, name) ? labels[name] : name; // "dan (former member)"
    filter.append(o);
  }
  filter.addEventListener("change", () => { coderFilter = filter.value; draw(); });
}

async function setAssignment(action) {
  try {
    const result = await send("POST", data.urls[action]);
    me.assignment = result.status;
    showBanner("");
    if (action === "done" && data.urls.calibration) {
      // a training source: the comparison with the reference opens once it is done
      window.location.assign(data.urls.calibration);
      return;
    }
    if (action === "reopen") {
      for (const op of queue.failed) op.failed = null;
      queue.save();
      flush();
    }
  } catch (err) {
    showBanner(err instanceof NetworkError ? "The server cannot be reached; try again." : err.message);
  }
  draw();
}
document.getElementById("mark-done").addEventListener("click", () => { form.close(); setAssignment("done"); });
document.getElementById("reopen").addEventListener("click", () => setAssignment("reopen"));

window.addEventListener("resize", () => { fitSide(); drawHandles(); });

draw();
fitSide();
performance.mark("ws-rendered");
reader.dataset.ready = "1";
if (queue.waiting.length) flush();

// For tests and the bench: select a span given in code points, as a coder would with the mouse.
window.workspace = {
  selectPoints(start, end) {
    const range = select(reader, map.toUnits(start), map.toUnits(end));
    reader.dispatchEvent(new MouseEvent("mouseup", { bubbles: true }));
    return !!range;
  },
  redraw() { const t0 = performance.now(); drawReader({ all: true }); draw(); return performance.now() - t0; },
  offsets: map,
  codings: () => [...codings.values()],
  // for suggestions.js: an accepted suggestion is a coding stored on the server
  addCoding(c) { codings.set(`c${c.id}`, { ...c, key: `c${c.id}` }); draw(); },
  openCoding(id) { openExisting(`c${id}`); },
};

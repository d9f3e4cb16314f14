// Suggested passages in the workspace, drawn apart from codings: grey with a dashed underline
// (CSS Custom Highlight API, so the reader's DOM that main.js renders is never touched).
// Keys (outside fields, coding form closed): a = accept the current suggestion (it becomes your
// own coding, opened for editing), d = dismiss it, s = go to the next one.
import { ApiError, NetworkError, send } from "./api.js";
import { OffsetMap } from "./offsets.js";

const panel = document.getElementById("ws-suggestions");
const reader = document.getElementById("reader");
const data = JSON.parse(document.getElementById("workspace-data").textContent);
const map = new OffsetMap(data.source.text);
const list = panel ? panel.querySelector("ol") : null;
const note = panel ? panel.querySelector(".ws-suggestions-note") : null;
const canHighlight = typeof CSS !== "undefined" && CSS.highlights && typeof Highlight === "function";
let items = [];
let current = 0;

function dyadText(s) {
  if (s.dyad_type === "multilateral") return s.participants.join(", ");
  if (s.dyad_type === "directed") return `${s.side_a} → ${s.side_b}`;
  const [x, y] = [s.side_a, s.side_b].sort(); // an undirected pair reads alphabetically everywhere
  return `${x} – ${y}`;
}

// A DOM range over the reader's segments for code points [start, end), or null.
function rangeFor(start, end) {
  const s = map.toUnits(start), e = map.toUnits(end);
  let first = null, last = null;
  for (const seg of reader.querySelectorAll(".seg")) {
    const a = +seg.dataset.s, b = +seg.dataset.e;
    if (!first && a <= s && s < b) first = [seg, s - a];
    if (a < e && e <= b) { last = [seg, e - a]; break; }
  }
  if (!first || !last || !first[0].firstChild || !last[0].firstChild) return null;
  const range = document.createRange();
  range.setStart(first[0].firstChild, first[1]);
  range.setEnd(last[0].firstChild, last[1]);
  return range;
}

function drawHighlights() {
  if (!canHighlight) return;
  const all = [], now = [];
  items.forEach((s, i) => {
    const r = rangeFor(s.start, s.end);
    if (r) (i === current ? now : all).push(r);
  });
  CSS.highlights.set("ws-suggestion", new Highlight(...all));
  CSS.highlights.set("ws-suggestion-current", new Highlight(...now));
}

function drawList() {
  panel.querySelector(".ws-suggestions-count").textContent = String(items.length);
  list.replaceChildren(...items.map((s, i) => {
    const li = document.createElement("li");
    li.className = "suggestion" + (i === current ? " current" : "");
    li.dataset.id = s.id;
    li.tabIndex = 0;
    const head = document.createElement("div");
    head.className = "suggestion-head";
    head.textContent = `${s.area_label} › ${s.activity_label} · ${dyadText(s)} · ${Math.round(s.score * 100)}%`;
    const quote = document.createElement("div");
    quote.className = "suggestion-quote";
    quote.dir = "auto";
    quote.textContent = s.quote.length > 140 ? s.quote.slice(0, 140) + "…" : s.quote;
    const accept = document.createElement("button");
    accept.type = "button";
    accept.className = "button small primary";
    accept.textContent = "Accept (a)";
    accept.addEventListener("click", (e) => { e.stopPropagation(); current = i; decide("accept"); });
    const dismiss = document.createElement("button");
    dismiss.type = "button";
    dismiss.className = "button small";
    dismiss.textContent = "Dismiss (d)";
    dismiss.addEventListener("click", (e) => { e.stopPropagation(); current = i; decide("dismiss"); });
    li.append(head, quote, accept, " ", dismiss);
    li.addEventListener("click", () => { current = i; show(); });
    return li;
  }));
}

function show(scroll = true) {
  if (current >= items.length) current = Math.max(0, items.length - 1);
  drawList();
  drawHighlights();
  if (scroll && items[current]) {
    const r = rangeFor(items[current].start, items[current].end);
    if (r) r.startContainer.parentNode.scrollIntoView({ block: "center", behavior: "instant" });
  }
}

function say(text) { if (note) { note.textContent = text; note.hidden = !text; } }

async function decide(action) {
  const s = items[current];
  if (!s || panel.dataset.busy) return;
  panel.dataset.busy = "1";
  try {
    const result = await send("POST", `${panel.dataset.baseUrl}${s.id}/${action}/`);
    items.splice(current, 1);
    say("");
    if (action === "accept" && result && result.coding) {
      if (window.workspace && window.workspace.addCoding) {
        window.workspace.addCoding(result.coding);
        window.workspace.openCoding(result.coding.id);
      } else {
        window.location.reload();
      }
    }
  } catch (err) {
    if (err instanceof ApiError && err.status === 409) items.splice(current, 1);
    say(err instanceof NetworkError ? "The server cannot be reached; try again." : err.message);
  } finally {
    delete panel.dataset.busy;
    show(false);
  }
}

async function load() {
  try {
    const body = await send("GET", panel.dataset.url);
    items = body.suggestions;
    say(body.off || (items.length ? "" : "No suggestions on this source."));
  } catch (err) {
    say(err instanceof NetworkError ? "Suggestions could not be loaded." : err.message);
  }
  panel.hidden = false;
  show(false);
  panel.dataset.ready = "1";
}

if (panel && reader) {
  // main.js draws the reader's paragraphs anew (or the segments of those whose highlights
  // changed) after a change: draw the highlights again on the new nodes
  new MutationObserver(() => drawHighlights()).observe(reader, { childList: true, subtree: true });
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName) || t.isContentEditable;
    const form = document.getElementById("coding-form");
    if (typing || (form && !form.hidden) || !items.length) return;
    if (e.key === "a") { e.preventDefault(); decide("accept"); }
    else if (e.key === "d") { e.preventDefault(); decide("dismiss"); }
    else if (e.key === "s") { e.preventDefault(); current = (current + 1) % items.length; show(); }
  });
  load();
}

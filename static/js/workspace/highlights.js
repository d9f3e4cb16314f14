// Drawing the text and its highlights. The text is split into paragraphs at blank lines (long
// paragraphs of many lines into blocks of lines, below) and every paragraph into segments at all
// coding boundaries, so overlapping and nested codings are each visible and clickable: a segment
// knows every coding that covers it (data-ids), is coloured by the innermost one, and gets a
// deeper underline per extra layer. Each segment carries its UTF-16 offsets (data-s, data-e) so a
// DOM selection maps back to the text.

const PARAGRAPH_BREAK = /\n{2,}/g;
// A paragraph of many lines (a plain-text source whose paragraphs end at single line breaks, or
// hard-wrapped lines) is drawn as blocks of whole lines of up to BLOCK_CHARS each, cut at line
// breaks: a break between two blocks looks the same as one inside a block, and the browser lays
// out only the blocks near the screen (content-visibility), not all of a long text at once.
const BLOCK_CHARS = 2000;

// The text's paragraphs as [start, end, joined] in UTF-16 units; `joined`: the next part is the
// same paragraph's next block, after one line break.
export function paragraphs(text) {
  const parts = [];
  let last = 0;
  for (const m of text.matchAll(PARAGRAPH_BREAK)) {
    if (m.index > last) blocks(text, last, m.index, parts);
    last = m.index + m[0].length;
  }
  if (text.length > last) blocks(text, last, text.length, parts);
  return parts;
}

function blocks(text, start, end, parts) {
  while (end - start > BLOCK_CHARS) {
    let cut = text.lastIndexOf("\n", start + BLOCK_CHARS);
    if (cut <= start) cut = text.indexOf("\n", start + BLOCK_CHARS); // a line longer than a block
    if (cut < 0 || cut >= end) break;
    parts.push([start, cut, true]);
    start = cut + 1;
  }
  parts.push([start, end, false]);
}

// How many characters a block is sized as until laid out: its length, or 60 a line where its
// lines are short.
function sizedChars(text, start, end) {
  let lines = 1;
  for (let i = text.indexOf("\n", start); i >= 0 && i < end; i = text.indexOf("\n", i + 1)) lines++;
  return Math.max(end - start, lines * 60);
}

// What `root` shows: its text, the paragraphs drawn for it and what each paragraph holds.
const drawnIn = new WeakMap(); // root -> {text, paras: [<p>], held: [signature]}

// codings: [{key, s, e, color, pending, failed}] with s/e in UTF-16 units. The paragraphs are
// made once per text; a later render draws anew only the segments of the paragraphs whose
// highlights changed, in the same <p> elements. Replacing every paragraph made the browser lay
// the text out again from the estimated sizes (content-visibility, app.css) until its next
// frame: a click that opened a coding moved the text under the pointer meanwhile, and the second
// click of a double-click selected a word, or a whole paragraph, somewhere else. `all`: draw
// every paragraph anew (the bench measures that).
export function render(root, text, codings, activeKey = null, { all = false } = {}) {
  const events = new Map(); // unit -> {open: [], close: []}
  const at = (u) => { let ev = events.get(u); if (!ev) { ev = { open: [], close: [] }; events.set(u, ev); } return ev; };
  for (const c of codings) { at(c.s).open.push(c); at(c.e).close.push(c); }
  const paras = paragraphs(text);
  for (const [s, e] of paras) { at(s); at(e); }
  const points = [...events.keys()].sort((a, b) => a - b);
  const active = new Set();
  const segs = paras.map(() => []); // per paragraph: [{s, e, layers}]
  let pi = 0;
  for (let i = 0; i < points.length; i++) {
    const u = points[i];
    const ev = events.get(u);
    for (const c of ev.close) active.delete(c);
    for (const c of ev.open) active.add(c);
    while (pi < paras.length && paras[pi][1] <= u) pi++;
    const next = points[i + 1];
    if (next === undefined || pi >= paras.length || u < paras[pi][0]) continue;
    const layers = [...active].sort((a, b) => (a.e - a.s) - (b.e - b.s));
    segs[pi].push({ s: u, e: Math.min(next, paras[pi][1]), layers });
  }
  let state = drawnIn.get(root);
  if (all || !state || state.text !== text) {
    const frag = document.createDocumentFragment();
    state = { text, paras: paras.map(([s, e, joined]) => {
      const p = document.createElement("p");
      p.dir = "auto";
      p.dataset.s = s;
      p.dataset.e = e;
      p.style.setProperty("--chars", sizedChars(text, s, e)); // until laid out
      if (joined) p.classList.add("joined");
      frag.appendChild(p);
      return p;
    }), held: paras.map(() => null) };
    root.replaceChildren(frag);
    drawnIn.set(root, state);
  }
  for (let i = 0; i < paras.length; i++) {
    const shown = segs[i].map(({ s, e, layers }) => [s, e, ...(layers.length ? [
      layers.map((c) => c.key).join(" "), layers[0].color, layers.length > 1 ? layers[1].color : "",
      Math.min(layers.length, 3), layers.some((c) => c.pending), layers.some((c) => c.failed),
      activeKey !== null && layers.some((c) => c.key === activeKey)] : [])]);
    const signature = JSON.stringify(shown);
    if (signature === state.held[i]) continue;
    state.paras[i].replaceChildren(...shown.map((seg) => segment(text, seg)));
    state.held[i] = signature;
  }
}

function segment(text, [s, e, ids, color, outer, depth, pending, failed, active]) {
  const span = document.createElement("span");
  span.className = "seg";
  span.dataset.s = s;
  span.dataset.e = e;
  span.textContent = text.slice(s, e);
  if (ids === undefined) return span;
  span.classList.add("hl");
  span.dataset.ids = ids;
  span.style.setProperty("--hl", color);
  if (depth > 1) {
    span.style.setProperty("--hl-outer", outer);
    span.classList.add(depth > 2 ? "depth-3" : "depth-2");
  }
  if (pending) span.classList.add("pending");
  if (failed) span.classList.add("failed");
  if (active) span.classList.add("active");
  return span;
}

function startOf(node, textLength) {
  for (let n = node; n; n = n.nextSibling) {
    if (n.nodeType === 1) {
      if (n.dataset.s !== undefined) return +n.dataset.s;
      const inner = n.querySelector("[data-s]");
      if (inner) return +inner.dataset.s;
    }
  }
  const parent = node.parentNode;
  if (parent && parent.dataset && parent.dataset.e !== undefined) return +parent.dataset.e;
  return textLength;
}

// A DOM point (container, offset) as a UTF-16 offset into the text.
export function pointToUnit(root, node, offset, textLength) {
  if (node.nodeType === 3) {
    const seg = node.parentNode;
    if (seg && seg.classList && seg.classList.contains("seg")) return +seg.dataset.s + offset;
    return startOf(node.nextSibling, textLength);
  }
  if (node.classList && node.classList.contains("seg")) return offset === 0 ? +node.dataset.s : +node.dataset.e;
  const child = node.childNodes[offset];
  if (child) return startOf(child, textLength);
  if (node.dataset && node.dataset.e !== undefined) return +node.dataset.e;
  if (node === root) return textLength;
  return startOf(node.nextSibling, textLength);
}

function segmentAt(root, unit, preferEnd) {
  const segs = root.querySelectorAll(".seg");
  let lo = 0, hi = segs.length - 1, found = null;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = +segs[mid].dataset.s, e = +segs[mid].dataset.e;
    if (preferEnd ? unit <= s : unit < s) hi = mid - 1;
    else if (preferEnd ? unit > e : unit >= e) lo = mid + 1;
    else { found = segs[mid]; break; }
  }
  return found;
}

// A DOM Range over the UTF-16 span [s, e) of the text.
export function rangeOf(root, s, e) {
  const a = segmentAt(root, s, false), b = segmentAt(root, e, true);
  if (!a || !b) return null;
  const range = document.createRange();
  range.setStart(a.firstChild, s - +a.dataset.s);
  range.setEnd(b.firstChild, e - +b.dataset.s);
  return range;
}

export function firstSegmentOf(root, key) {
  for (const seg of root.querySelectorAll(".seg.hl")) {
    if (seg.dataset.ids.split(" ").includes(String(key))) return seg;
  }
  return null;
}

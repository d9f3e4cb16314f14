// The current selection as a UTF-16 span of the text, trimmed of leading and trailing
// whitespace (the server trims the same way and has the last word).
import { pointToUnit, rangeOf } from "./highlights.js";
import { clusterAt } from "./offsets.js";

const SPACE = /\s/;

// Every edge of a span passes through here (a selection, a find, a key, a handle), so here it is
// widened to whole grapheme clusters (offsets.js): a flag, an emoji with its skin tone or a
// letter with its combining mark is never cut in two, and a span holds at least one of them.
export function trimSpan(text, s, e) {
  while (s < e && SPACE.test(text[s])) s++;
  while (e > s && SPACE.test(text[e - 1])) e--;
  if (s >= e) return null;
  s = clusterAt(text, s)[0];
  e = clusterAt(text, e - 1)[1];
  // a combining mark on a space (rare): the server would trim that space and cut the cluster
  if (SPACE.test(text[s])) s = clusterAt(text, s)[1];
  return s < e ? [s, e] : null;
}

export function selectedSpan(root, text) {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!root.contains(range.commonAncestorContainer) && range.commonAncestorContainer !== root) return null;
  const s = pointToUnit(root, range.startContainer, range.startOffset, text.length);
  const e = pointToUnit(root, range.endContainer, range.endOffset, text.length);
  return trimSpan(text, Math.min(s, e), Math.max(s, e));
}

export function select(root, s, e) {
  const range = rangeOf(root, s, e);
  if (!range) return null;
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
  return range;
}

// Find `needle` in the text at or after `from` (wrapping around): case-insensitive, any run of
// whitespace (a line or paragraph break too) matching any other. "first words … last words"
// (or "..." between them) finds the passage from the one to the other, so a long passage can be
// selected with the keyboard without typing it all. Returns a UTF-16 span, or null.
export function find(text, needle, from = 0) {
  const [head, tail = ""] = needle.split(/\s*(?:\.\.\.|…)\s*/, 2);
  if (!head.trim()) return null;
  const source = tail.trim() ? `${words(head)}[\\s\\S]*?${words(tail)}` : words(head);
  const re = new RegExp(source, "giu");
  re.lastIndex = from;
  let match = re.exec(text);
  if (!match && from > 0) { re.lastIndex = 0; match = re.exec(text); }
  return match ? [match.index, match.index + match[0].length] : null;
}

function words(part) {
  return part.trim().split(/\s+/).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\s+");
}

// --- adjusting a span by words (Shift+arrow keys) ----------------------------------------------

const WINDOW = 400; // UTF-16 units segmented either side of the edge that moves

// Word starts and ends around `pos`, ascending. Intl.Segmenter finds words in scripts written
// without spaces (Chinese, Japanese, Thai) too; without it, runs of non-space characters count.
function wordBounds(text, pos, lang) {
  const lo = Math.max(0, pos - WINDOW), hi = Math.min(text.length, pos + WINDOW);
  const chunk = text.slice(lo, hi);
  const starts = [], ends = [];
  if (typeof Intl !== "undefined" && Intl.Segmenter) {
    let seg;
    try { seg = new Intl.Segmenter(lang || undefined, { granularity: "word" }); } catch { seg = new Intl.Segmenter(undefined, { granularity: "word" }); }
    for (const part of seg.segment(chunk)) {
      if (!part.isWordLike && !/\S/u.test(part.segment)) continue;
      if (!part.isWordLike && /^[\p{P}\p{S}]+$/u.test(part.segment)) {
        ends.push(lo + part.index + part.segment.length); // a full stop or quote ends a word too
        continue;
      }
      starts.push(lo + part.index);
      ends.push(lo + part.index + part.segment.length);
    }
  } else {
    for (const m of chunk.matchAll(/\S+/gu)) { starts.push(lo + m.index); ends.push(lo + m.index + m[0].length); }
  }
  return { starts, ends };
}

// The span [s, e) with one edge moved by a word: edge "end" or "start", by +1 (later in the
// text) or -1 (earlier). The span never becomes empty; at the text's ends nothing moves.
export function stepSpan(text, [s, e], edge, by, lang = "") {
  if (edge === "end") {
    const { ends } = wordBounds(text, e, lang);
    const next = by > 0 ? ends.find((x) => x > e) : [...ends].reverse().find((x) => x < e && x > s);
    return next === undefined ? [s, e] : trimSpan(text, s, next) || [s, e];
  }
  const { starts } = wordBounds(text, s, lang);
  const next = by < 0 ? [...starts].reverse().find((x) => x < s) : starts.find((x) => x > s && x < e);
  return next === undefined ? [s, e] : trimSpan(text, next, e) || [s, e];
}

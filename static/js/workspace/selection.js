// The current selection as a UTF-16 span of the text, trimmed of leading and trailing
// whitespace (the server trims the same way and has the last word).
import { pointToUnit, rangeOf } from "./highlights.js";

const SPACE = /\s/;

function isLowSurrogate(code) { return code >= 0xdc00 && code <= 0xdfff; }

export function trimSpan(text, s, e) {
  while (s < e && SPACE.test(text[s])) s++;
  while (e > s && SPACE.test(text[e - 1])) e--;
  // Never split a character outside the BMP (an emoji is two UTF-16 units).
  if (s > 0 && isLowSurrogate(text.charCodeAt(s))) s--;
  if (e < text.length && isLowSurrogate(text.charCodeAt(e))) e++;
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

// Find `needle` (case-insensitive where lower-casing keeps offsets) after `from`; wraps around.
export function find(text, needle, from = 0) {
  if (!needle) return null;
  let hay = text.toLowerCase(), n = needle.toLowerCase();
  if (hay.length !== text.length || n.length !== needle.length) { hay = text; n = needle; }
  let i = hay.indexOf(n, from);
  if (i < 0) i = hay.indexOf(n);
  return i < 0 ? null : [i, i + n.length];
}

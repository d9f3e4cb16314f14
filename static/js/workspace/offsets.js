// Offsets: the server counts Unicode code points; JavaScript strings count UTF-16 units.
// An OffsetMap converts between the two for one text in O(log n), by remembering where the
// characters outside the Basic Multilingual Plane (two units, one code point) are.

// The two UTF-16 units of a character outside the BMP (an emoji): the high one comes first.
export function isHighSurrogate(code) { return code >= 0xd800 && code <= 0xdbff; }
export function isLowSurrogate(code) { return code >= 0xdc00 && code <= 0xdfff; }

export class OffsetMap {
  constructor(text) {
    this.text = text;
    this.astral = []; // UTF-16 index of every surrogate pair's first unit, ascending
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (isHighSurrogate(c) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
        this.astral.push(i);
        i++;
      }
    }
    this.length = text.length - this.astral.length; // in code points
  }

  // How many astral characters start before UTF-16 index `units`.
  _before(units) {
    let lo = 0, hi = this.astral.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.astral[mid] < units) lo = mid + 1; else hi = mid; }
    return lo;
  }

  toPoints(units) {
    // Each surrogate pair before `units` is two units but one code point; a position inside a
    // pair comes out at the pair's start.
    return units - this._before(units);
  }

  toUnits(points) {
    // The k-th astral char (0-based) at unit u has code point index u - k.
    let lo = 0, hi = this.astral.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (this.astral[mid] - mid < points) lo = mid + 1; else hi = mid; }
    return points + lo;
  }
}

export function toPoints(text, units) { return new OffsetMap(text).toPoints(units); }
export function toUnits(text, points) { return new OffsetMap(text).toUnits(points); }

// Grapheme clusters: what a reader takes for one character. A flag is two regional indicators,
// 👍🏽 an emoji and a skin tone, 👨‍👩‍👧 three emoji joined by zero-width joiners, q̃ a letter and a
// combining mark (NFC has no single code point for it), 1️⃣ a digit and two marks. A span's edges
// stand between clusters, never inside one. A cluster never holds a line break, so only the
// line around a position is segmented.
const graphemes = typeof Intl !== "undefined" && Intl.Segmenter
  ? new Intl.Segmenter(undefined, { granularity: "grapheme" }) : null;

// The cluster holding UTF-16 unit `u` (0 <= u < text.length) as [start, end) in UTF-16 units.
// Without Intl.Segmenter, a surrogate pair at least stays whole.
export function clusterAt(text, u) {
  if (!graphemes) {
    const s = u > 0 && isLowSurrogate(text.charCodeAt(u)) && isHighSurrogate(text.charCodeAt(u - 1)) ? u - 1 : u;
    return [s, isHighSurrogate(text.charCodeAt(s)) && isLowSurrogate(text.charCodeAt(s + 1)) ? s + 2 : s + 1];
  }
  if (text[u] === "\n") return [u, u + 1];
  const lo = u > 0 ? text.lastIndexOf("\n", u - 1) + 1 : 0;
  const hi = text.indexOf("\n", u);
  const { index, segment } = graphemes.segment(text.slice(lo, hi < 0 ? text.length : hi)).containing(u - lo);
  return [lo + index, lo + index + segment.length];
}

const HEX = /^#[0-9a-fA-F]{6}$/;

// Coder colours: one palette for every page, the --coder-0 … --coder-7 custom properties of
// app.css (Okabe-Ito). The review page colours its legend and highlights with the classes built
// on them (.coder-bg-N); charts (the dashboard's codings per day) take the same colour through
// coderColor(N), N being the index the server gave the coder (coders in alphabetical order, as
// the review page numbers them).
const CODER_FALLBACK = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f3c8d", "#333333"];
export const CODER_PALETTE_SIZE = CODER_FALLBACK.length;

export function coderColor(index) {
  const i = ((Number(index) % CODER_PALETTE_SIZE) + CODER_PALETTE_SIZE) % CODER_PALETTE_SIZE || 0;
  const css = getComputedStyle(document.documentElement).getPropertyValue(`--coder-${i}`).trim();
  return HEX.test(css) ? css : CODER_FALLBACK[i];
}

// Area colours: elements carry data-area-color="#rrggbb"; this sets the --area custom property the
// stylesheet uses (through the CSSOM, which the Content-Security-Policy allows, unlike style
// attributes). Anything but a hex colour is ignored.
for (const el of document.querySelectorAll("[data-area-color]")) {
  const color = el.dataset.areaColor;
  if (HEX.test(color)) el.style.setProperty("--area", color);
}

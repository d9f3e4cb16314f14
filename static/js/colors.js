// Area colours: elements carry data-area-color="#rrggbb"; this sets the --area custom property the
// stylesheet uses (through the CSSOM, which the Content-Security-Policy allows, unlike style
// attributes). Anything but a hex colour is ignored.
const HEX = /^#[0-9a-fA-F]{6}$/;
for (const el of document.querySelectorAll("[data-area-color]")) {
  const color = el.dataset.areaColor;
  if (HEX.test(color)) el.style.setProperty("--area", color);
}

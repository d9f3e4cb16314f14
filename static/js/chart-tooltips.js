// Chart tooltips built as DOM nodes holding text, never as HTML strings: names in the data
// (actors, forums, areas, coders, batches) are typed by users, so none may become markup. Shared
// by the dashboard and the reliability page's drift chart.

const HEX = /^#[0-9a-fA-F]{6}$/;
export const safeColor = (c) => (typeof c === "string" && HEX.test(c) ? c : "#888888");

// A tooltip's content as DOM nodes: each line is [colour or null, text]; text stays text.
export function tooltipNode(lines) {
  const box = document.createElement("div");
  box.className = "dash-tip";
  for (const [color, text] of lines) {
    const row = document.createElement("div");
    if (color) {
      const dot = document.createElement("span");
      dot.className = "dash-tip-dot";
      dot.style.backgroundColor = safeColor(color); // CSSOM, allowed by the CSP
      row.append(dot);
    }
    row.append(document.createTextNode(String(text)));
    box.append(row);
  }
  return box;
}
// confine: keeps the tooltip inside the chart, and ECharts then draws no arrow (an HTML string with
// a style attribute, which the CSP would refuse)
export const tip = (formatter, extra = {}) => ({ confine: true, formatter, ...extra });
export const itemColor = (p) => (typeof p.color === "string" ? p.color : null);
// axis tooltips: the category, then one line per series
export const axisTooltip = (params) =>
  tooltipNode([
    [null, params.length ? params[0].name : ""],
    ...params.map((p) => [itemColor(p), `${p.seriesName}: ${p.value}`]),
  ]);

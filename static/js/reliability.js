import { itemColor, tip, tooltipNode } from "./chart-tooltips.js";

// Reliability page: while a worker computes the report, poll its progress and reload when done.
const box = document.getElementById("reliability-progress");

async function poll() {
  try {
    const response = await fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" } });
    if (response.ok) {
      const status = await response.json();
      if (status.ready) {
        window.location.reload();
        return;
      }
      const bar = box.querySelector("progress");
      bar.max = status.total || 1;
      bar.value = status.done || 0;
      box.querySelector("[data-message]").textContent =
        status.state === "failed" ? "The computation failed; reload to try again." : status.message || "";
      if (status.state === "failed") return;
    }
  } catch (error) {
    // a network hiccup: try again on the next tick
  }
  window.setTimeout(poll, 1500);
}

if (box) window.setTimeout(poll, 1000);

// Coder clinic: drift of alpha per batch of sources, one line per variable (vendored ECharts).

function drawDrift() {
  const holder = document.getElementById("drift-chart");
  const source = document.getElementById("drift-data");
  if (!holder || !source || !window.echarts) return;
  const drift = JSON.parse(source.textContent);
  const names = Object.keys(drift.variables);
  const first = names.length ? drift.variables[names[0]] : [];
  const chart = window.echarts.init(holder, null, { renderer: "canvas" });
  chart.setOption({
    animation: false,
    grid: { left: 48, right: 48, top: 36, bottom: 56 },
    legend: { top: 0 },
    tooltip: tip(
      (items) =>
        tooltipNode([
          [null, items[0].axisValue],
          ...items.map((i) => [itemColor(i), `${i.seriesName}: ${i.value == null ? "n/a" : Number(i.value).toFixed(3)}`]),
        ]),
      { trigger: "axis" },
    ),
    xAxis: { type: "category", data: first.map((p) => p.label), axisLabel: { rotate: 30 } },
    yAxis: { type: "value", max: 1, name: "α" },
    series: names.map((name) => ({
      name,
      type: "line",
      connectNulls: false,
      data: drift.variables[name].map((p) => p.alpha),
      markLine: { silent: true, symbol: "none", lineStyle: { type: "dashed" }, data: [{ yAxis: 0.8 }, { yAxis: 0.667 }] },
    })),
  });
  window.addEventListener("resize", () => chart.resize());
}

drawDrift();

// The PI dashboard: draws the figures from the JSON embedded by the page (json_script) with the
// vendored ECharts (window.echarts), and lists an edge's events when it is clicked.
// Exposed as window.dashboard for the browser tests: {charts, options, events, progress, showEdge}.
//
// Names in the data (actors, forums, areas, coders) are typed by users: every tooltip is built as
// DOM nodes holding text (tooltipNode), never as an HTML string, so no name can become markup.
// Every chart has its own formatter, so ECharts' default HTML tooltips (with inline styles the
// Content-Security-Policy refuses) are never used.

import { axisTooltip, itemColor, safeColor, tip, tooltipNode } from "./chart-tooltips.js";
import { coderColor } from "./colors.js";

// A dyad as every page writes it: "RUS → PRK", or "CHN – RUS" (undirected: alphabetical).
function dyadLabel(kind, a, b) {
  if (kind === "directed") return `${a} → ${b}`;
  const [x, y] = [a, b].sort();
  return `${x} – ${y}`;
}


const echarts = window.echarts;
const read = (id) => JSON.parse(document.getElementById(id).textContent);
const events = read("dashboard-events");
const progress = read("dashboard-progress");
const config = document.getElementById("dashboard-config").dataset;

const areaLabel = Object.fromEntries(events.areas.map((a) => [a.slug, a.label]));
const areaColor = Object.fromEntries(events.areas.map((a) => [a.slug, safeColor(a.color)]));

// item tooltips of a bar chart: "category: value"
const barTooltip = (p) => tooltipNode([[itemColor(p), `${p.name}: ${p.value}`]]);
const STATUS_COLORS = { not_started: "#bbbbbb", in_progress: "#E69F00", done: "#009E73" };
const toolbox = { feature: { saveAsImage: { title: "PNG", pixelRatio: 2 } }, right: 8, top: 0 };

function networkOption() {
  const nodes = events.network.nodes;
  const core = nodes.filter((n) => n.kind === "actor" && n.core);
  const third = nodes.filter((n) => n.kind === "actor" && !n.core);
  const forums = nodes.filter((n) => n.kind === "forum");
  const place = (list, radius, turn) =>
    list.map((n, i) => {
      const angle = turn + (2 * Math.PI * i) / Math.max(list.length, 1);
      return { ...n, x: radius * Math.cos(angle), y: radius * Math.sin(angle) };
    });
  const placed = [
    ...place(core, 100, -Math.PI * 0.75), // the quartet as a square
    ...place(forums, 38, -Math.PI / 2),
    ...place(third, 175, -Math.PI / 2),
  ];
  const maxEvents = Math.max(1, ...nodes.map((n) => n.events));
  const data = placed.map((n) => ({
    id: n.id,
    name: n.kind === "forum" ? n.name : n.id,
    x: n.x,
    y: n.y,
    value: n.events,
    symbol: n.kind === "forum" ? "roundRect" : "circle",
    symbolSize: n.kind === "forum" ? 14 + 16 * (n.events / maxEvents) : n.core ? 44 : 28,
    itemStyle: {
      color: n.kind === "forum" ? "#9e9e9e" : n.core ? "#2f4b7c" : "#7a9cc6",
    },
    label: n.kind === "forum"
      ? { show: true, position: "bottom", color: "#333", fontSize: 10, backgroundColor: "#ffffffdd",
          padding: [1, 3], borderRadius: 3 }
      : { show: true, position: "inside", color: "#fff", fontSize: 12 },
    tip: [[null, `${n.name}: ${n.events} event(s)`]],
    kind: n.kind,
  }));
  const maxN = Math.max(1, ...events.network.edges.flatMap((e) => Object.values(e.areas)));
  const links = [];
  for (const e of events.network.edges) {
    const slugs = Object.keys(e.areas).filter((s) => e.areas[s] > 0);
    slugs.forEach((slug, i) => {
      const n = e.areas[slug];
      const spread = (i - (slugs.length - 1) / 2) * 0.18;
      links.push({
        source: e.source,
        target: e.target,
        value: n,
        symbol: e.kind === "directed" ? ["none", "arrow"] : ["none", "none"],
        symbolSize: 12,
        lineStyle: {
          width: 1.5 + 8 * (n / maxN),
          color: areaColor[slug] || "#888888",
          type: e.kind === "multilateral" ? "dashed" : "solid",
          curveness: e.kind === "directed" ? 0.25 + spread : spread,
          opacity: 0.85,
        },
        tip: [
          [null, e.kind === "multilateral" ? `${e.forum} — ${e.target}`
            : dyadLabel(e.kind, e.source, e.target)],
          [areaColor[slug], `${areaLabel[slug] || slug}: ${n}`],
        ],
        edge: { kind: e.kind, a: e.kind === "multilateral" ? e.forum : e.source, b: e.target, area: slug },
      });
    });
  }
  return {
    toolbox,
    tooltip: tip((p) => tooltipNode(p.data && p.data.tip ? p.data.tip : [[null, p.name]])),
    legend: { data: events.areas.map((a) => a.label), bottom: 0, selectedMode: false },
    series: [
      {
        type: "graph",
        layout: "none",
        roam: true,
        data,
        links,
        edgeSymbol: ["none", "none"],
        emphasis: { focus: "adjacency", lineStyle: { width: 10 } },
        lineStyle: { opacity: 0.85 },
      },
      // empty series so the legend shows the area colours
      ...events.areas.map((a) => ({ type: "line", name: a.label, data: [], itemStyle: { color: areaColor[a.slug] } })),
    ],
    xAxis: { show: false }, yAxis: { show: false }, grid: { show: false },
  };
}

// colours computed here (no visualMap) so that empty cells are plainly grey and a label stays
// readable on dark cells
function shade(n, max) {
  if (n === 0) return { color: "#f1f1f1", ink: "#9a9a9a" };
  const t = max > 1 ? (n - 1) / (max - 1) : 1;
  const mix = (a, b) => Math.round(a + (b - a) * t);
  const [r, g, b] = [mix(0xc6, 0x08), mix(0xdb, 0x30), mix(0xef, 0x6b)];
  return { color: `rgb(${r},${g},${b})`, ink: t > 0.45 ? "#ffffff" : "#1a1a1a" };
}

function matrixOption() {
  const m = events.matrix;
  const max = Math.max(1, ...m.counts.flat());
  const data = [];
  m.counts.forEach((row, y) =>
    row.forEach((n, x) => {
      const { color, ink } = shade(n, max);
      data.push({ value: [x, y, n], itemStyle: { color }, label: { color: ink } });
    }),
  );
  return {
    toolbox,
    tooltip: tip((p) =>
      tooltipNode([[null, `${m.dyads[p.value[1]]} · ${areaLabel[m.areas[p.value[0]]]}: ${p.value[2]}`]])),
    grid: { left: 90, right: 20, top: 30, bottom: 90 },
    xAxis: { type: "category", data: m.areas.map((s) => areaLabel[s] || s),
             axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "category", data: m.dyads, inverse: true },
    series: [{ type: "heatmap", data, label: { show: true },
               itemStyle: { borderColor: "#fff", borderWidth: 2 } }],
  };
}

function timelineOption() {
  const t = events.timeline;
  return {
    toolbox,
    tooltip: tip(axisTooltip, { trigger: "axis" }),
    legend: { bottom: 0, type: "scroll" },  // one line, paged when narrow: never over the axis
    grid: { left: 40, right: 20, top: 30, bottom: 50 },
    xAxis: { type: "category", data: t.months },
    yAxis: { type: "value", minInterval: 1 },
    series: events.areas.map((a) => ({ type: "bar", stack: "events", name: a.label,
      itemStyle: { color: areaColor[a.slug] }, data: t.series[a.slug] })),
  };
}

function settingsOption() {
  const slugs = events.areas.map((a) => a.slug);
  return {
    toolbox,
    tooltip: tip(axisTooltip, { trigger: "axis" }),
    legend: { top: 0, left: 0 },
    grid: { left: 40, right: 20, top: 40, bottom: 90 },
    xAxis: { type: "category", data: slugs.map((s) => areaLabel[s]), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: ["bilateral", "multilateral"].map((k, i) => ({ type: "bar", name: k,
      itemStyle: { color: i ? "#CC79A7" : "#56B4E9" }, data: slugs.map((s) => events.settings[s][k]) })),
  };
}

function contactsOption() {
  return {
    toolbox,
    tooltip: tip(barTooltip),
    grid: { left: 170, right: 30, top: 30, bottom: 30 },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: events.contacts.map((c) => c.label) },
    series: [{ type: "bar", itemStyle: { color: "#0072B2" }, label: { show: true, position: "right" },
               data: events.contacts.map((c) => c.n) }],
  };
}

// the grid's bottom over a one-line legend at the chart's foot (the axis's labels above it)
const LEGEND_LINE_BOTTOM = 50;

// A legend that wraps (legend.bottom: 0, not paged) takes the height its lines need: the grid's
// bottom follows it and the chart's box grows by as much, so the bars keep their height.
function fitLegend(name) {
  const chart = charts[name];
  const el = chart.getDom();
  const legend = chart.getModel().getComponent("legend");
  const view = legend && chart.getViewOfComponentModel(legend);
  if (!view) return;
  el.dataset.baseHeight ||= String(el.clientHeight);
  // the legend's lines, and above them room for the axis's labels (as one line leaves)
  const bottom = Math.max(LEGEND_LINE_BOTTOM, Math.ceil(view.group.getBoundingRect().height) + 26);
  const extra = bottom - LEGEND_LINE_BOTTOM;
  if (options[name].grid.bottom === bottom) return;
  options[name].grid.bottom = bottom; // the SVG download draws the same
  el.style.height = `${Number(el.dataset.baseHeight) + extra}px`;
  chart.resize();
  chart.setOption({ grid: { bottom } });
}

function progressOption() {
  return {
    toolbox,
    tooltip: tip(axisTooltip, { trigger: "axis" }),
    // every name whole, "dan (former member)" too: the legend wraps onto as many lines as it
    // needs (not paged, nothing cut) and fitLegend makes room for them under the axis
    legend: { bottom: 0 },
    grid: { left: 40, right: 20, top: 30, bottom: LEGEND_LINE_BOTTOM },
    xAxis: { type: "category", data: progress.days },
    yAxis: { type: "value", minInterval: 1 },
    // one colour per coder, the review page's (colors.js); former members named as such
    series: progress.coders.map((c) => ({
      type: "bar", name: c.label, data: progress.per_day[c.coder] || [], barMaxWidth: 28,
      itemStyle: { color: coderColor(c.colour) } })),
  };
}

function sourcesOption() {
  const keys = Object.keys(progress.finished_by);
  return {
    toolbox,
    tooltip: tip((p) => tooltipNode([[itemColor(p), `${p.name} coder(s) done: ${p.value} source(s)`]])),
    grid: { left: 40, right: 20, top: 30, bottom: 40 },
    xAxis: { type: "category", name: "coders done", nameLocation: "middle", nameGap: 25, data: keys },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", itemStyle: { color: "#009E73" }, label: { show: true, position: "top" },
               data: keys.map((k) => progress.finished_by[k]) }],
  };
}

const builders = {
  network: networkOption, matrix: matrixOption, timeline: timelineOption, settings: settingsOption,
  contacts: contactsOption, progress: progressOption, sources: sourcesOption,
};
const charts = {};
const options = {};
for (const [name, build] of Object.entries(builders)) {
  const el = document.getElementById(`chart-${name}`);
  options[name] = build();
  charts[name] = echarts.init(el, null, { renderer: "canvas" });
  charts[name].setOption(options[name]);
}
fitLegend("progress");
window.addEventListener("resize", () => {
  Object.values(charts).forEach((c) => c.resize());
  fitLegend("progress");
});

// SVG download: draw the same option once more with the SVG renderer, off screen
document.querySelectorAll("[data-svg]").forEach((button) => {
  button.addEventListener("click", () => {
    const name = button.dataset.svg;
    const live = charts[name];
    const svgChart = echarts.init(null, null, {
      renderer: "svg", ssr: true, width: live.getWidth(), height: live.getHeight() });
    svgChart.setOption({ ...options[name], animation: false, toolbox: { show: false } });
    const blob = new Blob([svgChart.renderToSVGString()], { type: "image/svg+xml" });
    svgChart.dispose();
    const link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = `${config.slug}-${name}.svg`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  });
});

// clicking an edge lists its events (text only, never markup from the data)
const panel = document.getElementById("edge-events");
// only http(s) and same-site links from the data become hrefs (never javascript: or data:)
function safeHref(url) {
  try {
    const parsed = new URL(url, window.location.href);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}
function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}

async function showEdge(edge) {
  const params = new URLSearchParams(config.query);
  params.set("kind", edge.kind);
  params.set("a", edge.a);
  params.set("b", edge.b);
  if (edge.area) params.set("edge_area", edge.area);
  panel.replaceChildren(el("p", "Loading…", "muted"));
  const response = await fetch(`${config.edgeUrl}?${params}`, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) {
    panel.replaceChildren(el("p", `Could not load the events: ${JSON.stringify(body.errors)}`, "errors"));
    return body;
  }
  const title = edge.kind === "multilateral" ? `${edge.a} — ${edge.b}` : dyadLabel(edge.kind, edge.a, edge.b);
  const head = el("h3", `${title}${edge.area ? " · " + (areaLabel[edge.area] || edge.area) : ""}: ${body.events.length} event(s)`);
  const list = el("ol", undefined, "dash-edge-list");
  for (const ev of body.events) {
    const item = el("li");
    const link = el("a", ev.event_id);
    if (safeHref(ev.url)) link.href = safeHref(ev.url);
    item.append(link, el("span", ` ${ev.date || "no date"} · ${ev.area} / ${ev.activity} · confidence ${ev.confidence}`, "muted"));
    for (const e of ev.evidence) {
      const quote = el("blockquote", e.quote);
      const src = el("p", undefined, "small");
      if (safeHref(e.url)) {
        const a = el("a", e.source);
        a.href = safeHref(e.url);
        a.rel = "noopener noreferrer";
        src.append(a);
      } else {
        src.append(el("span", e.source));
      }
      if (e.outlet) src.append(el("span", ` (${e.outlet})`, "muted"));
      item.append(quote, src);
    }
    list.append(item);
  }
  panel.replaceChildren(head, list);
  return body;
}

function onNetworkClick(p) {
  if (p.dataType === "edge" && p.data.edge) return showEdge(p.data.edge);
  return null;
}
charts.network.on("click", onNetworkClick);

window.dashboard = { charts, options, events, progress, showEdge, onNetworkClick, ready: true };

"""The reliability report as files: methods paragraph (Markdown, text), LaTeX, CSV, JSON, SVG, PDF.

Everything here renders a report dict from ``coding.reliability.report.build_report`` (plus the
``meta`` block ``coding.reliability.jobs`` adds: project, filters, generation time). Plots use
matplotlib's object API on the Agg backend (no pyplot state, safe in web threads).
"""

from __future__ import annotations

import base64
import io
import json
import textwrap
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from coding.export import cells
from coding.reliability.report import MINIMUMS, alpha_text

if TYPE_CHECKING:  # matplotlib (~70 MiB) loads with the first plot, not with every web process
    from matplotlib.backends.backend_pdf import PdfPages
    from matplotlib.figure import Figure

ALPHA = "\u03b1"


def _matplotlib() -> None:
    """Import matplotlib on the Agg backend (object API: no pyplot state, safe in threads)."""
    import matplotlib

    matplotlib.use("Agg")


def _figure(**kwargs) -> Figure:
    _matplotlib()
    from matplotlib.figure import Figure

    return Figure(**kwargs)


FORMATS = {
    "md": ("text/markdown; charset=utf-8", "md"),
    "txt": ("text/plain; charset=utf-8", "txt"),
    "tex": ("application/x-tex; charset=utf-8", "tex"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "json": ("application/json", "json"),
    "pdf": ("application/pdf", "pdf"),
}

REFERENCES = [
    "Krippendorff, K. (1995). On the reliability of unitizing continuous data. "
    "Sociological Methodology, 25, 47-76.",
    "Krippendorff, K. (2004). Content analysis: An introduction to its methodology "
    "(2nd ed.). Sage.",
    "Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. "
    "Annenberg School for Communication, University of Pennsylvania.",
    "Efron, B. (1987). Better bootstrap confidence intervals. Journal of the American "
    "Statistical Association, 82(397), 171-185.",
    "Agresti, A., & Coull, B. A. (1998). Approximate is better than 'exact' for interval "
    "estimation of binomial proportions. The American Statistician, 52(2), 119-126.",
    "Hayes, A. F., & Krippendorff, K. (2007). Answering the call for a standard reliability "
    "measure for coding data. Communication Methods and Measures, 1(1), 77-89.",
]

CITED_AS = {  # the works the methods paragraph cites only when it describes intervals
    "Efron, B. (1987)": "Efron 1987",
    "Agresti, A., & Coull": "Agresti & Coull 1998",
    "Hayes, A. F., & Krippendorff": "Hayes & Krippendorff 2007",
}


def references(report: dict[str, Any]) -> list[str]:
    """The references of the methods paragraph: the bootstrap's only where it cites them (no
    interval, no Efron 1987)."""
    text = methods_paragraph(report, markdown=False)
    return [
        r
        for r in REFERENCES
        if not any(r.startswith(work) and cite not in text for work, cite in CITED_AS.items())
    ]


DEFINITIONS = {
    "counted": "Only sources that two or more coders marked done count, with the codings of "
    "those coders on them (after the filters).",
    "presence": "Presence: for each source and each category of a variable (area, activity, "
    "dyad), whether the coder coded that category anywhere in the source (1/0, nominal). Per "
    "category the units are the sources; per variable, all (source, category) pairs.",
    "sentences": "Sentences: each source text is split into sentences; a coder's value for a "
    "sentence is the dyad, area, activity (nominal) and confidence (ordinal) of their coding "
    "that covers it (overlapping at least half of the shorter of the two; with several, the "
    "largest overlap), missing otherwise.",
    "unitizing": "Unitizing: each coder's highlighted spans per area and per activity on the "
    "character continuum of the source texts (Krippendorff's alpha_U); a coder's overlapping "
    "spans of one category are merged.",
}


def _fmt(x: float | None, digits: int = 3) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


def _alpha(x: float | None) -> str:
    """An alpha cell of a table, as the methods paragraph and warnings print it
    (``alpha_text``): 0.66667 is "0.6667", never "0.667" beside text saying it is below it."""
    return "n/a" if x is None else alpha_text(x)


def _ci(row: dict[str, Any]) -> str:
    """The interval, or in words why there is none (also where alpha itself is undefined)."""
    if row["low"] is None:
        return f"none: {no_interval_reason(row)}"
    return f"[{row['low']:.3f}, {row['high']:.3f}]"


def no_interval_reason(row: dict[str, Any]) -> str:
    """Why a row has no interval ("fewer than 10 sources"), from its ``interval_note``."""
    note = row.get("interval_note") or ""
    return note.removeprefix("no interval: ") or "not computed"


def has_intervals(report: dict[str, Any]) -> bool:
    """Whether any alpha of the report has a confidence interval."""
    return any(r["low"] is not None for r in report["rows"])


def _interval_method(settings: dict[str, Any], rows: list[dict[str, Any]]) -> str:
    """How the intervals of these rows (all with an interval) were computed."""
    n = f"{settings['n_resamples']:,}"
    if settings.get("method", "kalpha") == "kalpha":
        return f"{n} bootstrap resamples (Hayes & Krippendorff 2007; seed {settings['seed']})"
    views = {r["view"] for r in rows}
    details = []
    if views - {"unitizing"}:
        details.append(
            {
                "augmented": "bias-corrected and accelerated, Efron 1987, with each resample "
                "holding a Poisson(1) number of pseudo-sources of z^2 values coded at chance, "
                "after Agresti & Coull 1998",
                "bca": "bias-corrected and accelerated, Efron 1987",
            }.get(settings.get("interval", ""), "percentile, Efron 1987")
        )
    if "sentences" in views:
        details.append("sentences resampled with their source")
    if "unitizing" in views:
        details.append("alpha_U recomputed per resample, percentile intervals")
    details.append(f"seed {settings['seed']}")
    return f"{n} bootstrap resamples of sources ({'; '.join(details)})"


def _headline_rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The per-variable rows (not per category): what a methods section reports."""
    return [r for r in report["rows"] if r["category"] is None]


def _names(rows: list[dict[str, Any]]) -> str:
    """The rows in words: presence dyad, presence area and unitizing activity."""
    names = [f"{r['view']} {r['variable']}" for r in rows]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _by_reason(
    rows: list[dict[str, Any]], reason: Callable[[dict[str, Any]], str], reason_first: bool = False
) -> str:
    """The rows grouped by reason: "presence dyad and presence area (fewer than 10 pairable
    units); unitizing area (...)", or with ``reason_first`` "fewer than 10 pairable units
    (presence dyad and presence area)"."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(reason(row), []).append(row)
    if reason_first:
        return "; ".join(f"{why} ({_names(group)})" for why, group in grouped.items())
    return "; ".join(f"{_names(group)} ({why})" for why, group in grouped.items())


def _counted(counts: dict[str, int], noun: str) -> str:
    """ "1 source", "2 sources": a count of the report's `counts` with its noun."""
    n = counts[f"{noun}s"]
    return f"{n} {noun}{'' if n == 1 else 's'}"


def methods_paragraph(report: dict[str, Any], markdown: bool = True) -> str:
    """A methods-section paragraph ready to paste, with the counts and the alphas. It claims
    confidence intervals only for the alphas that have one, and says for the others why none
    could be computed (and where alpha itself is undefined, why)."""
    counts = report["counts"]
    settings = report["settings"]
    a = f"*{ALPHA}*" if markdown else "alpha"
    a_u = f"*{ALPHA}*<sub>U</sub>" if markdown else "alpha_U"
    ci = f"{settings['ci']:.0%}"
    headline = _headline_rows(report)
    defined = [r for r in headline if r["alpha"] is not None]
    with_ci = [r for r in defined if r["low"] is not None]
    without_ci = [r for r in defined if r["low"] is None]
    parts = [
        f"Intercoder reliability was assessed on {_counted(counts, 'source')} coded "
        f"independently by {_counted(counts, 'coder')} ({_counted(counts, 'coding')}; "
        f"{_counted(counts, 'sentence')}). Only sources "
        "that at least two coders had marked as done were included. We report Krippendorff's "
        f"{a} (Krippendorff 2004, 2011), computed from the coincidence matrix, and "
        f"Krippendorff's unitizing {a_u} (Krippendorff 1995, 2004) for the highlighted spans."
    ]
    if with_ci:
        where = ", where one could be computed," if without_ci else ""
        parts.append(
            f"{ci} confidence intervals{where} come from {_interval_method(settings, with_ci)}."
        )
    by_view: dict[str, list[str]] = {}
    for row in defined:
        symbol = a_u if row["view"] == "unitizing" else a
        text = f"{row['variable']} {symbol} = {alpha_text(row['alpha'])}"
        if row["low"] is not None:
            text += f" ({ci} CI {row['low']:.3f} to {row['high']:.3f}, {row['units']} units)"
        by_view.setdefault(row["view"], []).append(text)
    names = {
        "presence": "Presence of each category in a source (nominal)",
        "sentences": "Sentence-level codes (confidence ordinal, others nominal)",
        "unitizing": "Unitizing of highlighted spans",
    }
    for view, texts in by_view.items():
        parts.append(f"{names[view]}: {'; '.join(texts)}.")
    if without_ci and with_ci:
        reasons = _by_reason(without_ci, no_interval_reason)
        parts.append(f"No confidence interval could be computed for {reasons}.")
    elif without_ci:
        reasons = _by_reason(without_ci, no_interval_reason, reason_first=True)
        parts.append(f"No confidence interval could be computed: {reasons}.")
    undefined = [r for r in headline if r["alpha"] is None]
    if undefined:
        reasons = _by_reason(undefined, lambda r: r["note"] or "undefined")
        parts.append(f"Krippendorff's {a} could not be computed for {reasons}.")
    low = [r for r in defined if r["alpha"] < MINIMUMS[0]]
    if low:
        parts.append(
            f"Values below {MINIMUMS[0]} ("
            + ", ".join(f"{r['view']} {r['variable']}" for r in low)
            + ") do not support even tentative conclusions (Krippendorff 2004)."
        )
    return " ".join(parts)


def to_markdown(report: dict[str, Any]) -> str:
    meta = report.get("meta", {})
    lines = [f"# Intercoder reliability: {meta.get('project', '')}".rstrip(), ""]
    if meta.get("generated_at"):
        lines += [
            f"Generated {meta['generated_at']} · filters: {meta.get('filters_text', 'none')}",
            "",
        ]
    lines += ["## Methods", "", methods_paragraph(report, markdown=True), "", "## Alpha", ""]
    header = ["view", "variable", "category", "level", ALPHA, "95% CI", "q(<0.667)", "q(<0.800)",
              "units"]  # fmt: skip
    lines += ["| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
    for r in report["rows"]:
        q = r["q"]
        lines.append(
            f"| {r['view']} | {r['variable']} | {_md_cell(r['label'])} | {r['level']} "
            f"| {_alpha(r['alpha'])} | {_ci(r)} | {_fmt(q.get('0.667'))} | {_fmt(q.get('0.800'))} "
            f"| {r['units']} |"
        )
    warnings = report["warnings"] + report.get("category_warnings", [])
    if warnings:
        lines += ["", "## Warnings", ""] + [f"- {_md_cell(w)}" for w in warnings]
    clinic = clinic_rows(report)
    if clinic:
        lines += ["", "## Coder clinic", "", "| part | variable | row | column | measure | value |",
                  "|---|---|---|---|---|---|"]  # fmt: skip
        lines += ["| " + " | ".join(_md_cell(x) for x in row) + " |" for row in clinic]
    lines += ["", "## Definitions", ""] + [f"- {d}" for d in DEFINITIONS.values()]
    lines += ["", "## References", ""] + [f"- {r}" for r in references(report)]
    return "\n".join(lines) + "\n"


def _md_cell(text: str) -> str:
    return str(text).replace("|", "\\|")


def to_text(report: dict[str, Any]) -> str:
    body = [textwrap.fill(methods_paragraph(report, markdown=False), 90), ""]
    body.append("References")
    body += [textwrap.fill(r, 90, subsequent_indent="  ") for r in references(report)]
    return "\n".join(body) + "\n"


_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    ">": r"\textgreater{}", "<": r"\textless{}",
    "\u2192": r"$\rightarrow$", "\u2013": "--",  # dyad labels: IRN, arrow, RUS; CHN, dash, RUS
}  # fmt: skip


def latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in str(text))


def _letters(k: int) -> str:
    """0 -> a, 25 -> z, 26 -> aa: the markers of the table's notes."""
    text = ""
    k += 1
    while k:
        k, rest = divmod(k - 1, 26)
        text = chr(ord("a") + rest) + text
    return text


def to_latex(report: dict[str, Any]) -> str:
    """A booktabs table of the alphas (per variable and category) with 95% CIs and q. The
    caption claims intervals only when some alpha has one; a CI cell without an interval is
    "--" with a letter, and a note under the table gives the reason for each letter."""
    counts = report["counts"]
    ci = f"{report['settings']['ci']:.0%}"
    with_ci = [r for r in report["rows"] if r["low"] is not None]
    sample = f"{_counted(counts, 'source')}, {_counted(counts, 'coder')}"
    if not with_ci:
        caption = (
            f"Krippendorff's $\\alpha$ ({sample}); no bootstrap confidence interval could be "
            "computed (see the notes)"
        )
    elif len(with_ci) < len(report["rows"]):
        caption = (
            f"Krippendorff's $\\alpha$ with {ci} bootstrap confidence intervals where one could "
            f"be computed ({sample})"
        )
    else:
        caption = f"Krippendorff's $\\alpha$ with {ci} bootstrap confidence intervals ({sample})"
    percent = "\\%"
    lines = [
        "% Requires \\usepackage{booktabs}",
        "\\begin{table}[htbp]",
        "\\centering",
        f"\\caption{{{caption.replace('%', percent)}}}",
        "\\begin{tabular}{lllrcrrr}",
        "\\toprule",
        f"View & Variable & Category & $\\alpha$ & {ci.replace('%', percent)} CI & $q_{{<.667}}$ "
        "& $q_{<.800}$ & Units \\\\",
        "\\midrule",
    ]
    markers: dict[str, str] = {}
    for r in report["rows"]:
        if r["low"] is not None:
            interval = f"[{r['low']:.3f}, {r['high']:.3f}]"
        else:
            reason = no_interval_reason(r)
            marker = markers.setdefault(reason, _letters(len(markers)))
            interval = f"--\\textsuperscript{{{marker}}}"
        q = r["q"]
        cells = [
            latex_escape(r["view"]), latex_escape(r["variable"]), latex_escape(r["label"]),
            _alpha(r["alpha"]).replace("n/a", "--"), interval,
            _fmt(q.get("0.667")).replace("n/a", "--"), _fmt(q.get("0.800")).replace("n/a", "--"),
            str(r["units"]),
        ]  # fmt: skip
        lines.append(" & ".join(cells) + " \\\\")
    lines += ["\\bottomrule", "\\end{tabular}"]
    if markers:
        notes = "; ".join(
            f"\\textsuperscript{{{marker}}}~{latex_escape(reason)}"
            for reason, marker in markers.items()
        )
        lines += ["\\par\\smallskip", f"{{\\footnotesize No confidence interval: {notes}.}}"]
    lines += ["\\end{table}"]
    return "\n".join(lines) + "\n"


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, sort_keys=True, default=str)


def to_csv(report: dict[str, Any]) -> str:
    """All figures in one tidy table: table, view, variable, row, column, measure, value."""
    out = io.StringIO()
    writer = cells.writer(out)
    writer.writerow(["table", "view", "variable", "row", "column", "measure", "value"])
    for key, value in report["counts"].items():
        writer.writerow(["counts", "", "", key, "", "count", value])
    for r in report["rows"]:
        measures = {"alpha": r["alpha"], "ci_low": r["low"], "ci_high": r["high"],
                    "ci_note": r.get("interval_note") or None,
                    "units": r["units"], "pairable_values": r["values"]}  # fmt: skip
        measures.update({f"q_below_{k}": v for k, v in r["q"].items()})
        for measure, value in measures.items():
            writer.writerow(["alpha", r["view"], r["variable"], r["category"] or "(all)",
                             r["level"], measure, "" if value is None else value])  # fmt: skip
    for key, entries in report["pairs"].items():
        view, variable = key.split(":")
        for e in entries:
            for measure in ("units", "agreement", "kappa", "alpha"):
                value = e[measure]
                writer.writerow(["coder_pairs", view, variable, e["a"], e["b"], measure,
                                 "" if value is None else value])  # fmt: skip
    for variable, table in report["coincidence"].items():
        for i, a in enumerate(table["values"]):
            for j, b in enumerate(table["values"]):
                writer.writerow(["coincidence", "sentences", variable, a, b, "count",
                                 table["matrix"][i][j]])  # fmt: skip
    for row in clinic_rows(report):
        writer.writerow(["clinic", *row])
    return out.getvalue()


def clinic_rows(report: dict[str, Any]) -> list[list[Any]]:
    """The coder clinic as (part, variable, row, column, measure, value) rows."""
    clinic = report.get("clinic", {})
    rows: list[list[Any]] = []
    for variable, entries in clinic.get("leave_one_out", {}).items():
        for e in entries:
            rows.append(["leave-one-out", variable, e["coder"], "presence", "alpha",
                         _blank(e["alpha"])])  # fmt: skip
    for variable, points in clinic.get("drift", {}).items():
        for p in points:
            rows.append(["drift", variable, p["label"], "presence", "alpha", _blank(p["alpha"])])
    for variable, entries in clinic.get("reference", {}).get("rows", {}).items():
        for r in entries:
            for measure in ("alpha", "low", "high", "sources", "left_out"):
                rows.append(["reference", variable, r["label"], "vs reference", measure,
                             _blank(r.get(measure))])  # fmt: skip
    for coder, items in clinic.get("reference", {}).get("disagreements", {}).items():
        for d in items:
            rows.append(["differences", d["variable"], coder, f"{d['category']}: {d['kind']}",
                         "count", d["count"]])  # fmt: skip
    return rows


def _blank(value: Any) -> Any:
    return "" if value is None else value


# ---------------------------------------------------------------------------------------------
# Plots


def pair_matrix(report: dict[str, Any], key: str, measure: str = "alpha") -> list[list[Any]]:
    """coders x coders matrix of a pairwise measure (1 on the diagonal; None where undefined)."""
    coders = report["coders"]
    index = {c: i for i, c in enumerate(coders)}
    matrix: list[list[Any]] = [[1.0 if i == j else None for j in coders] for i in coders]
    for e in report["pairs"].get(key, []):
        i, j = index[e["a"]], index[e["b"]]
        matrix[i][j] = matrix[j][i] = e[measure]
    return matrix


def heatmap_figure(
    matrix: list[list[Any]],
    labels: list[str],
    title: str,
    *,
    vmin: float | None = None,
    vmax: float | None = None,
    cmap: str = "viridis",
    size: tuple[float, float] = (5.6, 4.6),
) -> Figure:
    import numpy as np

    data = np.array([[np.nan if v is None else float(v) for v in row] for row in matrix])
    fig = _figure(figsize=size, layout="constrained")
    ax = fig.add_subplot()
    image = ax.imshow(data, cmap=cmap, vmin=vmin, vmax=vmax)
    short = [lab if len(lab) <= 22 else lab[:21] + "…" for lab in labels]
    ax.set_xticks(range(len(labels)), short, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), short, fontsize=8)
    ax.set_title(title, fontsize=10)
    if len(labels) <= 14:
        for i in range(data.shape[0]):
            for j in range(data.shape[1]):
                value = data[i, j]
                if np.isfinite(value):
                    red, green, blue, _ = image.cmap(image.norm(value))
                    light = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
                    ax.text(j, i, _cell(value),
                            ha="center", va="center", fontsize=9,
                            color="white" if light else "black")  # fmt: skip
    fig.colorbar(image, ax=ax, shrink=0.8)
    return fig


def _cell(value: float) -> str:
    """2.00 -> "2", 1.50 -> "1.5", 0.057 -> "0.06", 12.3 -> "12"."""
    text = f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def pair_heatmap(report: dict[str, Any], key: str) -> Figure | None:
    if len(report["coders"]) < 2 or key not in report["pairs"]:
        return None
    view, variable = key.split(":")
    return heatmap_figure(
        pair_matrix(report, key), report["coders"],
        f"Pairwise {ALPHA} between coders: {variable} ({view})", vmin=-0.2, vmax=1.0,
    )  # fmt: skip


def confusion_heatmap(report: dict[str, Any], variable: str) -> Figure | None:
    table = report["coincidence"].get(variable)
    if not table:
        return None
    return heatmap_figure(
        table["matrix"], table["labels"], f"Coincidence matrix: {variable} (sentences)",
        vmin=0.0, cmap="magma_r", size=(6.4, 5.4),
    )  # fmt: skip


def to_svg(fig: Figure | None) -> str:
    """An inline <svg> element (text drawn as paths, so no markup from labels can leak in)."""
    if fig is None:
        return ""
    out = io.StringIO()
    fig.savefig(out, format="svg", metadata={"Date": None})
    svg = out.getvalue()
    return svg[svg.index("<svg") :]


def svg_data_uri(fig: Figure | None) -> str:
    """The figure as a data: URI for an <img> ("" without a figure)."""
    svg = to_svg(fig)
    if not svg:
        return ""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


LINE = 0.0125  # height of a line of 8.5 pt text on an A4 page, as a fraction of the page


def _text_page(pdf: PdfPages, title: str, paragraphs: list[str]) -> None:
    fig = _figure(figsize=(8.27, 11.69))
    y = 0.95
    fig.text(0.08, y, title, fontsize=14, weight="bold", va="top")
    y -= 0.04
    for paragraph in paragraphs:
        if not paragraph:
            y -= 0.012
            continue
        wrapped = textwrap.fill(
            paragraph, 100, subsequent_indent="  " if paragraph[0] == "-" else ""
        )
        lines = wrapped.count("\n") + 1
        if y - lines * LINE < 0.04:
            pdf.savefig(fig)
            fig = _figure(figsize=(8.27, 11.69))
            y = 0.95
        fig.text(0.08, y, wrapped, fontsize=8.5, va="top", family="DejaVu Sans")
        y -= lines * LINE + 0.004
    pdf.savefig(fig)


def _alpha_plot(report: dict[str, Any]) -> Figure | None:
    rows = [r for r in report["rows"] if r["alpha"] is not None and r["category"] is None]
    if not rows:
        return None
    fig = _figure(figsize=(8.27, 5.0), layout="constrained")
    ax = fig.add_subplot()
    names = [f"{r['view']}: {r['variable']}" for r in rows]
    ys = range(len(rows))
    alphas = [r["alpha"] for r in rows]
    ax.scatter(alphas, ys, color="#2f5bd3", zorder=3)
    for y, r in zip(ys, rows, strict=True):
        if r["low"] is not None:
            ax.plot([r["low"], r["high"]], [y, y], color="#2f5bd3", lw=2)
    for minimum in MINIMUMS:
        ax.axvline(minimum, color="#b54708", ls="--", lw=1)
    ax.set_yticks(list(ys), names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlim(min(-0.1, min(alphas) - 0.05), 1.02)
    if any(r["low"] is not None for r in rows):
        ax.set_xlabel(f"Krippendorff's {ALPHA} (95% bootstrap CI; dashed: 0.667 and 0.800)")
    else:
        ax.set_xlabel(
            f"Krippendorff's {ALPHA} (no confidence interval could be computed; "
            "dashed: 0.667 and 0.800)"
        )
    ax.set_title("Alpha per variable", fontsize=11)
    return fig


def pdf_table(report: dict[str, Any]) -> list[str]:
    """The PDF's alpha table as lines of monospaced text. A row without an interval reads
    "none (a)", and the reason of each letter follows the table (reasons are too long for a
    column)."""
    lines, markers = [], {}
    for r in report["rows"]:
        if r["low"] is None:
            marker = markers.setdefault(no_interval_reason(r), _letters(len(markers)))
            interval = f"none ({marker})"
        else:
            interval = _ci(r)
        lines.append(
            f"{r['view']:<10} {r['variable']:<11} {str(r['label'])[:48]:<48} "
            f"{_alpha(r['alpha']):>7} {interval:>17} n={r['units']}"
        )
    if markers:
        lines += ["", "No confidence interval:"]
        for reason, marker in markers.items():
            lines += textwrap.wrap(f"({marker}) {reason}", 110, subsequent_indent="    ")
    return lines


def to_pdf(report: dict[str, Any]) -> bytes:
    """A multi-page PDF: methods paragraph, table, warnings and definitions, then the plots."""
    meta = report.get("meta", {})
    table = pdf_table(report)
    paragraphs = [
        f"Project: {meta.get('project', '')}. Generated {meta.get('generated_at', '')}. "
        f"Filters: {meta.get('filters_text', 'none')}.",
        "",
        methods_paragraph(report, markdown=False),
        "",
        "Warnings:" if report["warnings"] else "No warnings.",
        *[f"- {w}" for w in report["warnings"]],
        *[f"- {w}" for w in report.get("category_warnings", [])],
        "",
        "Definitions:",
        *[f"- {d}" for d in DEFINITIONS.values()],
        "",
        "References:",
        *[f"- {r}" for r in references(report)],
    ]
    buffer = io.BytesIO()
    _matplotlib()
    from matplotlib.backends.backend_pdf import PdfPages

    with PdfPages(
        buffer, metadata={"Title": "Intercoder reliability", "CreationDate": None}
    ) as pdf:
        _text_page(pdf, "Intercoder reliability", paragraphs)
        _table_page(pdf, table)
        figures = [_alpha_plot(report)]
        figures += [pair_heatmap(report, key) for key in report["pairs"]]
        figures += [confusion_heatmap(report, variable) for variable in report["coincidence"]]
        for fig in figures:
            if fig is not None:
                pdf.savefig(fig)
    return buffer.getvalue()


def _table_page(pdf: PdfPages, lines: list[str]) -> None:
    per_page = 70
    for start in range(0, max(len(lines), 1), per_page):
        fig = _figure(figsize=(8.27, 11.69))
        title = f"Alpha table (view, variable, category, {ALPHA}, 95% CI, pairable units)"
        fig.text(0.05, 0.96, title, fontsize=11, weight="bold", va="top")  # fmt: skip
        fig.text(0.05, 0.93, "\n".join(lines[start : start + per_page]) or "(no rows)",
                 fontsize=7, family="DejaVu Sans Mono", va="top")  # fmt: skip
        pdf.savefig(fig)


def render(report: dict[str, Any], fmt: str) -> bytes:
    """The report in one of ``FORMATS`` as bytes."""
    if fmt == "pdf":
        return to_pdf(report)
    renderers = {"md": to_markdown, "txt": to_text, "tex": to_latex, "csv": to_csv, "json": to_json}
    if fmt not in renderers:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return renderers[fmt](report).encode("utf-8")

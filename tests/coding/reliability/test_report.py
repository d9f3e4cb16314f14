"""The report's numbers equal coding.reliability called directly; the exports parse."""

import csv
import io
import json
import re

import pytest

from coding.reliability import export, stats
from coding.reliability.data import (
    Filters,
    load_codings,
    pooled_presence,
    presence_data,
    sentence_data,
    unitizing_data,
)
from coding.reliability.report import MINIMUMS, SEED, build_report
from tests.coding.reliability.study import build_study

RESAMPLES = 500


@pytest.fixture
def coding_set(project):
    build_study(project)
    return load_codings(project, Filters())


@pytest.fixture
def report(coding_set):
    result = build_report(coding_set, n_resamples=RESAMPLES)
    result["meta"] = {"project": "Test project", "generated_at": "2026-01-01 00:00 UTC"}
    return result


def _row(report, view, variable, category=None):
    (row,) = [
        r
        for r in report["rows"]
        if (r["view"], r["variable"], r["category"]) == (view, variable, category)
    ]
    return row


def test_counts(report):
    assert report["counts"] == {"sources": 2, "coders": 3, "codings": 6, "sentences": 7}
    assert report["coders"] == ["alice", "bob", "carol"]


def test_presence_alpha_equals_the_statistics_module(report, coding_set):
    tables = presence_data(coding_set, "activity")
    pooled = pooled_presence(tables)
    row = _row(report, "presence", "activity")
    assert row["alpha"] == pytest.approx(stats.alpha(pooled, "nominal"), abs=1e-12)
    boot = stats.bootstrap_alpha(pooled, "nominal", n_resamples=RESAMPLES, seed=SEED)
    assert (row["low"], row["high"]) == (boot.low, boot.high)
    assert row["q"] == {f"{m:.3f}": boot.q[m] for m in MINIMUMS}
    parts = stats.alpha_result(pooled, "nominal")
    assert (row["units"], row["values"]) == (parts.n_units, parts.n_pairable)
    heads = _row(report, "presence", "activity", "heads_of_state")
    assert heads["label"] == "Heads of state"
    # alice and bob agree on S1 and S2, carol only codes S2: every value is 1, 1 / 0, 0, 0
    assert heads["alpha"] == pytest.approx(stats.alpha(tables["heads_of_state"]))
    assert heads["alpha"] == pytest.approx(1.0)


def test_sentence_alphas_equal_the_statistics_module(report, coding_set):
    data = sentence_data(coding_set)
    activity = _row(report, "sentences", "activity")
    assert activity["alpha"] == pytest.approx(stats.alpha(data.values["activity"], "nominal"))
    confidence = _row(report, "sentences", "confidence")
    assert confidence["level"] == "ordinal"
    assert confidence["alpha"] == pytest.approx(stats.alpha(data.values["confidence"], "ordinal"))
    assert activity["units"] == 2  # sentence 1 of S1 and of S2 have two or more values


def test_unitizing_alpha_pools_continua_weighted_by_pairs_and_length(report, coding_set):
    continua = unitizing_data(coding_set, "activity")
    observed = expected = 0.0
    per_category = {}
    for c in continua:
        result = stats.unitizing_alpha(c.units, 0, c.length, coders=list(c.coders))
        weight = len(c.coders) * (len(c.coders) - 1) * c.length
        observed += weight * sum(result["observed"].values())
        expected += weight * sum(result["expected"].values())
        for k in result["observed"]:
            o, e = per_category.get(k, (0.0, 0.0))
            per_category[k] = (
                o + weight * result["observed"][k],
                e + weight * result["expected"][k],
            )
    assert _row(report, "unitizing", "activity")["alpha"] == pytest.approx(1 - observed / expected)
    o, e = per_category["arms_sales"]
    assert _row(report, "unitizing", "activity", "arms_sales")["alpha"] == pytest.approx(1 - o / e)


def test_single_continuum_equals_unitizing_alpha(project):
    study = build_study(project)
    cs = load_codings(project, Filters(sources=(study.s2.pk,)))
    report = build_report(cs, n_resamples=50)
    (continuum,) = unitizing_data(cs, "area")
    direct = stats.unitizing_alpha(continuum.units, 0, continuum.length)
    assert _row(report, "unitizing", "area")["alpha"] == pytest.approx(direct["alpha"])


def test_pairs_and_coincidence(report, coding_set):
    pooled = pooled_presence(presence_data(coding_set, "activity"))
    pairs = {(p["a"], p["b"]): p for p in report["pairs"]["presence:activity"]}
    ab = pairs[("alice", "bob")]
    assert ab["units"] == 6
    assert ab["alpha"] == pytest.approx(stats.alpha([pooled[0], pooled[1]]))
    assert ab["kappa"] == pytest.approx(stats.cohen_kappa(pooled[0], pooled[1]))
    assert ab["agreement"] == pytest.approx(3 / 6)  # units 1, 3 and 4 of the pooled rows
    assert pairs[("alice", "carol")]["units"] == 3
    table = report["coincidence"]["activity"]
    values, matrix = stats.coincidence_matrix(sentence_data(coding_set).values["activity"])
    assert table["values"] == values
    assert table["matrix"] == [[pytest.approx(x) for x in row] for row in matrix.tolist()]
    # S2 sentence 1: arms_sales, military_exercises, arms_sales -> the confusion coders make
    # shown by their labels (not slugs), the values kept beside them
    assert table["confusions"][0]["a"] == "Arms sales"
    assert table["confusions"][0]["b"] == "Military exercises"
    assert table["confusions"][0]["a_value"] == "arms_sales"
    assert table["confusions"][0]["count"] == pytest.approx(2.0)


def test_warnings_for_low_alpha_and_few_units(report):
    text = "\n".join(report["warnings"])
    assert "is below 0.667" in text
    assert "pairable unit(s)" in text


def test_nothing_to_compare(project):
    report = build_report(load_codings(project, Filters()), n_resamples=10)
    assert report["counts"]["sources"] == 0
    assert "nothing to compare" in report["warnings"][0]


def test_methods_paragraph_has_the_counts_and_intervals(report):
    row = _row(report, "presence", "activity")
    for markdown in (True, False):
        text = export.methods_paragraph(report, markdown=markdown)
        assert "2 sources coded independently by 3 coders" in text
        assert "6 codings; 7 sentences" in text
        assert f"95% CI {row['low']:.3f} to {row['high']:.3f}" in text
        assert f"{row['alpha']:.3f}" in text
        assert "Hayes & Krippendorff 2007" in text and "Krippendorff 1995" in text
    assert "*\u03b1*" in export.methods_paragraph(report, markdown=True)
    assert export.to_text(report).startswith("Intercoder reliability was assessed on 2 sources")


def test_markdown(report):
    md = export.to_markdown(report)
    assert md.startswith("# Intercoder reliability: Test project")
    table = [line for line in md.splitlines() if line.startswith("| presence |")]
    assert len(table) == len([r for r in report["rows"] if r["view"] == "presence"])


def test_latex_table_is_balanced_and_has_every_row(report):
    tex = export.to_latex(report)
    assert "\\begin{tabular}" in tex and "\\end{tabular}" in tex
    assert tex.count("{") == tex.count("}")
    body = tex.split("\\midrule")[1].split("\\bottomrule")[0]
    rows = [line for line in body.strip().splitlines()]
    assert len(rows) == len(report["rows"])
    assert all(line.count(" & ") == 7 and line.endswith("\\\\") for line in rows)
    assert "IRN-\\textgreater{}RUS" in tex  # escaped
    assert export.latex_escape("50% & $x_1$") == "50\\% \\& \\$x\\_1\\$"


def test_json_round_trips(report):
    parsed = json.loads(export.to_json(report))
    assert parsed["counts"] == report["counts"]
    assert len(parsed["rows"]) == len(report["rows"])


def test_csv_has_every_figure(report):
    rows = list(csv.DictReader(io.StringIO(export.to_csv(report))))
    alpha = [
        r for r in rows
        if r["table"] == "alpha" and r["view"] == "presence" and r["variable"] == "activity"
        and r["row"] == "(all)" and r["measure"] == "alpha"
    ]  # fmt: skip
    assert float(alpha[0]["value"]) == pytest.approx(_row(report, "presence", "activity")["alpha"])
    assert {r["table"] for r in rows} == {"counts", "alpha", "coder_pairs", "coincidence"}
    counts = {r["row"]: r["value"] for r in rows if r["table"] == "counts"}
    assert counts == {"sources": "2", "coders": "3", "codings": "6", "sentences": "7"}


def test_pdf_has_pages_with_plots(report):
    pdf = export.to_pdf(report)
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type /Page\b", pdf))
    # text page(s), table page, alpha plot, 7 coder-pair heatmaps, 4 coincidence heatmaps
    assert pages >= 2 + 1 + len(report["pairs"]) + len(report["coincidence"])
    assert int(re.search(rb"/Count (\d+)", pdf).group(1)) == pages


def test_svg_heatmaps(report):
    svg = export.to_svg(export.pair_heatmap(report, "presence:activity"))
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<text" not in svg  # labels are drawn as paths, never as markup
    assert export.to_svg(export.confusion_heatmap(report, "activity")).startswith("<svg")
    assert export.pair_heatmap(report, "nope:activity") is None
    assert export.to_svg(None) == ""


def test_render_rejects_unknown_formats(report):
    with pytest.raises(ValueError, match="unknown format"):
        export.render(report, "docx")

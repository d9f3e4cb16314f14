"""The report's numbers equal coding.reliability called directly; the exports parse."""

import csv
import io
import json
import re

import numpy as np
import pytest

from coding.reliability import export, stats
from coding.reliability.data import (
    CodingRecord,
    CodingSet,
    Filters,
    SourceRecord,
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
    # 6 pairable units in 2 sources: no interval, and the table says why
    assert (row["low"], row["high"], row["q"]) == (None, None, {})
    assert row["interval_note"] == "no interval: fewer than 10 pairable units"
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


def test_methods_paragraph_has_the_counts_and_claims_no_interval_where_there_is_none(report):
    row = _row(report, "presence", "activity")
    for markdown in (True, False):
        text = export.methods_paragraph(report, markdown=markdown)
        assert "2 sources coded independently by 3 coders" in text
        assert "6 codings; 7 sentences" in text
        assert f"{row['alpha']:.3f}" in text
        assert "Krippendorff 1995" in text
        # 2 sources: no interval anywhere, so no word of how intervals were computed
        assert "(95% CI " not in text
        assert "CIs from" not in text and "confidence intervals come from" not in text
        assert "bootstrap" not in text and "bias-corrected" not in text
        assert (
            "No confidence interval could be computed: fewer than 10 pairable units (presence "
            "dyad, presence area, presence activity, sentences dyad, sentences area, sentences "
            "activity and sentences confidence)" in text
        )
        assert "fewer than 10 sources (unitizing area and unitizing activity)" in text
    assert "*\u03b1*" in export.methods_paragraph(report, markdown=True)
    assert export.to_text(report).startswith("Intercoder reliability was assessed on 2 sources")
    for download in (export.to_text(report), export.to_markdown(report)):
        assert "bootstrap" not in download  # nor a reference to Efron's "Better bootstrap..."
        assert "Krippendorff, K. (1995)" in download


def test_pdf_table_gives_each_missing_interval_a_reason(report):
    lines = export.pdf_table(report)
    rows = lines[: len(report["rows"])]
    assert all("none (" in line and "[" not in line for line in rows)  # 2 sources: none
    notes = lines[len(report["rows"]) :]
    assert notes[:2] == ["", "No confidence interval:"]
    assert "(a) fewer than 10 pairable units" in notes
    assert max(len(line) for line in lines) <= 110


def _headline(view, variable, alpha, low=None, high=None, note=""):
    return {
        "view": view, "variable": variable, "category": None, "label": "all categories",
        "level": "nominal", "alpha": alpha, "low": low, "high": high, "q": {}, "units": 40,
        "values": 80, "note": note if alpha is None else "",
        "interval_note": "" if low is not None else note,
    }  # fmt: skip


def _report_of(rows):
    settings = {"n_resamples": 10_000, "seed": SEED, "method": "units", "interval": "augmented",
                "ci": 0.95, "min_pairable_units": 10}  # fmt: skip
    counts = {"sources": 12, "coders": 2, "codings": 80, "sentences": 60}
    return {"counts": counts, "settings": settings, "rows": rows, "coders": ["a", "b"],
            "pairs": {}, "coincidence": {}, "warnings": [], "category_warnings": []}  # fmt: skip


def test_methods_paragraph_gives_intervals_only_where_there_are_some_and_says_why_not():
    report = _report_of([
        _headline("presence", "activity", 0.812, 0.701, 0.893),
        _headline("presence", "dyad", 1.0, note="no interval: no disagreement in the data, so "
                  "resampling cannot show any"),
        _headline("sentences", "area", None, note="no variation: every pairable value is Contacts"),
        _headline("unitizing", "area", 0.7, note="no interval: fewer than 10 sources"),
    ])  # fmt: skip
    text = export.methods_paragraph(report, markdown=False)
    assert "activity alpha = 0.812 (95% CI 0.701 to 0.893, 40 units)" in text
    assert "dyad alpha = 1.000." in text and "area alpha_U = 0.700." in text
    assert "95% confidence intervals, where one could be computed, come from 10,000 bootstrap" in (
        text
    )
    # only what was computed: no sentence or unitizing row has an interval
    assert "bias-corrected and accelerated" in text
    assert "sentences resampled" not in text and "alpha_U recomputed" not in text
    assert (
        "No confidence interval could be computed for presence dyad (no disagreement in the "
        "data, so resampling cannot show any); unitizing area (fewer than 10 sources)." in text
    )
    assert (
        "Krippendorff's alpha could not be computed for sentences area (no variation: every "
        "pairable value is Contacts)." in text
    )
    cited = export.references(report)
    assert any(r.startswith("Efron") for r in cited)
    assert any(r.startswith("Agresti") for r in cited)
    assert not any(r.startswith("Hayes") for r in cited)
    every = _report_of([_headline("presence", "activity", 0.812, 0.701, 0.893)])
    text = export.methods_paragraph(every, markdown=False)
    assert "95% confidence intervals come from 10,000 bootstrap resamples of sources" in text
    assert "could not" not in text and "No confidence interval" not in text


def test_undefined_alpha_says_why_in_the_interval_column(project):
    """Every coder coded "Preparations for war" in S2: alpha is undefined there, and the CI
    cell says so instead of staying blank."""
    study = build_study(project)
    report = build_report(load_codings(project, Filters(sources=(study.s2.pk,))), n_resamples=50)
    row = _row(report, "presence", "area", "preparations_for_war")
    assert row["alpha"] is None
    assert row["note"] == "no variation: every coder coded this category in every source"
    reason = "alpha is undefined (no variation: every coder coded this category in every source)"
    assert row["interval_note"] == f"no interval: {reason}"
    assert f"| n/a | none: {reason} |" in export.to_markdown(report)
    assert any(r["measure"] == "ci_note" and r["value"] == f"no interval: {reason}"
               for r in csv.DictReader(io.StringIO(export.to_csv(report))))  # fmt: skip
    confidence = _row(report, "sentences", "dyad")  # IRN->RUS and IRN-RUS: defined
    assert confidence["alpha"] is not None


def test_markdown(report):
    md = export.to_markdown(report)
    assert md.startswith("# Intercoder reliability: Test project")
    table = [line for line in md.splitlines() if line.startswith("| presence |")]
    assert len(table) == len([r for r in report["rows"] if r["view"] == "presence"])
    assert "## Coder clinic" in md and "| drift | activity | sources 1-2 | presence | alpha |" in md


def test_latex_table_is_balanced_and_has_every_row(report):
    tex = export.to_latex(report)
    assert "\\begin{tabular}" in tex and "\\end{tabular}" in tex
    assert tex.count("{") == tex.count("}")
    body = tex.split("\\midrule")[1].split("\\bottomrule")[0]
    rows = [line for line in body.strip().splitlines()]
    assert len(rows) == len(report["rows"])
    assert all(line.count(" & ") == 7 and line.endswith("\\\\") for line in rows)
    assert "IRN $\\rightarrow$ RUS" in tex  # the dyad label "IRN → RUS", written for LaTeX
    assert export.latex_escape("50% & $x_1$") == "50\\% \\& \\$x\\_1\\$"


def test_latex_claims_intervals_only_where_there_are_some(report):
    tex = export.to_latex(report)  # 2 sources: no interval at all
    caption = next(line for line in tex.splitlines() if line.startswith("\\caption"))
    assert "with 95" not in caption
    assert "no bootstrap confidence interval could be computed" in caption
    # every CI cell is "--" with a letter, and the note under the table gives each reason
    body = tex.split("\\midrule")[1].split("\\bottomrule")[0].strip().splitlines()
    assert all(line.split(" & ")[4].startswith("--\\textsuperscript{") for line in body)
    note = tex.split("\\end{tabular}")[1]
    assert "No confidence interval: \\textsuperscript{a}~fewer than 10 pairable units" in note
    assert "~fewer than 10 sources." in note

    some = _report_of([
        _headline("presence", "activity", 0.812, 0.701, 0.893),
        _headline("unitizing", "area", 0.7, note="no interval: fewer than 10 sources"),
    ])  # fmt: skip
    tex = export.to_latex(some)
    assert "with 95\\% bootstrap confidence intervals where one could be computed" in tex
    assert "& [0.701, 0.893] &" in tex and "& --\\textsuperscript{a} &" in tex
    assert "\\textsuperscript{a}~fewer than 10 sources." in tex
    every = export.to_latex(_report_of([_headline("presence", "activity", 0.8, 0.7, 0.9)]))
    assert "with 95\\% bootstrap confidence intervals (12 sources" in every
    assert "No confidence interval" not in every


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
    assert {r["table"] for r in rows} == {"counts", "alpha", "coder_pairs", "coincidence",
                                          "clinic"}  # fmt: skip
    left_out = [r for r in rows if r["table"] == "clinic" and r["view"] == "leave-one-out"]
    assert {r["row"] for r in left_out} == {"alice", "bob", "carol"}
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


def synthetic_set(n_sources=30, seed=0):
    """Plain data (no database): sources of three sentences, coded by 2 or 3 coders who agree
    most of the time."""
    rng = np.random.default_rng(seed)
    activities = ["arms_sales", "heads_of_state", "military_exercises"]
    sentence = "Iran sold drones to Russia."
    text = " ".join([sentence] * 3)
    sources, codings = [], []
    for i in range(n_sources):
        coders = ("alice", "bob", "carol") if i % 3 else ("alice", "bob")
        sources.append(SourceRecord(id=i + 1, title=f"S{i}", text=text, coders=coders))
        for k in range(3):
            truth = activities[int(rng.integers(3))]
            if rng.random() < 0.3:
                continue
            for coder in coders:
                value = truth if rng.random() < 0.8 else activities[int(rng.integers(3))]
                start = k * (len(sentence) + 1)
                codings.append(CodingRecord(
                    id=len(codings) + 1, source_id=i + 1, coder=coder, start=start,
                    end=start + len(sentence), dyad="IRN->RUS", area="transfers",
                    activity=value, confidence=int(rng.integers(1, 4)),
                ))  # fmt: skip
    return CodingSet(sources=sources, codings=codings, labels={})


def test_every_interval_rests_on_resamples_of_sources():
    cs = synthetic_set()
    report = build_report(cs, n_resamples=RESAMPLES)
    assert report["settings"]["method"] == "units"
    resamples = stats.Resamples(30, RESAMPLES, SEED)
    sources = np.arange(30)

    tables = presence_data(cs, "activity")
    pooled = pooled_presence(tables)
    row = _row(report, "presence", "activity")
    boot = stats.bootstrap_alpha(pooled, "nominal", clusters=np.tile(sources, len(tables)),
                                 resamples=resamples)  # fmt: skip
    assert boot.low is not None and row["interval_note"] == ""
    assert (row["alpha"], row["low"], row["high"]) == (boot.alpha, boot.low, boot.high)
    assert row["q"] == {f"{m:.3f}": boot.q[m] for m in MINIMUMS}

    data = sentence_data(cs)
    of_sentence = np.array([u[0] - 1 for u in data.units])
    row = _row(report, "sentences", "confidence")
    boot = stats.bootstrap_alpha(data.values["confidence"], "ordinal", clusters=of_sentence,
                                 resamples=resamples)  # fmt: skip
    assert (row["low"], row["high"]) == (boot.low, boot.high)

    # unitizing: alpha_U of the resamples of sources, exactly
    continua = unitizing_data(cs, "activity")
    given = [{"coders": c.coders, "length": c.length, "units": c.units} for c in continua]
    results = stats.pooled_unitizing(given, sources, resamples.blocks())
    value, alphas = results[None]
    row = _row(report, "unitizing", "activity")
    assert row["alpha"] == pytest.approx(value)
    assert (row["low"], row["high"]) == stats.percentile_interval(alphas, 0.95)
    assert row["low"] < row["alpha"] < row["high"]


def test_kalpha_method_gives_hayes_and_krippendorffs_intervals():
    cs = synthetic_set()
    report = build_report(cs, n_resamples=RESAMPLES, method="kalpha")
    pooled = pooled_presence(presence_data(cs, "activity"))
    boot = stats.bootstrap_alpha(pooled, n_resamples=RESAMPLES, seed=SEED, method="kalpha")
    row = _row(report, "presence", "activity")
    assert (row["low"], row["high"]) == (boot.low, boot.high)
    assert _row(report, "unitizing", "activity")["low"] is None
    text = export.methods_paragraph(report)
    assert "Hayes & Krippendorff 2007" in text


def test_small_source_sets_get_no_interval_in_words():
    report = build_report(synthetic_set(n_sources=6), n_resamples=RESAMPLES)
    row = _row(report, "unitizing", "activity")
    assert row["low"] is None and row["interval_note"] == "no interval: fewer than 10 sources"
    row = _row(report, "presence", "activity")
    assert row["interval_note"] == "no interval: fewer than 10 sources with pairable units"


def test_coder_clinic_leaves_each_coder_out_and_follows_drift():
    cs = synthetic_set()
    report = build_report(cs, n_resamples=50)
    clinic = report["clinic"]
    tables = presence_data(cs, "activity")
    pooled = np.array(pooled_presence(tables), dtype=float)
    left_out = {e["coder"]: e["alpha"] for e in clinic["leave_one_out"]["activity"]}
    assert left_out["bob"] == pytest.approx(stats.alpha(pooled[[0, 2]]))
    assert left_out["carol"] == pytest.approx(stats.alpha(pooled[[0, 1]]))
    # 30 sources in batches of 10: three points, each the alpha of its sources' presence
    assert clinic["batch_size"] == 10
    points = clinic["drift"]["activity"]
    assert [p["label"] for p in points] == ["sources 1-10", "sources 11-20", "sources 21-30"]
    second = np.hstack([np.array(t, dtype=float)[:, 10:20] for t in tables.values()])
    assert points[1]["alpha"] == pytest.approx(stats.alpha(second))


def _accept(project, codings, chosen):
    from coding.review import decisions
    from tests.factories import PIUserFactory

    return decisions.accept(PIUserFactory(), project, codings, chosen)


def test_coders_against_the_adjudicated_reference(project):
    study = build_study(project)
    # the PI approved alice's arms sale on S2 (the group of the three codings of its first
    # sentence): bob coded military exercises instead
    a3, b3, c3 = (study.codings[k] for k in ("a3", "b3", "c3"))
    _accept(project, [a3, b3, c3], a3)
    cs = load_codings(project, Filters())
    area = study.codings["a3"].area.slug
    assert cs.reference == {study.s2.id: {"dyad": {"IRN->RUS"}, "area": {area},
                                          "activity": {"arms_sales"}}}  # fmt: skip
    assert cs.undecided == frozenset()  # S2 has no other group
    report = build_report(cs, n_resamples=50)
    reference = report["clinic"]["reference"]
    assert reference["sources"] == 1 and reference["left_out"] == 0
    rows = {r["label"]: r for r in reference["rows"]["activity"]}
    # one source, the three activities anyone coded (arms sales, heads of state, military
    # exercises): alice 1/0/0 like the reference; bob 0/0/1
    assert rows["alice"]["sources"] == 1 and rows["alice"]["values"] == 6
    assert rows["alice"]["alpha"] == 1.0
    assert rows["bob"]["alpha"] == pytest.approx(stats.alpha([[0, 0, 1], [1, 0, 0]]))
    assert rows["alice"]["interval_note"] == "no interval: fewer than 10 pairable units"
    (first, second) = [d for d in reference["disagreements"]["bob"] if d["variable"] == "activity"]
    assert {first["kind"], second["kind"]} == {"coded, not in the reference",
                                               "in the reference, not coded"}  # fmt: skip
    extra = first if first["kind"].startswith("coded") else second
    assert extra["category"] == "military_exercises"
    assert extra["examples"] == [{"source": study.s2.id, "quote": study.s2.text[:27]}]


def test_only_decided_groups_form_the_reference(project):
    """S1 has two groups: sentence 1 (alice's and bob's heads of state) and sentence 2 (bob's
    military exercises). With only the first decided, bob's military exercises are not yet
    "coded, not in the reference": the PI has not ruled on them. They are left out, and
    counted."""
    from coding.review import decisions

    study = build_study(project)
    a1, b1, b2 = (study.codings[k] for k in ("a1", "b1", "b2"))
    decision = _accept(project, [a1, b1], a1)
    cs = load_codings(project, Filters())
    heads = {"dyad": {"CHN-RUS"}, "area": {a1.area.slug}, "activity": {"heads_of_state"}}
    assert cs.reference == {study.s1.id: heads}
    reference = build_report(cs, n_resamples=50)["clinic"]["reference"]
    assert reference["sources"] == 1
    assert reference["disagreements"]["bob"] == []  # not "coded, not in the reference"
    rows = {r["label"]: r for r in reference["rows"]["activity"]}
    assert rows["bob"]["alpha"] == 1.0
    assert cs.undecided == frozenset({b2.id})
    assert reference["left_out"] == 1 and rows["bob"]["left_out"] == 1
    assert reference["left_out_by_coder"] == {"alice": 0, "bob": 1, "carol": 0}
    assert rows["bob"]["values"] == rows["alice"]["values"]  # the same units: S1's categories

    # the PI rejects bob's drills: decided now, and a difference from the reference
    reject = decisions.reject(decision.decided_by, project, [b2])
    cs = load_codings(project, Filters())
    assert cs.reference == {study.s1.id: heads} and cs.undecided == frozenset()
    reference = build_report(cs, n_resamples=50)["clinic"]["reference"]
    assert reference["left_out"] == 0
    (drills,) = [d for d in reference["disagreements"]["bob"] if d["variable"] == "activity"]
    assert (drills["category"], drills["kind"]) == (
        "military_exercises",
        "coded, not in the reference",
    )

    # undone, both: nothing is decided, S1 is no longer adjudicated
    decisions.undo(decision.decided_by, reject)
    decisions.undo(decision.decided_by, decision)
    cs = load_codings(project, Filters())
    assert cs.reference == {} and cs.undecided == frozenset()


def test_a_decision_on_part_of_a_group_does_not_decide_it(project):
    """The review counts a group as decided when every coding in it is: approving alice's
    coding alone leaves bob's in the same group open, so S1 has no decided group yet."""
    study = build_study(project)
    a1 = study.codings["a1"]
    _accept(project, [a1], a1)
    cs = load_codings(project, Filters())
    assert cs.reference == {}
    assert cs.undecided == frozenset()
    assert build_report(cs, n_resamples=20)["clinic"]["reference"]["sources"] == 0


def test_the_review_groups_the_same_codings(project):
    """The report's groups, from spans alone, are the review's (``grouping.group_codings``)."""
    from coding.models.assignments import AssignmentStatus
    from coding.reliability.data import _Span
    from coding.review.grouping import group_codings, overlapping_clusters, reviewable_codings
    from tests.factories import AssignmentFactory, CodingFactory, SourceFactory

    study = build_study(project)
    source = SourceFactory(project=project, text="x" * 80)
    for coder in (study.alice, study.bob):
        AssignmentFactory(source=source, coder=coder, status=AssignmentStatus.DONE)
    spans = ((0, 5), (5, 9), (8, 12), (20, 30), (25, 26), (29, 33), (40, 41), (60, 70))
    for k, (start, end) in enumerate(spans):
        CodingFactory(source=source, coder=(study.alice, study.bob)[k % 2], start=start, end=end)
    codings = list(reviewable_codings([source.pk]))
    review = sorted(sorted(c.pk for c in g.codings) for g in group_codings(codings))
    spans = [_Span(c.pk, c.start, c.end) for c in codings]
    assert sorted(sorted(s.pk for s in g) for g in overlapping_clusters(spans)) == review
    assert len(review) == 5  # (0, 5); (5, 9) + (8, 12); (20, 30) + two; (40, 41); (60, 70)

"""The coders of a reliability report as the pages name them: "dan (former member)", "eve (now
PI)" (``coding.projects.member_marks``), as the dashboard and the review pages do.

The report is cached (``coding.reliability.jobs``) and names coders by username; a coder removed
after it was computed is still in it. So the marks are never stored in the report: they are read
from the memberships when the report is shown or downloaded, and applied to a copy of it."""

from __future__ import annotations

import copy
from typing import Any

from coding.projects import marked


def labelled(report: dict[str, Any], marks: dict[str, str]) -> dict[str, Any]:
    """A copy of ``report`` whose coders are named by their plain labels ("dan (former
    member)") wherever it names one: its coder list (the pair heat map's axes), the coder
    pairs, and the coder clinic (each coder left out, agreement with the reference, most
    frequent differences, codings left out). For the text downloads and the figures."""
    if not any(marks.values()):
        return report

    def name(username: str) -> str:
        return marked(username, marks)

    out = copy.deepcopy(report)
    out["coders"] = [name(c) for c in report["coders"]]
    for entries in out["pairs"].values():
        for e in entries:
            e["a"], e["b"] = name(e["a"]), name(e["b"])
    clinic = out.get("clinic", {})
    for entries in clinic.get("leave_one_out", {}).values():
        for e in entries:
            e["coder"] = name(e["coder"])
    reference = clinic.get("reference", {})
    for entries in reference.get("rows", {}).values():
        for r in entries:
            r["label"] = name(r["label"])
    for key in ("disagreements", "left_out_by_coder"):
        if key in reference:
            reference[key] = {name(c): v for c, v in reference[key].items()}
    return out

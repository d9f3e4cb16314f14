"""Each dashboard figure's numbers as CSV rows (the same data the charts draw)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

FIGURES = ("network", "matrix", "timeline", "settings", "contacts", "progress", "sources")


def rows(figure: str, events: dict[str, Any], progress: dict[str, Any]) -> Iterator[list[Any]]:
    """Header row first, then the data. `figure` must be one of FIGURES."""
    slugs = [a["slug"] for a in events["areas"]]
    if figure == "network":
        yield ["kind", "from", "to", "forum", *[f"n_{s}" for s in slugs], "n_total"]
        for e in events["network"]["edges"]:
            yield [e["kind"], e["source"].removeprefix("forum:"), e["target"], e.get("forum", ""),
                   *[e["areas"].get(s, 0) for s in slugs], e["n"]]  # fmt: skip
    elif figure == "matrix":
        yield ["dyad", *slugs]
        for dyad, counts in zip(events["matrix"]["dyads"], events["matrix"]["counts"], strict=True):
            yield [dyad, *counts]
    elif figure == "timeline":
        yield ["month", *slugs]
        series = events["timeline"]["series"]
        for i, month in enumerate(events["timeline"]["months"]):
            yield [month, *[series[s][i] for s in slugs]]
    elif figure == "settings":
        yield ["area", "bilateral", "multilateral"]
        for s in slugs:
            yield [s, events["settings"][s]["bilateral"], events["settings"][s]["multilateral"]]
    elif figure == "contacts":
        yield ["level", "label", "n"]
        for c in events["contacts"]:
            yield [c["level"], c["label"], c["n"]]
    elif figure == "progress":
        # member last: "no" for a former member, whose work stays in the study
        yield ["coder", *progress["statuses"], *[f"codings_{d}" for d in progress["days"]],
               "member"]  # fmt: skip
        for c in progress["coders"]:
            yield [c["coder"], *[c[s] for s in progress["statuses"]],
                   *progress["per_day"].get(c["coder"], []),
                   "yes" if c["member"] else "no"]  # fmt: skip
    elif figure == "sources":
        yield ["source_id", "title", "coders_assigned", "coders_done"]
        for s in progress["sources"]:
            yield [s["id"], s["title"], s["assigned"], s["done"]]
    else:
        raise ValueError(figure)

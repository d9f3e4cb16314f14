"""The dyad of a suggested passage, from the actors it names (pure).

Three or more distinct actors: multilateral, all of them participants, the first named as
initiator. Two: a directed activity (a transfer) runs from the first named to the second (the
usual order of "X delivered drones to Y"); any other activity is an undirected pair.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Dyad:
    dyad_type: str
    side_a: str | None
    side_b: str | None
    participants: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        if self.dyad_type == "multilateral":
            return "+".join(sorted(self.participants))
        if self.dyad_type == "directed":
            return f"{self.side_a}>{self.side_b}"
        return "-".join(sorted([self.side_a or "", self.side_b or ""]))


def dyad_of(actors: Sequence[str], directed: bool) -> Dyad | None:
    """`actors`: distinct ISO3s in order of first mention."""
    if len(actors) >= 3:
        return Dyad("multilateral", actors[0], None, tuple(actors))
    if len(actors) == 2:
        return Dyad("directed" if directed else "undirected", actors[0], actors[1])
    return None

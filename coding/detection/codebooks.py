"""Aliases on a codebook's actors: the detector for a codebook, shipping the default aliases into
codebooks, and the PI's edits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.apps import apps as global_apps
from django.db import transaction

from coding.detection.aliases import clean_aliases, load_shipped_aliases, merge_aliases
from coding.detection.detector import Detector, Mention, detector_for


def codebook_aliases(codebook) -> dict[str, dict[str, list[str]]]:
    """ISO3 -> aliases by language, with each actor's own name (in English) among them."""
    result: dict[str, dict[str, list[str]]] = {}
    for iso3, name, aliases in codebook.actors.values_list("iso3", "name", "aliases"):
        result[iso3] = merge_aliases(aliases, {"en": [name]})
    return result


def detector_for_codebook(codebook) -> Detector:
    """Compiled once per set of aliases (an edit gives a new detector; one query per call)."""
    return detector_for(codebook_aliases(codebook))


def detect(codebook, text: str) -> list[Mention]:
    return detector_for_codebook(codebook).find(text)


def add_shipped_aliases(codebook_ids: Iterable[int] | None = None, apps=global_apps) -> int:
    """Add the shipped aliases (coding/data/actor_aliases.json) to the actors with the same
    ISO3 in these codebooks (all when None), keeping what a PI added. Returns actors changed.

    `apps` lets a data migration pass its historical registry."""
    Actor = apps.get_model("coding", "Actor")
    shipped = load_shipped_aliases()
    actors = Actor.objects.filter(iso3__in=list(shipped))
    if codebook_ids is not None:
        actors = actors.filter(codebook_id__in=list(codebook_ids))
    changed = 0
    with transaction.atomic():
        for actor in actors:
            merged = merge_aliases(actor.aliases, shipped[actor.iso3])
            if merged != actor.aliases:
                actor.aliases = merged
                actor.save(update_fields=["aliases"])
                changed += 1
    return changed


def set_aliases(actor, by_language: Mapping[str, Iterable[str]]) -> None:
    """Replace an actor's aliases (what a PI typed: languages we know, trimmed, deduplicated)."""
    actor.aliases = clean_aliases(by_language)
    actor.save(update_fields=["aliases"])

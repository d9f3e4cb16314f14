"""The codings as W3C Web Annotations (JSON-LD), streamed one annotation at a time.

Identifiers are URNs (`urn:tiesdb:...`), not http(s) IRIs: an annotation, a coder, a codebook
term or a source without a URL has no public page to resolve to (the app's pages need a login
and their URLs change with the deployment), and an http IRI that answers 404 is worse than a
name that does not pretend to be a location. A source with a URL is named by it. The URNs are
stable across exports and deployments: the project slug, the coding's id, the codebook's id and
the term's slug, the coder's username.
"""

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from coding.export.refi import dyad_label
from coding.models import Coding, Project
from coding.reliability.training import training_q
from config.snapshot import one_snapshot

URN = "urn:tiesdb"


def _nss(text: str) -> str:
    """Text as a URN segment (RFC 8141): letters, digits, a few marks kept, the rest %-escaped."""
    return quote(text, safe="-._~!$&'()*+,;=@")


def urn(*parts: object) -> str:
    return ":".join([URN, *(_nss(str(p)) for p in parts)])


def annotation(coding: Coding, event_id: str | None) -> dict[str, Any]:
    source = coding.source
    project = source.project.slug
    codebook = coding.area.codebook_id
    body: list[dict[str, Any]] = [
        {"type": "SpecificResource", "purpose": "classifying",
         "source": urn("codebook", codebook, "area", coding.area.slug)},
        {"type": "SpecificResource", "purpose": "classifying",
         "source": urn("codebook", codebook, "activity", coding.activity.slug)},
        {"type": "SpecificResource", "purpose": "tagging",
         "source": urn("dyad", dyad_label(coding))},
        {"type": "TextualBody", "purpose": "tagging", "value": f"confidence:{coding.confidence}"},
    ]  # fmt: skip
    if coding.event_date:
        body.append({"type": "TextualBody", "purpose": "tagging",
                     "value": f"event_date:{coding.event_date.isoformat()}"
                              f"/{coding.date_precision}"})  # fmt: skip
    if coding.note:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": coding.note})
    if event_id:
        body.append({"type": "TextualBody", "purpose": "tagging", "value": f"event:{event_id}"})
    return {
        "id": urn(project, "coding", coding.pk),
        "type": "Annotation",
        "motivation": "classifying",
        "creator": {
            "id": urn("user", coding.coder.get_username()),
            "type": "Person",
            "name": coding.coder.get_username(),
        },
        "created": coding.created_at.isoformat().replace("+00:00", "Z"),
        "modified": coding.updated_at.isoformat().replace("+00:00", "Z"),
        "body": body,
        "target": {
            "source": source.canonical_url or source.url or urn(project, "source", source.pk),
            "selector": [
                {
                    "type": "TextQuoteSelector",
                    "exact": coding.quote,
                    "prefix": coding.prefix,
                    "suffix": coding.suffix,
                },
                {"type": "TextPositionSelector", "start": coding.start, "end": coding.end},
            ],
        },
    }


def iter_annotations_jsonld(project: Project) -> Iterator[str]:
    """An AnnotationCollection with one page holding every coding of the project, read in one
    snapshot: its total and its items, and each coding's participants, as of one moment."""
    with one_snapshot():
        yield from _annotations_jsonld(project)


def _annotations_jsonld(project: Project) -> Iterator[str]:
    codings = (
        Coding.objects.filter(source__project=project)
        .exclude(training_q())
        .select_related(
            "coder", "area", "activity", "side_a", "side_b", "source__project", "evidence__event"
        )
        .prefetch_related("participants")
        .order_by("source_id", "start", "pk")
    )
    head = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": urn(project.slug, "annotations"),
        "type": "AnnotationCollection",
        "label": f"Codings of {project.name}",
        "total": codings.count(),
    }
    text = json.dumps(head, ensure_ascii=False, indent=1)
    yield text[:-2] + ',\n "first": {"type": "AnnotationPage", "items": [\n'
    for i, coding in enumerate(codings.iterator(chunk_size=1000)):
        evidence = getattr(coding, "evidence", None) if _has_evidence(coding) else None
        item = annotation(coding, evidence.event.event_id if evidence else None)
        yield ("" if i == 0 else ",\n") + json.dumps(item, ensure_ascii=False)
    yield "\n]}}\n"


def _has_evidence(coding: Coding) -> bool:
    try:
        coding.evidence  # noqa: B018
    except Coding.evidence.RelatedObjectDoesNotExist:
        return False
    return True

"""The codings as W3C Web Annotations (JSON-LD), streamed one annotation at a time."""

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

from coding.export.refi import dyad_label
from coding.models import Coding, Project


def annotation(coding: Coding, base: str, event_id: str | None) -> dict[str, Any]:
    base = base.rstrip("/")
    source = coding.source
    body: list[dict[str, Any]] = [
        {"type": "SpecificResource", "purpose": "classifying",
         "source": f"{base}/codebook/area/{coding.area.slug}"},
        {"type": "SpecificResource", "purpose": "classifying",
         "source": f"{base}/codebook/activity/{coding.activity.slug}"},
        {"type": "SpecificResource", "purpose": "tagging",
         "source": f"{base}/codebook/dyad/{quote(dyad_label(coding), safe='')}"},
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
        "id": f"{base}/anno/coding/{coding.pk}",
        "type": "Annotation",
        "motivation": "classifying",
        "creator": {
            "id": f"{base}/users/{quote(coding.coder.get_username())}",
            "type": "Person",
            "name": coding.coder.get_username(),
        },
        "created": coding.created_at.isoformat().replace("+00:00", "Z"),
        "modified": coding.updated_at.isoformat().replace("+00:00", "Z"),
        "body": body,
        "target": {
            "source": source.canonical_url or source.url or f"{base}/sources/{source.pk}",
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


def iter_annotations_jsonld(project: Project, base: str) -> Iterator[str]:
    """An AnnotationCollection with one page holding every coding of the project."""
    codings = (
        Coding.objects.filter(source__project=project)
        .select_related(
            "coder", "area", "activity", "side_a", "side_b", "source", "evidence__event"
        )
        .prefetch_related("participants")
        .order_by("source_id", "start", "pk")
    )
    head = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": f"{base.rstrip('/')}/projects/{project.slug}/annotations",
        "type": "AnnotationCollection",
        "label": f"Codings of {project.name}",
        "total": codings.count(),
    }
    text = json.dumps(head, ensure_ascii=False, indent=1)
    yield text[:-2] + ',\n "first": {"type": "AnnotationPage", "items": [\n'
    for i, coding in enumerate(codings.iterator(chunk_size=1000)):
        evidence = getattr(coding, "evidence", None) if _has_evidence(coding) else None
        item = annotation(coding, base, evidence.event.event_id if evidence else None)
        yield ("" if i == 0 else ",\n") + json.dumps(item, ensure_ascii=False)
    yield "\n]}}\n"


def _has_evidence(coding: Coding) -> bool:
    try:
        coding.evidence  # noqa: B018
    except Coding.evidence.RelatedObjectDoesNotExist:
        return False
    return True

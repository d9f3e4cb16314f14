"""Boilerplate learned per outlet: lines a PI marked, and lines recurring across the outlet's
sources in the project, removed from new sources before storage.

An outlet is a site (the URL's domain, without "www.") or a newsletter sender (the From
address). Each new source's short paragraphs are counted per outlet (OutletLine.seen); a
line already seen in RECUR_MIN_SOURCES earlier sources of the outlet is boilerplate from then
on. Removed lines are listed in the source's provenance; a PI may put one back before the
source is coded (`restore_line`), or mark a line so future ingests drop it (`mark_line`).
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from urllib.parse import urlsplit

from django.db.models import F, Q

from sources.extraction.boilerplate import (
    MAX_PROMO_WIDTH,
    Removal,
    normalize_line,
    strip_boilerplate,
    width,
)
from sources.extraction.extract import Extracted
from sources.models import OutletLine, Source

# a line seen in this many earlier sources of an outlet is boilerplate
RECUR_MIN_SOURCES = 2
# lines counted per source (the short ones only)
MAX_COUNTED_LINES = 200


def outlet_key(*, url: str | None = None, sender: str | None = None) -> str:
    if sender:
        return sender.strip().lower()[:200]
    if url:
        host = (urlsplit(url).hostname or "").lower()
        return host.removeprefix("www.")[:200]
    return ""


def line_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def counted_lines(text: str) -> dict[str, str]:
    """Short paragraphs of a text, by hash of their normalized form."""
    lines: dict[str, str] = {}
    for paragraph in text.split("\n\n"):
        if 0 < width(paragraph) <= 2 * MAX_PROMO_WIDTH:
            lines.setdefault(line_hash(normalize_line(paragraph)), paragraph)
            if len(lines) >= MAX_COUNTED_LINES:
                break
    return lines


def remove_boilerplate(project, key: str, extracted: Extracted) -> Extracted:
    """Remove promo lines and the outlet's boilerplate; record them in the provenance.

    The text before removal is counted later, when the source is stored (`count_lines`),
    from `provenance["_lines"]`, which `store_source` pops.
    """
    marked: set[str] = set()
    recurring: set[str] = set()
    if key:
        rows = OutletLine.objects.filter(project=project, outlet_key=key).filter(
            Q(marked=True) | Q(seen__gte=RECUR_MIN_SOURCES)
        )
        for text, hashed, is_marked in rows.values_list("text", "line_hash", "marked"):
            if is_marked:
                marked.add(normalize_line(text))
            else:
                recurring.add(hashed)
    text, removals = strip_boilerplate(
        extracted.text,
        outlet_lines=marked,
        is_recurring=lambda line: line_hash(line) in recurring,
    )
    provenance = dict(extracted.provenance)
    provenance["removed"] = [
        *provenance.get("removed", []),
        *({"text": r.text, "why": r.why, "at": r.at} for r in removals),
    ]
    if "pages" in provenance:
        provenance["pages"] = _shift_pages(provenance["pages"], removals)
    if key:
        provenance["_lines"] = counted_lines(extracted.text)
    return replace(extracted, text=text, provenance=provenance)


def _shift_pages(pages: list[dict], removals: list[Removal]) -> list[dict]:
    shifted = []
    for page in pages:
        gone = sum(len(r.text) + 2 for r in removals if r.was < page["offset"])
        shifted.append({**page, "offset": max(0, page["offset"] - gone)})
    return shifted


def count_lines(project, key: str, lines: dict[str, str]) -> None:
    """Count a new source's short paragraphs for its outlet."""
    if not key or not lines:
        return
    existing = set(
        OutletLine.objects.filter(
            project=project, outlet_key=key, line_hash__in=list(lines)
        ).values_list("line_hash", flat=True)
    )
    OutletLine.objects.filter(project=project, outlet_key=key, line_hash__in=existing).update(
        seen=F("seen") + 1
    )
    OutletLine.objects.bulk_create(
        [
            OutletLine(project=project, outlet_key=key, line_hash=h, text=t, seen=1)
            for h, t in lines.items()
            if h not in existing
        ],
        ignore_conflicts=True,
    )


def mark_line(project, key: str, text: str, user) -> OutletLine:
    """Mark a line as boilerplate for the outlet: future ingests drop it."""
    text = " ".join(text.split())
    line, _ = OutletLine.objects.get_or_create(
        project=project,
        outlet_key=key,
        line_hash=line_hash(normalize_line(text)),
        defaults={"text": text},
    )
    line.marked, line.marked_by = True, user
    line.save(update_fields=["marked", "marked_by", "updated_at"])
    return line


def restore_line(source: Source, index: int) -> None:
    """Put a removed line back where it stood. Raises TextLockedError once coded, IndexError
    for a line that is not a restorable removal."""
    provenance = dict(source.provenance or {})
    removed = list(provenance.get("removed", []))
    entry = removed[index]
    if "at" not in entry:  # a PDF's running header: it stood on every page, not in the text
        raise IndexError(index)
    at, line = entry["at"], entry["text"]
    text = source.text
    if at >= len(text):
        source.text, grow = f"{text}\n\n{line}" if text else line, len(line) + 2
    else:
        source.text, grow = f"{text[:at]}{line}\n\n{text[at:]}", len(line) + 2
    del removed[index]
    for other in removed:
        if "at" in other and other["at"] > at:
            other["at"] += grow
    provenance["removed"] = removed
    if "pages" in provenance:
        provenance["pages"] = [
            {**p, "offset": p["offset"] + grow if p["offset"] > at else p["offset"]}
            for p in provenance["pages"]
        ]
    provenance.setdefault("restored", []).append(line)
    source.provenance = provenance
    source.save()

"""Turn what a user submits (URL lists, a CSV, uploaded files, a zip, pasted text) into items.

Nothing here touches the network or the database: bad input raises `InputError` with a
message for the form (HTML) or the 400 answer (API), before any job exists.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings

from sources.archive import read_zip
from sources.errors import IngestError
from sources.extraction.newsletter import message_subject, split_mbox
from sources.fetching.decode import decode_text_file
from sources.models import ItemKind
from sources.text import TextTooLong, check_text_length

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt", ".md", ".markdown")
PDF_SUFFIXES = (".pdf",)
EMAIL_SUFFIXES = (".eml", ".mbox")
FILE_SUFFIXES = HTML_SUFFIXES + TEXT_SUFFIXES + PDF_SUFFIXES + EMAIL_SUFFIXES
ZIP_MEMBER_SUFFIXES = tuple(s for s in FILE_SUFFIXES if s != ".mbox")  # what a zip's members may be
# the members of other types of one zip named in their failed item's label (the rest counted)
NAMED_UNSUPPORTED = 20


class InputError(ValueError):
    """The submission as a whole cannot be accepted; the message says why."""


@dataclass(frozen=True)
class ItemSpec:
    kind: str  # ItemKind
    label: str  # URL, file name or pasted title
    payload: bytes | None = None
    error: str | None = None  # set for an entry refused up front (shown as a failed item)


def url_specs(lines: str) -> list[ItemSpec]:
    """One URL per line; blank lines and lines starting with # are ignored."""
    specs = []
    for line in lines.splitlines():
        url = line.strip()
        if url and not url.startswith("#"):
            specs.append(ItemSpec(ItemKind.URL, url[:2000]))
    return specs


def csv_url_specs(data: bytes, name: str = "CSV file") -> list[ItemSpec]:
    """URLs from the `url` column of a CSV file (header row required, any delimiter).

    An empty file, or one whose `url` column is empty, becomes a failed item named after the
    file, as an empty upload does: the rest of the submission goes ahead, and the job says
    what came of the list.
    """
    if not data:
        return [ItemSpec(ItemKind.URL, name[:2000], error="empty file")]
    try:
        text = decode_text_file(data)
    except IngestError as exc:
        raise InputError(f"CSV file: {exc.reason}") from None
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    fields = {(name or "").strip().lower(): name for name in reader.fieldnames or []}
    if "url" not in fields:
        raise InputError("The CSV file needs a header row with a column named “url”.")
    column = fields["url"]
    specs = [
        ItemSpec(ItemKind.URL, row[column].strip()[:2000])
        for row in reader
        if (row.get(column) or "").strip()
    ]
    return specs or [ItemSpec(ItemKind.URL, name[:2000], error="no URLs in its “url” column")]


def paste_spec(title: str, text: str) -> ItemSpec:
    if not text.strip():
        raise InputError("Paste the article's text.")
    try:
        check_text_length(text)
    except TextTooLong as exc:
        raise InputError(str(exc)) from None
    return ItemSpec(ItemKind.PASTE, title.strip()[:500], text.encode("utf-8"))


def file_specs(name: str, data: bytes) -> list[ItemSpec]:
    """An uploaded file: HTML, text/Markdown, PDF, or a zip of such files.

    An empty file (a zip too) becomes a failed item of its own, "empty file": the rest of the
    submission goes ahead without it.
    """
    lower = name.lower()
    if not data:
        return [ItemSpec(_kind_for(lower) or ItemKind.TEXT, name[:2000], error="empty file")]
    if lower.endswith(".zip"):
        if len(data) > settings.INGEST_MAX_UPLOAD_BYTES:
            raise InputError(f"{name}: the zip file is too large.")
        try:
            contents = read_zip(
                data,
                max_files=settings.INGEST_ZIP_MAX_FILES,
                max_total_uncompressed=settings.INGEST_ZIP_MAX_TOTAL_BYTES,
                max_member=settings.INGEST_MAX_BYTES,
                allowed_suffixes=ZIP_MEMBER_SUFFIXES,
            )
        except IngestError as exc:
            raise InputError(f"{name}: {exc.reason}") from None
        members = [_member_spec(label, content) for label, content in contents.members]
        return members + unsupported_member_specs(name, contents.unsupported)
    if len(data) > settings.INGEST_MAX_BYTES:
        return [ItemSpec(_kind_for(lower) or ItemKind.HTML, name, error="too large")]
    if lower.endswith(".mbox"):
        return mbox_specs(name, data)
    return [_member_spec(name, data)]


def typed_file_specs(
    name: str, data: bytes, suffixes: tuple[str, ...], kind: str
) -> list[ItemSpec]:
    """A file from a field that takes only `suffixes` (the form's HTML, text, PDF, e-mail and
    zip fields): one with another suffix becomes a failed item of its own, "unsupported file
    type (.docx); expected ...", as an unreadable file given to the API or the command does,
    and the rest of the submission goes ahead (inside a zip: `unsupported_member_specs`)."""
    if name.lower().endswith(suffixes):
        return file_specs(name, data)
    suffix = PurePosixPath(name).suffix.lower() or "without extension"
    expected = ", ".join(suffixes)
    error = f"unsupported file type ({suffix}); expected {expected}"
    return [ItemSpec(_kind_for(name.lower()) or kind, name[:2000], error=error)]


def unsupported_member_specs(archive: str, labels: list[str]) -> list[ItemSpec]:
    """One failed item for the members of a zip whose type is not read, so the user sees what
    of the archive did not go in: "archive.zip: photos/map.png", "not a supported type: .png;
    supported: ..." for one; "archive.zip: 63 members not read: a.jpg, b.png, ... and 43
    more", with their types counted, for several. One item however many: a saved site's
    thousands of images neither swamp the job's items nor make it look like a failed job
    (the zip's articles are capped by INGEST_ZIP_MAX_FILES; these are never read)."""
    if not labels:
        return []
    supported = ", ".join(ZIP_MEMBER_SUFFIXES)
    if len(labels) == 1:
        label = labels[0]
        error = f"not a supported type: {_suffix_of(label)}; supported: {supported}"
    else:
        names = ", ".join(labels[:NAMED_UNSUPPORTED])
        if len(labels) > NAMED_UNSUPPORTED:
            names += f" and {len(labels) - NAMED_UNSUPPORTED} more"
        label = f"{len(labels)} members not read: {names}"
        by_type = Counter(_suffix_of(name) for name in labels).most_common()
        types = ", ".join(f"{count} {suffix}" for suffix, count in by_type[:5])
        if len(by_type) > 5:
            types += f" and {len(by_type) - 5} other types"
        error = f"not supported types: {types}; supported: {supported}"
    if any(_suffix_of(name) == ".mbox" for name in labels):
        error = f"an .mbox is read on its own, not inside a zip; {error}"
    return [ItemSpec(ItemKind.TEXT, f"{archive}: {label}"[:2000], error=error[:300])]


def _suffix_of(label: str) -> str:
    return PurePosixPath(label).suffix.lower() or "no file extension"


def mbox_specs(name: str, data: bytes) -> list[ItemSpec]:
    """One e-mail item per message of an mbox file."""
    try:
        messages = split_mbox(data)
    except IngestError as exc:
        raise InputError(f"{name}: {exc.reason}") from None
    specs = []
    for number, raw in enumerate(messages, 1):
        subject = message_subject(raw) or "(no subject)"
        specs.append(ItemSpec(ItemKind.EMAIL, f"{name} #{number}: {subject}"[:2000], raw))
    return specs


def _kind_for(lower_name: str) -> str | None:
    if lower_name.endswith(HTML_SUFFIXES):
        return ItemKind.HTML
    if lower_name.endswith(TEXT_SUFFIXES):
        return ItemKind.TEXT
    if lower_name.endswith(PDF_SUFFIXES):
        return ItemKind.PDF
    if lower_name.endswith(EMAIL_SUFFIXES):
        return ItemKind.EMAIL
    return None


def _member_spec(label: str, data: bytes) -> ItemSpec:
    kind = _kind_for(label.lower())
    if kind is None:
        suffix = PurePosixPath(label).suffix or "without extension"
        return ItemSpec(ItemKind.TEXT, label, error=f"unsupported file type ({suffix})")
    if not data:
        return ItemSpec(kind, label[:2000], error="empty file")
    return ItemSpec(kind, label[:2000], data)

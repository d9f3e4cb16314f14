"""Read the article files of an uploaded zip, safely.

A zip can claim small sizes and inflate to gigabytes, hold thousands of entries, or name
members "../../etc/passwd". We never write members to disk (names are only labels), check
the declared sizes and counts before reading anything, then count the bytes actually
inflated while reading, so a lying header cannot get past the limits either. Members of
types we do not read are listed, not read, so that the user is told about them.
"""

from __future__ import annotations

import contextlib
import io
import lzma
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from sources.errors import IngestError

MB = 1024 * 1024
_READ_CHUNK = 64 * 1024
# HTML and text compress 3-10x; past this ratio (on members over 1 MB) it is a bomb
MAX_RATIO = 100
_RATIO_FLOOR = 1 * MB


def _mb(size: int) -> str:
    return f"{size // MB} MB" if size % MB == 0 else f"{size / MB:.1f} MB"


def member_label(info: zipfile.ZipInfo) -> str:
    """The member's name as a display label (decoded sensibly, never used as a path)."""
    name = info.filename
    if not info.flag_bits & 0x800:
        # no UTF-8 flag: zipfile decoded it as cp437, but most tools write UTF-8 anyway
        with contextlib.suppress(UnicodeError):
            name = name.encode("cp437").decode("utf-8")
    return name.replace("\\", "/")


# files an operating system or an office suite leaves beside the user's own: never articles
_SYSTEM_FILES = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini"})
# a browser's "Save page as… (complete)" puts a page's images, style sheets and scripts in
# a folder named after it: "report.html" + "report_files/"
_SAVED_PAGE_SUFFIXES = (".html", ".htm", ".xhtml")
_SAVED_PAGE_FOLDER = "_files"


def _noise(label: str) -> bool:
    """Directories, macOS/hidden/system files and unsafe names: skipped without a word."""
    if label.endswith("/"):
        return True
    parts = PurePosixPath(label).parts
    if not parts or label.startswith("/") or (parts[0].endswith(":") and len(parts[0]) == 2):
        return True  # absolute or drive-letter path
    if any(part in ("..", ".") or part.startswith(".") for part in parts):
        return True  # traversal, hidden files, AppleDouble "._x.html"
    if parts[0] == "__MACOSX":
        return True
    name = parts[-1].lower()
    return name in _SYSTEM_FILES or name.startswith("~$")  # ~$: an Office lock file


def _saved_page_folders(labels: list[str]) -> set[str]:
    """The "<page>_files" folders (lower-cased paths) of the saved pages among `labels`."""
    folders = set()
    for label in labels:
        lower = label.lower()
        for suffix in _SAVED_PAGE_SUFFIXES:
            if lower.endswith(suffix):
                folders.add(lower[: -len(suffix)] + _SAVED_PAGE_FOLDER)
    return folders


def _in_saved_page_folder(label: str, folders: set[str]) -> bool:
    parents = PurePosixPath(label.lower()).parents
    return any(str(parent) in folders for parent in parents)


@dataclass(frozen=True)
class ZipContents:
    """What an archive holds: its wanted members, read, and the labels of the members of
    other types it holds (not read), both in archive order."""

    members: list[tuple[str, bytes]] = field(default_factory=list)
    unsupported: list[str] = field(default_factory=list)


def read_zip(
    data: bytes,
    *,
    max_files: int = 500,
    max_total_uncompressed: int = 100 * MB,
    max_member: int = 20 * MB,
    allowed_suffixes: tuple[str, ...] = (".html", ".htm", ".txt", ".md"),
) -> ZipContents:
    """Read the wanted members of a zip and list those of other types.

    Every limit (on the wanted members: `max_files` counts only them) is checked on declared
    sizes before the first member is read, so a zip is refused as a whole rather than half
    ingested. Directories, hidden, macOS and system files, unsafe names, and the images and
    style sheets of a saved page ("page.html" + "page_files/") are skipped without a word;
    any other member is listed in `unsupported`, never read. A zip with neither is refused.
    """
    if not data:
        raise IngestError("empty file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise IngestError("not a zip file") from None
    suffixes = tuple(s.lower() for s in allowed_suffixes)
    with archive:
        entries = []
        for info in archive.infolist():
            label = member_label(info)
            if not info.is_dir() and not _noise(label):
                entries.append((label, info))
        page_folders = _saved_page_folders([label for label, _ in entries])
        members, unsupported = [], []
        for label, info in entries:
            if label.lower().endswith(suffixes):
                members.append((label, info))
                if len(members) > max_files:
                    raise IngestError(f"zip has too many files (max {max_files})")
            elif not _in_saved_page_folder(label, page_folders):
                unsupported.append(label)
        if not members and not unsupported:
            raise IngestError(f"zip has no {', '.join(suffixes)} files")
        declared_total = 0
        for label, info in members:
            if info.flag_bits & 0x1:
                raise IngestError(f"zip member {label} is encrypted")
            if info.file_size > max_member:
                raise IngestError(f"zip member {label} is too large (max {_mb(max_member)})")
            if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(
                info.compress_size, 1
            ):
                raise IngestError(f"zip member {label} is suspiciously compressed")
            declared_total += info.file_size
            if declared_total > max_total_uncompressed:
                raise IngestError(f"zip expands beyond {_mb(max_total_uncompressed)}")

        read = []
        total = 0
        for label, info in members:
            content = _read_member(archive, info, label, max_member)
            total += len(content)
            if total > max_total_uncompressed:
                raise IngestError(f"zip expands beyond {_mb(max_total_uncompressed)}")
            read.append((label, content))
        return ZipContents(read, unsupported)


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, label: str, limit: int) -> bytes:
    """Read one member, stopping as soon as it inflates past its declared size or `limit`."""
    cap = min(limit, info.file_size)
    buffer = bytearray()
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_READ_CHUNK):
                buffer += chunk
                if len(buffer) > cap:
                    raise IngestError(f"zip member {label} is larger than it declares")
    except IngestError:
        raise
    except NotImplementedError:
        raise IngestError(f"zip member {label} uses an unsupported compression") from None
    except (zipfile.BadZipFile, zlib.error, lzma.LZMAError, EOFError, OSError, ValueError) as exc:
        # includes CRC mismatches and truncated data
        raise IngestError(f"zip member {label} is corrupt", detail=str(exc)) from None
    return bytes(buffer)

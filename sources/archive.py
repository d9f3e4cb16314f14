"""Read the article files of an uploaded zip, safely.

A zip can claim small sizes and inflate to gigabytes, hold thousands of entries, or name
members "../../etc/passwd". We never write members to disk (names are only labels), check
the declared sizes and counts before reading anything, then count the bytes actually
inflated while reading, so a lying header cannot get past the limits either.
"""

from __future__ import annotations

import contextlib
import io
import lzma
import zipfile
import zlib
from collections.abc import Iterator
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


def _skipped(label: str, allowed_suffixes: tuple[str, ...]) -> bool:
    """Directories, macOS/hidden files, unsafe names and unwanted types are skipped."""
    if label.endswith("/"):
        return True
    parts = PurePosixPath(label).parts
    if not parts or label.startswith("/") or (parts[0].endswith(":") and len(parts[0]) == 2):
        return True  # absolute or drive-letter path
    if any(part in ("..", ".") or part.startswith(".") for part in parts):
        return True  # traversal, hidden files, AppleDouble "._x.html"
    if parts[0] == "__MACOSX":
        return True
    return not label.lower().endswith(allowed_suffixes)


def iter_zip_members(
    data: bytes,
    *,
    max_files: int = 500,
    max_total_uncompressed: int = 100 * MB,
    max_member: int = 20 * MB,
    allowed_suffixes: tuple[str, ...] = (".html", ".htm", ".txt", ".md"),
) -> Iterator[tuple[str, bytes]]:
    """Yield (label, content) for each wanted member, in archive order.

    Every limit on declared sizes is checked before the first member is yielded, so a zip
    is refused as a whole rather than half ingested. Other entries are skipped silently.
    """
    if not data:
        raise IngestError("empty file")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise IngestError("not a zip file") from None
    suffixes = tuple(s.lower() for s in allowed_suffixes)
    with archive:
        members = []
        for info in archive.infolist():
            label = member_label(info)
            if info.is_dir() or _skipped(label, suffixes):
                continue
            members.append((label, info))
            if len(members) > max_files:
                raise IngestError(f"zip has too many files (max {max_files})")
        if not members:
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

        total = 0
        for label, info in members:
            content = _read_member(archive, info, label, max_member)
            total += len(content)
            if total > max_total_uncompressed:
                raise IngestError(f"zip expands beyond {_mb(max_total_uncompressed)}")
            yield label, content


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

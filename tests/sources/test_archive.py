"""read_zip: limits, bombs, skipped entries and labels."""

from __future__ import annotations

import os
import struct
import tracemalloc
import zipfile

import pytest

from sources.archive import ZipContents, member_label, read_zip
from sources.errors import IngestError
from tests.sources.zips import make_zip

HTML = b"<html><body><p>Joint exercise report.</p></body></html>"


def reason_of(data: bytes, **limits) -> str:
    with pytest.raises(IngestError) as info:
        read_zip(data, **limits)
    return info.value.reason


def test_yields_wanted_members_in_order() -> None:
    data = make_zip({
        "b/second.htm": HTML,
        "a.txt": "Визит в Пхеньян".encode(),
        "notes/READ ME.md": b"# Notes\n\ntext",
        "upper.HTML": HTML,
    })  # fmt: skip
    assert read_zip(data).members == [
        ("b/second.htm", HTML),
        ("a.txt", "Визит в Пхеньян".encode()),
        ("notes/READ ME.md", b"# Notes\n\ntext"),
        ("upper.HTML", HTML),
    ]


def test_skips_directories_hidden_macos_traversal_and_other_types() -> None:
    data = make_zip({
        "articles/": b"",
        "articles/ok.html": HTML,
        "__MACOSX/articles/._ok.html": b"\x00\x05\x16\x07",
        "articles/._ok.html": b"\x00\x05\x16\x07",
        ".hidden.html": HTML,
        "articles/.git/config.txt": b"x",
        "../escape.html": HTML,
        "articles/../../escape2.html": HTML,
        "/etc/absolute.html": HTML,
        "C:/windows.html": HTML,
        "..\\backslash.html": HTML,
        "photo.jpg": b"\xff\xd8\xff",
        "nested.zip": b"PK\x05\x06" + b"\x00" * 18,
    })  # fmt: skip
    assert [name for name, _ in read_zip(data).members] == ["articles/ok.html"]


def test_only_unwanted_files_are_listed_and_only_noise_is_refused() -> None:
    data = make_zip({"photo.jpg": b"\xff\xd8\xff", "dir/": b""})
    assert read_zip(data) == ZipContents(members=[], unsupported=["photo.jpg"])
    noise = make_zip({"dir/": b"", ".DS_Store": b"x", "__MACOSX/._a.html": b"x"})
    assert reason_of(noise) == "zip has no .html, .htm, .txt, .md files"


def test_too_many_files_is_refused_before_reading() -> None:
    data = make_zip({f"a{i}.html": HTML for i in range(501)})
    assert reason_of(data) == "zip has too many files (max 500)"
    assert len(read_zip(make_zip({f"a{i}.html": HTML for i in range(500)})).members) == 500


def test_declared_member_size_over_the_limit() -> None:
    data = make_zip({"big.html": b"<p>" + os.urandom(300_000) + b"</p>"})
    assert reason_of(data, max_member=200_000) == "zip member big.html is too large (max 0.2 MB)"


def test_zip_bomb_member_is_refused_from_its_declared_size() -> None:
    bomb = make_zip({"bomb.html": b"\0" * (25 * 1024 * 1024)})
    assert len(bomb) < 100_000
    assert reason_of(bomb) == "zip member bomb.html is too large (max 20 MB)"


def test_compression_ratio_abuse_is_refused() -> None:
    data = make_zip({"zeros.html": b"\0" * (5 * 1024 * 1024)})  # ~1000:1, under 20 MB
    assert reason_of(data) == "zip member zeros.html is suspiciously compressed"


def test_total_declared_size_over_the_limit() -> None:
    data = make_zip({f"part{i}.txt": os.urandom(400_000) for i in range(3)})
    assert reason_of(data, max_total_uncompressed=1024 * 1024) == "zip expands beyond 1 MB"
    assert len(read_zip(data, max_total_uncompressed=2 * 1024 * 1024).members) == 3


def lie_about_size(data: bytes, name: bytes, size: int) -> bytes:
    """Rewrite the uncompressed size of `name` in both local and central headers."""
    out = bytearray(data)
    local = out.find(b"PK\x03\x04")
    while local != -1:
        name_len = struct.unpack_from("<H", out, local + 26)[0]
        if out[local + 30 : local + 30 + name_len] == name:
            struct.pack_into("<I", out, local + 22, size)
        local = out.find(b"PK\x03\x04", local + 4)
    central = out.find(b"PK\x01\x02")
    while central != -1:
        name_len = struct.unpack_from("<H", out, central + 28)[0]
        if out[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<I", out, central + 24, size)
        central = out.find(b"PK\x01\x02", central + 4)
    return bytes(out)


def test_member_that_inflates_past_its_declared_size_is_stopped() -> None:
    honest = make_zip({"liar.html": b"<p>" + b"a" * (8 * 1024 * 1024) + b"</p>"})
    data = lie_about_size(honest, b"liar.html", 1000)  # claims 1000 bytes, ratio looks fine
    tracemalloc.start()
    try:
        with pytest.raises(IngestError) as info:
            read_zip(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.reason in {
        "zip member liar.html is larger than it declares",
        "zip member liar.html is corrupt",
    }
    assert peak < 2 * 1024 * 1024  # never inflated the 8 MB


def test_corrupt_member_data() -> None:
    data = bytearray(make_zip({"a.html": HTML * 50}))
    start = data.index(b"PK\x03\x04") + 30 + len("a.html")
    data[start + 5 : start + 15] = b"\xff" * 10
    assert reason_of(bytes(data)).startswith("zip member a.html is ")


def test_encrypted_member_is_refused() -> None:
    data = bytearray(make_zip({"secret.html": HTML}))
    central = data.index(b"PK\x01\x02")
    data[central + 8] |= 0x1  # general purpose flag: encrypted
    assert reason_of(bytes(data)) == "zip member secret.html is encrypted"


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "empty file"),
    (b"this is not a zip", "not a zip file"),
    (b"PK\x03\x04garbage" * 10, "not a zip file"),
    (HTML, "not a zip file"),
])  # fmt: skip
def test_not_a_zip(data: bytes, reason: str) -> None:
    assert reason_of(data) == reason


def test_utf8_names_without_the_utf8_flag_are_decoded() -> None:
    raw = "статья.html".encode()
    info = zipfile.ZipInfo(raw.decode("cp437"))  # how zipfile reads an unflagged name
    info.flag_bits = 0
    assert member_label(info) == "статья.html"
    flagged = make_zip({"доклад.html": HTML})
    assert [name for name, _ in read_zip(flagged).members] == ["доклад.html"]


def test_stored_members_work_too() -> None:
    data = make_zip({"a.html": HTML}, compression=zipfile.ZIP_STORED)
    assert read_zip(data).members == [("a.html", HTML)]

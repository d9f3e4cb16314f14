"""fetch(): SSRF guard, redirects, limits and error classes, against a real local server."""

from __future__ import annotations

import ipaddress
import shutil
import socket
import ssl
import subprocess
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from sources.errors import IngestError, TransientFetchError
from sources.fetching import fetch as fetch_module
from sources.fetching.fetch import address_class, check_url, fetch, parse_target
from tests.sources.httpserver import PAGES, Server, running_server

LOCAL = frozenset({"127.0.0.1"})


@pytest.fixture(scope="module")
def http_server() -> Iterator[Server]:
    with running_server() as server:
        yield server


REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record name lookups and make sure none of them leaves the machine.

    Numeric spellings and "localhost" resolve offline; anything else in this file is faked.
    """
    seen: list[str] = []

    def guarded(host, *args, **kwargs):
        seen.append(host)
        if host != "localhost":
            kwargs["flags"] = kwargs.get("flags", 0) | socket.AI_NUMERICHOST
        return REAL_GETADDRINFO(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", guarded)
    return seen


def fake_dns(monkeypatch: pytest.MonkeyPatch, answers: dict[str, list[list[str]]]) -> list[str]:
    """Answer lookups of the given names from successive answer lists; numeric hosts pass."""
    seen: list[str] = []

    def resolver(host, port, *args, **kwargs):
        if host in answers:
            seen.append(host)
            addresses = answers[host][min(len(seen), len(answers[host])) - 1]
            return [
                (
                    socket.AF_INET6 if ":" in a else socket.AF_INET,
                    socket.SOCK_STREAM,
                    socket.IPPROTO_TCP,
                    "",
                    (a, port, 0, 0) if ":" in a else (a, port),
                )
                for a in addresses
            ]
        kwargs["flags"] = kwargs.get("flags", 0) | socket.AI_NUMERICHOST
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    return seen


# --- refused spellings ------------------------------------------------------------------

REFUSED = [
    ("http://127.1/", "loopback"),
    ("http://2130706433/", "loopback"),
    ("http://0x7f000001/", "loopback"),
    ("http://0177.0.0.1/", "loopback"),
    ("http://017700000001/", "loopback"),
    ("http://127.0.0.1:8000/admin", "loopback"),
    ("http://[::1]/", "loopback"),
    ("http://[::ffff:127.0.0.1]/", "loopback"),
    ("http://[::127.0.0.1]/", "loopback"),
    ("http://[64:ff9b::7f00:1]/", "loopback"),
    ("http://[2002:7f00:1::]/", "loopback"),
    # Teredo: client address 127.0.0.1 stored inverted in the last 32 bits
    ("http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/", "loopback"),
    ("http://localhost/", "loopback"),
    ("http://LOCALHOST:8080/", "loopback"),
    ("http://224.0.0.1/", "multicast"),
    ("http://[ff02::1]/", "multicast"),
    ("http://169.254.169.254/latest/meta-data/", "link-local"),
    ("http://[::ffff:169.254.169.254]/", "link-local"),
    ("http://[fe80::1]/", "link-local"),
    ("http://10.0.0.1/", "private"),
    ("http://172.16.5.4/", "private"),
    ("http://192.168.1.1/", "private"),
    ("http://[::ffff:10.0.0.1]/", "private"),
    ("http://[64:ff9b::a00:1]/", "private"),
    ("http://[fc00::1]/", "private"),
    ("http://[fd12:3456::1]/", "private"),
    ("http://[64:ff9b:1::a]/", "private"),
    ("http://[fec0::1]/", "site-local"),
    ("http://100.64.0.1/", "shared (carrier-grade NAT)"),
    ("http://0.0.0.0/", "unspecified"),
    ("http://0/", "unspecified"),
    ("http://[::]/", "unspecified"),
    ("http://255.255.255.255/", "broadcast"),
    ("http://240.0.0.1/", "reserved"),
    ("http://192.0.2.10/", "private"),
]


@pytest.mark.parametrize(("url", "cls"), REFUSED)
def test_non_public_spellings_are_refused(url: str, cls: str, lookups: list[str]) -> None:
    with pytest.raises(IngestError) as info:
        fetch(url, timeout=2)
    assert info.value.reason == f"refused: {cls} address"
    assert not info.value.retryable
    assert lookups  # judged after resolution, not on the spelling


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://example.org\\@127.0.0.1/", "URL contains a backslash"),
        ("http://127.0.0.1\\.example.org/", "URL contains a backslash"),
        ("http://user:pw@example.org/", "URL has credentials"),
        ("http://user@example.org/", "URL has credentials"),
        ("http://example.org@127.0.0.1/", "URL has credentials"),
        ("http://a@b@example.org/", "URL has credentials"),
        ("ftp://example.org/file.html", "not an http(s) URL"),
        ("file:///etc/passwd", "not an http(s) URL"),
        ("javascript:alert(1)", "not an http(s) URL"),
        ("gopher://127.0.0.1:6379/_INFO", "not an http(s) URL"),
        ("//example.org/page", "not an http(s) URL"),
        ("", "not an http(s) URL"),
        ("http:///path", "URL has no host"),
        ("http://exa mple.org/", "URL contains spaces or control characters"),
        ("http://example.org/\r\nHost: 127.0.0.1", "URL contains spaces or control characters"),
        ("http://%31%32%37.0.0.1/", "invalid host"),
        ("http://[fe80::1%25eth0]/", "invalid host"),
        ("http://[v1.fe]/", "invalid host"),
        ("http://example.org:99999/", "invalid URL"),
        ("http://example.org:0/", "invalid URL"),
    ],
)
def test_bad_urls_are_refused_before_any_lookup(url: str, reason: str, lookups: list[str]) -> None:
    with pytest.raises(IngestError) as info:
        fetch(url)
    assert info.value.reason == reason
    assert lookups == []


def test_urllib3_and_urlsplit_must_agree_on_the_host() -> None:
    # the backslash check already refuses this URL; the parser cross-check is a second line
    with pytest.raises(IngestError, match="ambiguous URL"):
        fetch_module._check_client_agrees("http://example.org\\@127.0.0.1/", "127.0.0.1", 80)


def test_mixed_answer_with_one_private_address_is_refused(monkeypatch) -> None:
    fake_dns(monkeypatch, {"news.example": [["8.8.8.8", "10.1.2.3"]]})
    with pytest.raises(IngestError, match="refused: private address"):
        fetch("http://news.example/article")


def test_public_addresses_pass_the_judge() -> None:
    for address in [
        "8.8.8.8",
        "2606:4700::1111",
        "64:ff9b::808:808",
        "::ffff:8.8.8.8",
        "2002:808:808::1",
        "1.1.1.1",
    ]:
        assert address_class(ipaddress.ip_address(address)) is None, address
    # deprecated IPv4-compatible and Teredo forms are refused even around a public address
    assert address_class(ipaddress.ip_address("::8.8.8.8")) == "reserved"


def test_check_url_returns_the_normalized_target(monkeypatch) -> None:
    fake_dns(monkeypatch, {"xn--e1afmkfd.xn--p1ai": [["8.8.8.8"]]})
    target = check_url("HTTP://Пример.РФ/путь?q=мир#frag")
    assert target.host == "xn--e1afmkfd.xn--p1ai"
    assert target.request_target == "/%D0%BF%D1%83%D1%82%D1%8C?q=%D0%BC%D0%B8%D1%80"
    assert (
        target.url == "http://xn--e1afmkfd.xn--p1ai/%D0%BF%D1%83%D1%82%D1%8C?q=%D0%BC%D0%B8%D1%80"
    )


# --- allow-list -------------------------------------------------------------------------


def test_allow_list_matches_the_host_as_written(http_server: Server) -> None:
    with pytest.raises(IngestError, match="refused: loopback address"):
        fetch(http_server.url("/page"), timeout=5)
    result = fetch(http_server.url("/page"), allow_hosts=LOCAL, timeout=5)
    assert result.status == 200
    for host in ["127.1", "localhost", "2130706433"]:
        with pytest.raises(IngestError, match="refused: loopback address"):
            fetch(http_server.url("/page", host=host), allow_hosts=LOCAL, timeout=5)


def test_allow_listed_ipv6_literal_is_normalized() -> None:
    assert fetch_module.host_is_allowed("0:0::1", {"[::1]"})
    assert not fetch_module.host_is_allowed("::2", {"[::1]"})


# --- fetching from the local server ----------------------------------------------------


def test_fetches_a_page(http_server: Server) -> None:
    result = fetch(http_server.url("/page"), allow_hosts=LOCAL, timeout=5)
    assert result.body == (PAGES / "en_thinktank_note.html").read_bytes()
    assert result.content_type == "text/html"
    assert result.charset_from_header == "utf-8"
    assert result.url_final == http_server.url("/page")


def test_charset_absent_from_header_is_none(http_server: Server) -> None:
    result = fetch(http_server.url("/ru-meta"), allow_hosts=LOCAL, timeout=5)
    assert result.charset_from_header is None
    assert result.body == (PAGES / "ru_cp1251_meta.html").read_bytes()


def test_sends_host_header_user_agent_and_ascii_path(http_server: Server) -> None:
    result = fetch(
        http_server.url("/echo?q=мир"), allow_hosts=LOCAL, user_agent="ua-test/1", timeout=5
    )
    text = result.body.decode()
    assert f"Host: 127.0.0.1:{http_server.port}" in text
    assert "User-Agent: ua-test/1" in text
    assert "path: /echo?q=%D0%BC%D0%B8%D1%80" in text


def test_connects_to_the_judged_address_and_resolves_once(http_server: Server, monkeypatch) -> None:
    # a rebinding resolver: first answer loopback (allow-listed name), later a private host
    seen = fake_dns(monkeypatch, {"articles.test": [["127.0.0.1"], ["10.9.9.9"]]})
    url = f"http://articles.test:{http_server.port}/echo"
    result = fetch(url, allow_hosts={"articles.test"}, timeout=5)
    assert f"Host: articles.test:{http_server.port}" in result.body.decode()
    assert seen == ["articles.test"]


def test_redirects_are_followed_and_final_url_reported(http_server: Server) -> None:
    result = fetch(http_server.url("/chain/3"), allow_hosts=LOCAL, timeout=5)
    assert result.url_final == http_server.url("/chain/0")
    assert b"end of chain" in result.body


def test_too_many_redirects(http_server: Server) -> None:
    with pytest.raises(IngestError, match="too many redirects"):
        fetch(http_server.url("/chain/6"), allow_hosts=LOCAL, max_redirects=5, timeout=5)
    assert fetch(http_server.url("/chain/5"), allow_hosts=LOCAL, max_redirects=5, timeout=5)


@pytest.mark.parametrize(
    ("target", "reason"),
    [
        ("http://127.0.0.2:{port}/page", "refused: loopback address"),
        ("http://[::1]:{port}/page", "refused: loopback address"),
        ("http://localhost:{port}/page", "refused: loopback address"),
        ("http://169.254.169.254/latest/meta-data/", "refused: link-local address"),
        ("http://10.0.0.1/", "refused: private address"),
        ("file:///etc/passwd", "not an http(s) URL"),
        ("http://user:pw@127.0.0.1:{port}/page", "URL has credentials"),
    ],
)
def test_redirect_to_a_disallowed_target_is_refused(
    http_server: Server, target: str, reason: str
) -> None:
    from urllib.parse import quote

    to = target.format(port=http_server.port)
    with pytest.raises(IngestError) as info:
        fetch(http_server.url("/redirect?to=" + quote(to, safe="")), allow_hosts=LOCAL, timeout=5)
    assert info.value.reason == reason


def test_redirect_without_location(http_server: Server) -> None:
    with pytest.raises(IngestError, match="HTTP 302 without Location"):
        fetch(http_server.url("/no-location"), allow_hosts=LOCAL, timeout=5)


def test_slow_server_times_out_as_transient(http_server: Server) -> None:
    start = time.monotonic()
    with pytest.raises(TransientFetchError) as info:
        fetch(http_server.url("/slow-headers"), allow_hosts=LOCAL, timeout=0.5)
    assert info.value.reason == "timed out"
    assert time.monotonic() - start < 2


def test_dripping_body_hits_the_overall_deadline(http_server: Server) -> None:
    # each byte arrives well within the timeout, the whole body would take 20 s
    start = time.monotonic()
    with pytest.raises(TransientFetchError, match="timed out"):
        fetch(http_server.url("/drip"), allow_hosts=LOCAL, timeout=0.5)
    assert time.monotonic() - start < 2


def test_declared_length_over_the_cap_is_refused_up_front(http_server: Server) -> None:
    with pytest.raises(IngestError) as info:
        fetch(http_server.url("/big-length"), allow_hosts=LOCAL, timeout=5)
    assert info.value.reason == "too large"
    assert "Content-Length" in (info.value.detail or "")
    assert not info.value.retryable


def test_undeclared_length_over_the_cap_is_cut_off(http_server: Server) -> None:
    with pytest.raises(IngestError) as info:
        fetch(http_server.url("/big-stream"), allow_hosts=LOCAL, max_bytes=1024 * 1024, timeout=5)
    assert info.value.reason == "too large"
    assert info.value.detail is None  # found while streaming, not from the header
    # the same body fits a larger cap
    assert len(fetch(http_server.url("/big-stream"), allow_hosts=LOCAL, timeout=5).body) > 4e6


def test_gzip_bomb_is_cut_off_without_inflating_it(http_server: Server) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(IngestError, match="too large"):
            fetch(
                http_server.url("/gzip-bomb"), allow_hosts=LOCAL, max_bytes=1024 * 1024, timeout=5
            )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 8 * 1024 * 1024  # the bomb inflates to 50 MB


@pytest.mark.parametrize(
    ("code", "transient"),
    [(404, False), (403, False), (410, False), (500, True), (503, True), (429, True)],
)
def test_http_errors(http_server: Server, code: int, transient: bool) -> None:
    with pytest.raises(IngestError) as info:
        fetch(http_server.url(f"/status/{code}"), allow_hosts=LOCAL, timeout=5)
    assert info.value.reason == f"HTTP {code}"
    assert isinstance(info.value, TransientFetchError) is transient
    assert info.value.retryable is transient


def test_429_carries_retry_after(http_server: Server) -> None:
    with pytest.raises(TransientFetchError) as info:
        fetch(http_server.url("/status/429"), allow_hosts=LOCAL, timeout=5)
    assert info.value.retry_after == 7.0


def test_non_html_content_type_is_refused_unless_accepted(http_server: Server) -> None:
    with pytest.raises(IngestError) as info:
        fetch(http_server.url("/pdf"), allow_hosts=LOCAL, timeout=5)
    assert info.value.reason == "not HTML (application/pdf)"
    assert not info.value.retryable
    result = fetch(http_server.url("/pdf"), allow_hosts=LOCAL, accept_types=None, timeout=5)
    assert result.body.startswith(b"%PDF")


def test_garbage_content_type_is_not_echoed_to_the_user(http_server: Server) -> None:
    with pytest.raises(IngestError) as info:
        fetch(http_server.url("/weird-type"), allow_hosts=LOCAL, timeout=5)
    assert info.value.reason == "not HTML"


def test_empty_response(http_server: Server) -> None:
    with pytest.raises(IngestError, match="empty response"):
        fetch(http_server.url("/empty"), allow_hosts=LOCAL, timeout=5)


def test_connection_refused_is_transient() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(TransientFetchError) as info:
        fetch(f"http://127.0.0.1:{port}/", allow_hosts=LOCAL, timeout=2)
    assert info.value.reason == "connection failed"


def test_parse_target_keeps_port_and_drops_fragment() -> None:
    target = parse_target("https://Example.ORG:8443/a/b?x=1#section")
    assert (target.host, target.port, target.request_target) == ("example.org", 8443, "/a/b?x=1")
    assert target.host_header == "example.org:8443"
    assert target.url == "https://example.org:8443/a/b?x=1"


# --- TLS: connect to the IP, verify the certificate for the name -------------------------


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory):
    if shutil.which("openssl") is None:
        pytest.skip("openssl not available to make a test certificate")
    directory: Path = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-subj",
            "/CN=articles.test",
            "-addext",
            "subjectAltName=DNS:articles.test",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with running_server(lambda sock: context.wrap_socket(sock, server_side=True)) as server:
        yield server, str(cert)


def test_tls_verifies_the_name_while_connecting_to_the_judged_ip(tls_server, monkeypatch) -> None:
    server, ca = tls_server
    seen = fake_dns(monkeypatch, {"articles.test": [["127.0.0.1"]], "other.test": [["127.0.0.1"]]})
    url = f"https://articles.test:{server.port}/echo"
    result = fetch(url, allow_hosts={"articles.test", "other.test"}, ca_certs=ca, timeout=5)
    assert f"Host: articles.test:{server.port}" in result.body.decode()
    assert seen == ["articles.test"]
    # same IP, a name the certificate does not cover: refused, not retried
    with pytest.raises(IngestError) as info:
        fetch(
            f"https://other.test:{server.port}/echo",
            allow_hosts={"other.test"},
            ca_certs=ca,
            timeout=5,
        )
    assert info.value.reason == "TLS error"
    assert not info.value.retryable
    # an untrusted certificate (system store) is refused as well
    with pytest.raises(IngestError, match="TLS error"):
        fetch(url, allow_hosts={"articles.test"}, timeout=5)

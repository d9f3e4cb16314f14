"""Fetch one web page for ingestion, with a guard against server-side request forgery.

Users submit URLs; the server fetches them. Without care, that lets anyone make the server
talk to its own loopback services, the cloud metadata endpoint (169.254.169.254) or the
private network. The guard here:

* accepts only http/https URLs without credentials, backslashes, whitespace or control
  characters, and only when Python's `urlsplit` and urllib3 (the client that sends the
  request) agree on host and port;
* resolves the host once with `socket.getaddrinfo`, judges every returned address (IPv4
  addresses embedded in IPv6 ones are unwrapped first), then connects to the judged address
  itself, sending the name only in the Host header and as TLS server name, so a second DNS
  answer cannot change the destination (DNS rebinding);
* follows redirects by hand and repeats all of the above on every hop;
* streams the body under a size cap and an overall deadline.

Proxy environment variables are deliberately ignored: the request goes straight to the
judged address. Hosts in `allow_hosts` (matched on the host as written in the URL, never on
a resolved address) skip the address check; tests and intranet deployments use it.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import quote, urljoin, urlsplit

import urllib3
from urllib3.exceptions import (
    DecodeError,
    HTTPError,
    LocationParseError,
    MaxRetryError,
    NewConnectionError,
    ProtocolError,
    SSLError,
)
from urllib3.exceptions import TimeoutError as Urllib3TimeoutError
from urllib3.util import parse_url

from sources.errors import IngestError, RefusedInput, TransientFetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_USER_AGENT = "tiesdb-ingest/0.1 (research annotation tool)"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
PDF_TYPES = frozenset({"application/pdf", "application/x-pdf"})
# servers often send a PDF download as a generic binary: accepted, then judged by its bytes
BINARY_TYPE = "application/octet-stream"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 8192
_CHUNK = 64 * 1024

_BAD_URL_CHARS = re.compile(r"[\x00-\x20\x7f-\x9f]")
_HOSTNAME = re.compile(r"[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*\.?")
_MEDIA_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,40}/[a-z0-9][a-z0-9!#$&^_.+-]{0,60}")
# percent-encode anything outside these when building the request line
_PATH_SAFE = "/%!$&'()*+,;=:@~-._"
_QUERY_SAFE = _PATH_SAFE + "?"


@dataclass(frozen=True)
class FetchResult:
    url_final: str
    status: int
    content_type: str | None  # media type only, lowercase ("text/html")
    charset_from_header: str | None
    body: bytes


@dataclass(frozen=True)
class Target:
    """A URL checked by `parse_target`: what the client will connect to and ask for."""

    url: str  # normalized, without fragment
    scheme: str
    host: str  # lowercase ASCII (IDNA) name, or IP literal without brackets
    port: int
    request_target: str  # path and query, ASCII
    host_header: str


# --- URL checks -------------------------------------------------------------------------


def parse_target(url: str) -> Target:
    """Check a URL's shape and return what to request. Does no network I/O."""
    if not isinstance(url, str) or not url:
        raise RefusedInput("not an http(s) URL")
    if len(url) > MAX_URL_LENGTH:
        raise RefusedInput("URL too long")
    if "\\" in url:
        # WHATWG parsers (browsers, some clients) read "\" as "/", urlsplit does not:
        # "http://example.org\@127.0.0.1/" has two different hosts depending on who reads it.
        raise RefusedInput("URL contains a backslash")
    if _BAD_URL_CHARS.search(url):
        raise RefusedInput("URL contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RefusedInput("invalid URL", detail=str(exc)) from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS:
        raise RefusedInput("not an http(s) URL")
    if "@" in parts.netloc or parts.username is not None or parts.password is not None:
        raise RefusedInput("URL has credentials")
    raw_host = parts.hostname
    if not raw_host:
        raise RefusedInput("URL has no host")
    if "%" in raw_host:
        # percent-encoded names and IPv6 zone ids ("fe80::1%25eth0")
        raise RefusedInput("invalid host")
    if parts.netloc.startswith("["):
        try:
            # also rejects IPvFuture ("[v1.x]")
            host = ipaddress.IPv6Address(raw_host).compressed
        except ValueError:
            raise RefusedInput("invalid host") from None
    else:
        try:
            host = raw_host if raw_host.isascii() else raw_host.encode("idna").decode("ascii")
        except UnicodeError:
            raise RefusedInput("invalid host") from None
        host = host.lower()
        if not _HOSTNAME.fullmatch(host):
            raise RefusedInput("invalid host")
    if port is None:
        port = DEFAULT_PORTS[scheme]
    if not 0 < port < 65536:
        raise RefusedInput("invalid URL")
    _check_client_agrees(url, host, port)

    request_target = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        request_target += "?" + quote(parts.query, safe=_QUERY_SAFE)
    host_header = f"[{host}]" if ":" in host else host
    if port != DEFAULT_PORTS[scheme]:
        host_header += f":{port}"
    return Target(
        url=f"{scheme}://{host_header}{request_target}",
        scheme=scheme,
        host=host,
        port=port,
        request_target=request_target,
        host_header=host_header,
    )


def _check_client_agrees(url: str, host: str, port: int) -> None:
    """Refuse URLs whose host or port urllib3 would read differently from urlsplit."""
    try:
        parsed = parse_url(url)
    except (LocationParseError, ValueError):
        raise RefusedInput("invalid URL") from None
    other = (parsed.host or "").strip("[]").lower()
    if ":" in host:
        try:
            same_host = ipaddress.IPv6Address(other) == ipaddress.IPv6Address(host)
        except ValueError:
            same_host = False
    else:
        same_host = other == host
    scheme = (parsed.scheme or "").lower()
    if not same_host or (parsed.port or DEFAULT_PORTS.get(scheme)) != port:
        raise RefusedInput("ambiguous URL", detail=f"urlsplit {host}:{port}, urllib3 {parsed}")


def _normalize_host(host: str) -> str:
    host = host.strip().strip("[]").lower().rstrip(".")
    try:
        return ipaddress.ip_address(host).compressed
    except ValueError:
        return host


def host_is_allowed(host: str, allow_hosts: AbstractSet[str]) -> bool:
    """True if the host *as written in the URL* is allow-listed.

    Deliberately not matched on resolved addresses: allow-listing "127.0.0.1" must not let
    "127.1" or an attacker's name that resolves to 127.0.0.1 through.
    """
    if not allow_hosts:
        return False
    return _normalize_host(host) in {_normalize_host(h) for h in allow_hosts}


# --- address checks ---------------------------------------------------------------------

_V4_SHARED = ipaddress.IPv4Network("100.64.0.0/10")  # carrier-grade NAT, RFC 6598
_V4_THIS_NETWORK = ipaddress.IPv4Network("0.0.0.0/8")
_V4_RESERVED = ipaddress.IPv4Network("240.0.0.0/4")
_V6_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052, IPv4 in the last 32 bits
_V6_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")  # RFC 8215, local use
_V6_COMPAT = ipaddress.IPv6Network("::/96")  # deprecated IPv4-compatible
_V6_SITE_LOCAL = ipaddress.IPv6Network("fec0::/10")  # deprecated; `is_global` says True
_V6_UNIQUE_LOCAL = ipaddress.IPv6Network("fc00::/7")


def address_class(ip: IPAddress) -> str | None:
    """Name the class of a non-public address, or return None for a public unicast one.

    The `ipaddress` flags alone mislead: `::ffff:127.0.0.1` is not `is_loopback`, and
    `::127.0.0.1`, `64:ff9b::7f00:1`, `2002:7f00:1::` and `224.0.0.1` are all `is_global`.
    So multicast and site-local are checked explicitly and embedded IPv4 is unwrapped.
    """
    if isinstance(ip, ipaddress.IPv4Address):
        return _ipv4_class(ip)
    return _ipv6_class(ip)


def _ipv4_class(ip: ipaddress.IPv4Address) -> str | None:
    if ip in _V4_THIS_NETWORK:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast:
        return "multicast"
    if ip in _V4_SHARED:
        return "shared (carrier-grade NAT)"
    if ip == ipaddress.IPv4Address("255.255.255.255"):
        return "broadcast"
    if ip in _V4_RESERVED:
        return "reserved"
    if ip.is_private:
        # 10/8, 172.16/12, 192.168/16, plus documentation and benchmarking ranges
        return "private"
    if not ip.is_global:
        return "reserved"
    return None


def _ipv6_class(ip: ipaddress.IPv6Address) -> str | None:
    if ip.is_unspecified:
        return "unspecified"
    if ip.is_loopback:
        return "loopback"
    embedded, tunnel_ok = _embedded_ipv4(ip)
    if embedded is not None:
        inner = _ipv4_class(embedded)
        if inner is not None:
            return inner
        # a DNS64 network legitimately answers 64:ff9b::a.b.c.d for IPv4-only sites,
        # and an IPv4-mapped or 6to4 form of a public address reaches that public host
        return None if tunnel_ok else "reserved"
    if ip in _V6_NAT64_LOCAL:
        return "private"
    if ip.is_link_local:
        return "link-local"
    if ip in _V6_SITE_LOCAL:
        return "site-local"
    if ip.is_multicast:
        return "multicast"
    if ip in _V6_UNIQUE_LOCAL:
        return "private"
    if ip.is_reserved or not ip.is_global:
        return "reserved"
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> tuple[ipaddress.IPv4Address | None, bool]:
    """Return (IPv4 address carried inside `ip`, whether that form is acceptable if public)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped, True
    if ip in _V6_NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), True
    if ip.sixtofour is not None:
        return ip.sixtofour, True
    if ip.teredo is not None:
        # (server, client); judge the client first, then the server; Teredo itself is refused
        server, client = ip.teredo
        return (client if _ipv4_class(client) is not None else server), False
    if ip in _V6_COMPAT:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF), False
    return None, False


def resolve(target: Target, allow_hosts: AbstractSet[str] = frozenset()) -> list[IPAddress]:
    """Resolve the target's host and judge every address; return them in resolver order."""
    try:
        infos = socket.getaddrinfo(
            target.host, target.port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except socket.gaierror as exc:
        if exc.errno == socket.EAI_AGAIN:
            raise TransientFetchError("DNS lookup failed", detail=str(exc)) from None
        raise IngestError("host not found", detail=f"{target.host}: {exc}") from None
    except (UnicodeError, OSError) as exc:
        raise IngestError("host not found", detail=f"{target.host}: {exc}") from None
    addresses: list[IPAddress] = []
    for family, _type, _proto, _name, sockaddr in infos:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    if not addresses:
        raise IngestError("host not found", detail=target.host)
    if not host_is_allowed(target.host, allow_hosts):
        for ip in addresses:
            cls = address_class(ip)
            if cls is not None:
                raise RefusedInput(f"refused: {cls} address", detail=f"{target.host} -> {ip}")
    return addresses


def check_url(url: str, allow_hosts: AbstractSet[str] = frozenset()) -> Target:
    """Validate a URL and its addresses as `fetch` would, without connecting (form feedback)."""
    target = parse_target(url)
    resolve(target, allow_hosts)
    return target


# --- fetching ---------------------------------------------------------------------------


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """Split a Content-Type header into (media type, charset)."""
    if not value:
        return None, None
    media, _, params = value.partition(";")
    charset = None
    for param in params.split(";"):
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").strip() or None
    return media.strip().lower() or None, charset


def fetch(
    url: str,
    *,
    allow_hosts: AbstractSet[str] = frozenset(),
    max_bytes: int = 10 * 1024 * 1024,
    timeout: float = 15.0,
    max_redirects: int = 5,
    user_agent: str = DEFAULT_USER_AGENT,
    accept_types: frozenset[str] | None = HTML_TYPES,
    ca_certs: str | None = None,
) -> FetchResult:
    """GET `url` and return the decoded-transfer (but not charset-decoded) body.

    `timeout` bounds the whole fetch, redirects included. `accept_types` lists the media
    types accepted (checked before the body is read; None accepts anything, and a response
    without Content-Type is always accepted and left to content sniffing). `ca_certs` is a CA
    bundle path for TLS verification (default: the system store).
    Raises `IngestError` (final) or `TransientFetchError` (worth retrying).
    """
    deadline = time.monotonic() + timeout
    headers = {
        "User-Agent": user_agent,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
        "Accept-Encoding": "gzip, deflate",
    }
    redirects = 0
    while True:
        target = parse_target(url)
        addresses = resolve(target, allow_hosts)
        response, pool = _open(target, addresses, headers, deadline, ca_certs)
        try:
            status = response.status
            if status in REDIRECT_STATUSES:
                location = response.headers.get("Location")
                if not location:
                    raise IngestError(f"HTTP {status} without Location")
                if redirects >= max_redirects:
                    raise IngestError("too many redirects")
                redirects += 1
                url = urljoin(target.url, _header_text(location).strip())
                continue
            if status == 429 or status >= 500:
                raise TransientFetchError(
                    f"HTTP {status}",
                    retry_after=_retry_after(response.headers.get("Retry-After")),
                )
            if not 200 <= status < 300:
                raise IngestError(f"HTTP {status}")
            content_type, charset = parse_content_type(response.headers.get("Content-Type"))
            if accept_types is not None and content_type and content_type not in accept_types:
                # the type is server-controlled: name it only if it looks like one
                shown = f" ({content_type})" if _MEDIA_TYPE.fullmatch(content_type) else ""
                raise IngestError(f"{_refusal(accept_types)}{shown}")
            body = _read_body(response, max_bytes, deadline)
            if not body:
                raise IngestError("empty response")
            return FetchResult(target.url, status, content_type, charset, body)
        finally:
            response.release_conn()
            response.close()
            pool.close()


def _refusal(accept_types: frozenset[str]) -> str:
    """What a refused media type is not: HTML, or HTML or PDF when PDFs are accepted."""
    return "not HTML or PDF" if accept_types & PDF_TYPES else "not HTML"


def is_pdf(content_type: str | None, body: bytes) -> bool:
    """Whether a fetched body is a PDF: by its magic bytes, or because it is declared one."""
    return body.lstrip()[:5] == b"%PDF-" or content_type in PDF_TYPES


def _open(
    target: Target,
    addresses: list[IPAddress],
    headers: dict[str, str],
    deadline: float,
    ca_certs: str | None,
) -> tuple[urllib3.BaseHTTPResponse, urllib3.HTTPConnectionPool]:
    """Send the request to the first judged address that accepts a connection."""
    last_error: IngestError | None = None
    for ip in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TransientFetchError("timed out")
        pool_timeout = urllib3.Timeout(connect=remaining, read=remaining)
        pool: urllib3.HTTPConnectionPool
        if target.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                str(ip),
                target.port,
                timeout=pool_timeout,
                maxsize=1,
                retries=False,
                cert_reqs="CERT_REQUIRED",
                ca_certs=ca_certs,
                server_hostname=target.host,
                assert_hostname=target.host,
            )
        else:
            pool = urllib3.HTTPConnectionPool(
                str(ip), target.port, timeout=pool_timeout, maxsize=1, retries=False
            )
        try:
            response = pool.urlopen(
                "GET",
                target.request_target,
                headers={**headers, "Host": target.host_header},
                retries=False,
                redirect=False,
                assert_same_host=False,
                preload_content=False,
                decode_content=True,
                release_conn=False,
            )
        except Exception as exc:
            pool.close()
            error = _translate(exc)
            if isinstance(exc, NewConnectionError | ConnectionRefusedError):
                last_error = error  # try the next address
                continue
            raise error from None
        return response, pool
    assert last_error is not None
    raise last_error


def _read_body(response: urllib3.BaseHTTPResponse, max_bytes: int, deadline: float) -> bytes:
    length = response.headers.get("Content-Length", "").strip()
    if length.isascii() and length.isdigit() and int(length) > max_bytes:
        raise IngestError("too large", detail=f"Content-Length {length}")
    sock = getattr(response.connection, "sock", None)
    body = bytearray()
    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TransientFetchError("timed out")
            if sock is not None:
                # a per-read timeout alone lets a server drip one byte at a time forever
                sock.settimeout(remaining)
            # read1 returns what has arrived instead of waiting to fill the chunk;
            # urllib3 >= 2.6 bounds the decompressed size of each call (gzip bombs)
            chunk = response.read1(_CHUNK)
            if not chunk:
                break
            body += chunk
            if len(body) > max_bytes:
                raise IngestError("too large")
    except IngestError:
        raise
    except Exception as exc:
        raise _translate(exc) from None
    return bytes(body)


def _translate(exc: BaseException) -> IngestError:
    """Map a urllib3/socket exception to a user-facing error."""
    if isinstance(exc, MaxRetryError) and exc.reason is not None:
        exc = exc.reason
    detail = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, SSLError):
        return IngestError("TLS error", detail=detail)
    if isinstance(exc, NewConnectionError | ConnectionError):
        return TransientFetchError("connection failed", detail=detail)
    if isinstance(exc, Urllib3TimeoutError | socket.timeout | TimeoutError):
        return TransientFetchError("timed out", detail=detail)
    if isinstance(exc, DecodeError):
        return IngestError("bad content encoding", detail=detail)
    if isinstance(exc, LocationParseError):
        return IngestError("invalid URL", detail=detail)
    if isinstance(exc, ProtocolError | HTTPError | OSError):
        return TransientFetchError("connection failed", detail=detail)
    return IngestError("fetch failed", detail=detail)


def _header_text(value: str) -> str:
    """http.client decodes headers as Latin-1; undo that for UTF-8 Location headers."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():  # "²".isdigit() is true too
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())

"""Newsletters received by e-mail: .eml files and .mbox mailboxes (the standard library's
`email` package).

A message becomes one article: its HTML part (else its text part) as text, the sender's name
as outlet, the subject as title, the date as published date; sender, subject, date and
message id are kept as provenance. Tracking links and the mailing footer ("unsubscribe",
"view in browser", "you are receiving this") are removed (sources.extraction.boilerplate).
Each part is decoded with its declared charset checked against its bytes, as web pages are
(sources.fetching.decode).
"""

from __future__ import annotations

import email
import re
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from sources.errors import IngestError
from sources.extraction.extract import Extracted
from sources.fetching.decode import decode_bytes, decode_html_bytes, encoding_label
from sources.text import canonicalize

MAX_MESSAGES = 500
_MBOX_SEPARATOR = re.compile(rb"(?:\A|\n)From [^\n]*\n")
_BLOCKS = {
    "p", "div", "td", "th", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
    "section", "article", "tr", "table", "ul", "ol", "center", "header", "footer", "main",
}  # fmt: skip
_DROP = {"script", "style", "head", "title", "noscript", "template", "svg"}
# links that count clicks or opens, however the mailing service spells them
_TRACKING_URL = re.compile(
    r"https?://[^\s<>\"')\]]*(?:/click|/track|/open|/ls/|/c/|/e/|utm_|mc_eid|list-manage\.com|"
    r"mailchi\.mp|sendgrid\.net|mailgun|substack\.com/redirect|/redirect|r\.[a-z0-9-]+\.[a-z]+/)"
    r"[^\s<>\"')\]]*",
    re.I,
)
_BRACKETED_URL = re.compile(r"\s*<https?://[^>\s]+>")
_BARE_URL_LINE = re.compile(r"^\s*\(?https?://\S+\)?\s*$")


def split_mbox(data: bytes) -> list[bytes]:
    """The raw messages of an mbox file (mboxo/mboxrd "From " lines)."""
    if not data.startswith(b"From "):
        raise IngestError("not an mbox file (it must start with a “From ” line)")
    parts = _MBOX_SEPARATOR.split(data)
    messages = [part for part in parts if part.strip()]
    if len(messages) > MAX_MESSAGES:
        raise IngestError(f"mbox has more than {MAX_MESSAGES} messages")
    # mboxrd quotes body lines starting with "From " as ">From "
    return [re.sub(rb"(?m)^>(>*From )", rb"\1", message) for message in messages]


def message_subject(raw: bytes) -> str:
    message = email.message_from_bytes(raw, policy=policy.default)
    return " ".join(str(message.get("Subject", "")).split())


def extract_email(raw: bytes, chosen_encoding: str | None = None) -> Extracted:
    """Extract one e-mail message. Raises IngestError (and EncodingUnsure for a part whose
    charset the bytes cannot settle)."""
    if not raw.strip():
        raise IngestError("empty file")
    message = email.message_from_bytes(raw, policy=policy.default)
    if not isinstance(message, EmailMessage) or not (message["From"] or message["Subject"]):
        raise IngestError("not an e-mail message (no From or Subject header)")
    text, encoding = _body_text(message, chosen_encoding)
    text = canonicalize(text)
    if not text:
        raise IngestError("the message has no text")
    sender_name, sender_address = _sender(message)
    subject = " ".join(str(message.get("Subject", "")).split())
    date = _date(message)
    provenance = {
        "format": "email",
        "email": {
            "from": str(message.get("From", "")),
            "address": sender_address,
            "subject": subject,
            "date": date.isoformat() if date else "",
            "message_id": str(message.get("Message-ID", "")).strip(),
        },
    }
    if encoding:
        provenance["encoding"] = encoding_label(encoding)
        provenance["encoding_codec"] = encoding
    return Extracted(
        text=text,
        title=subject or None,
        outlet=sender_name or sender_address or None,
        date=date.date() if date else None,
        provenance=provenance,
    )


def outlet_key_for_email(raw: bytes) -> str:
    """The sender's address: what recurs across one newsletter's issues."""
    message = email.message_from_bytes(raw, policy=policy.default)
    return _sender(message)[1]


def _sender(message: EmailMessage) -> tuple[str, str]:
    addresses = getaddresses([str(message.get("From", ""))])
    if not addresses:
        return "", ""
    name, address = addresses[0]
    return " ".join(name.split()), address.lower()


def _date(message: EmailMessage):
    value = message.get("Date")
    if not value:
        return None
    try:
        return parsedate_to_datetime(str(value))
    except (TypeError, ValueError, IndexError):
        return None


def _body_text(message: EmailMessage, chosen: str | None) -> tuple[str, str | None]:
    part = message.get_body(preferencelist=("html", "plain"))
    if part is None:
        raise IngestError("the message has no text or HTML part")
    data = part.get_payload(decode=True) or b""
    charset = part.get_content_charset()
    if part.get_content_subtype() == "html":
        decoded = decode_html_bytes(data, charset, chosen)
        return html_to_text(decoded.text), decoded.encoding
    declared = [c for c in [_codec_or_none(charset)] if c]
    decoded = decode_bytes(data, declared, chosen)
    return plain_to_text(decoded.text), decoded.encoding


def _codec_or_none(charset: str | None) -> str | None:
    from sources.fetching.decode import normalize_codec

    return normalize_codec(charset)


def html_to_text(html: str) -> str:
    """Newsletter HTML (table layouts) as paragraphs: one per innermost block."""
    import lxml.html  # here, not at the top: web processes import this module (sources.inputs)
    from lxml import etree  # and need no lxml (tests/test_web_imports.py)

    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        raise IngestError("the message's HTML cannot be read") from None
    # images: tracking pixels and banners, no text
    for element in [*root.iter(*_DROP, "img")]:
        if element.getparent() is not None:
            element.drop_tree()
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    paragraphs: list[str] = []
    for element in root.iter(*_BLOCKS):
        if any(child.tag in _BLOCKS for child in element.iterdescendants()):
            # text directly inside a wrapper (between its blocks) is still text
            own = " ".join(
                t.strip() for t in [element.text or ""] + [c.tail or "" for c in element]
            )
            if own.strip():
                paragraphs.append(own)
            continue
        paragraphs.append(element.text_content())
    lines = []
    for paragraph in paragraphs:
        for line in paragraph.split("\n"):
            line = " ".join(_TRACKING_URL.sub("", line).split())
            if line:
                lines.append(line)
    return "\n\n".join(lines)


def plain_to_text(text: str) -> str:
    """A plain-text newsletter: tracking and bracketed links dropped, paragraphs kept."""
    text = _BRACKETED_URL.sub("", text)
    text = _TRACKING_URL.sub("", text)
    paragraphs = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n")):
        # lines wrapped at 72 characters belong to one paragraph
        lines = [line.strip() for line in block.split("\n") if not _BARE_URL_LINE.match(line)]
        paragraph = " ".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)

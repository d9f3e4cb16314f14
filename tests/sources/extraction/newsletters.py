"""Newsletter e-mails for the tests, built with the standard library as mail clients save
them (.eml) and as mailboxes hold them (.mbox)."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime

SENDER = "The Caspian Brief <brief@caspianbrief.example>"
SUBJECT = "Issue 41: Tehran, Moscow and the Caspian drills"
DATE = dt.datetime(2025, 3, 14, 7, 30, tzinfo=dt.UTC)

ARTICLE = [
    "Good morning. This week the navies of Iran and Russia closed their largest joint "
    "exercise in the Caspian Sea, and officials in both capitals called it a routine drill.",
    "Analysts in Baku were less sure. Several pointed to the presence of two Russian "
    "corvettes that had not taken part in earlier rounds of the exercise.",
    "Iran's defence ministry said a further round would follow in the autumn, without "
    "naming the ships that would take part.",
]
PROMOS = [
    "View this email in your browser",
    "Advertisement",
    "Sponsored: Try the Gulf Risk Monitor free for 30 days",
    "Forward this issue to a colleague who would enjoy it",
    "Follow me on Mastodon for daily updates",
    "Tags: Iran, Russia, Caspian, naval drills",
    "You are receiving this email because you subscribed to The Caspian Brief.",
    "Unsubscribe | Update your preferences",
]
TRACKER = "https://click.caspianbrief.example/ls/click?upn=8f2a9c&utm_source=newsletter"


def html_body() -> str:
    rows = [
        f'<tr><td><a href="{TRACKER}">{PROMOS[0]}</a></td></tr>',
        f"<tr><td><p>{ARTICLE[0]}</p></td></tr>",
        f"<tr><td><p>{PROMOS[1]}</p><p><a href='{TRACKER}'>{PROMOS[2]}</a></p></td></tr>",
        f'<tr><td><p>{ARTICLE[1]} <a href="{TRACKER}">Read the report</a>.</p></td></tr>',
        f"<tr><td><p>{PROMOS[3]}</p></td></tr>",
        f"<tr><td><p>{ARTICLE[2]}</p><p>{PROMOS[4]}</p><p>{PROMOS[5]}</p></td></tr>",
        f"<tr><td><small>{PROMOS[6]}<br><a href='{TRACKER}'>Unsubscribe</a> | "
        f"<a href='{TRACKER}'>Update your preferences</a></small></td></tr>",
        f'<tr><td><img src="{TRACKER}&open=1" width="1" height="1" alt=""></td></tr>',
    ]
    return "<html><body><table>" + "".join(rows) + "</table></body></html>"


# the text a reader gets: the article, with the link text "Read the report" kept
EXPECTED = "\n\n".join([ARTICLE[0], f"{ARTICLE[1]} Read the report.", ARTICLE[2]])


def newsletter(*, html: bool = True) -> bytes:
    message = EmailMessage()
    message["From"] = SENDER
    message["To"] = "researcher@university.example"
    message["Subject"] = SUBJECT
    message["Date"] = format_datetime(DATE)
    message["Message-ID"] = "<issue-41@caspianbrief.example>"
    plain = "\n\n".join(
        [ARTICLE[0], f"{ARTICLE[1]} Read the report <{TRACKER}>.", ARTICLE[2], *PROMOS[3:]]
    )
    message.set_content(plain)
    if html:
        message.add_alternative(html_body(), subtype="html")
    return bytes(message)


RUSSIAN = (
    "Министр обороны Ирана заявил, что следующий этап учений пройдёт осенью. "
    "Корабли Каспийской флотилии уже вернулись в Астрахань."
)


def russian_plain(declared: str) -> bytes:
    """A windows-1251 plain-text message whose charset header says `declared`."""
    head = (
        f"From: Kaspiy Daily <daily@kaspiy.example>\r\nSubject: Caspian\r\n"
        f"Date: Fri, 14 Mar 2025 07:30:00 +0000\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset={declared}\r\n"
        f"Content-Transfer-Encoding: 8bit\r\n\r\n"
    )
    return head.encode("ascii") + RUSSIAN.encode("cp1251") + b"\r\n"


def mbox(*messages: bytes) -> bytes:
    out = b""
    for message in messages:
        out += b"From brief@caspianbrief.example Fri Mar 14 07:30:00 2025\n"
        out += message.replace(b"\r\n", b"\n").rstrip(b"\n") + b"\n\n"
    return out

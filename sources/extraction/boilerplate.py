"""Lines that are not the article: inline promos, prompts and footers, and lines an outlet
repeats on every piece.

Two kinds are removed before a text is stored, each listed in the source's provenance with
why (`Removal`):

* the usual inline lines, in the languages of the study (English, Russian, Chinese,
  Persian, Korean): "Advertisement" labels, promoted headlines, "Read more: ...", subscribe,
  forward-this-issue, follow-me and share prompts, topic-tag lines, mailing footers and
  copyright lines. A pattern only ever matches a short line standing alone (a paragraph of
  its own), from its start, so a sentence that mentions subscribing is kept;
* lines of the outlet: those a PI marked as boilerplate for the outlet, and those that
  recur in several earlier sources of the same outlet (site or newsletter sender), see
  sources.boilerplate_rules.

Removal works on whole paragraphs (lines separated by a blank line) of canonical text.
"""

# ruff: noqa: RUF001 (the patterns are in the scripts of the study)

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

# a promo line is short; CJK characters count double (sources.extraction.extract._width)
MAX_PROMO_WIDTH = 160

_SEP = r"\s*(?:[:：\-–—|>»›→]|$)"
_PATTERNS: list[tuple[str, str]] = [
    (
        "advertisement label or promoted headline",
        r"^(?:advertisement|advertising|ad|sponsored(?: content| post)?|promoted(?: content)?|"
        r"paid (?:post|content)|partner content|реклама|на правах рекламы|партн[её]рский "
        r"материал|广告|廣告|推广|推廣|赞助内容|تبلیغات|آگهی|رپرتاژ|광고|협찬)" + _SEP,
    ),
    (
        "read-more or related link",
        r"^(?:read (?:more|also|next)|see also|related(?: articles?| stories| coverage| reading)?|"
        r"more on this(?: story)?|recommended(?: for you)?|you (?:may|might) also like|"
        r"don'?t miss|читайте (?:также|ещё|еще)|читать (?:далее|также)|по теме|см\. также|"
        r"相关阅读|相關閱讀|延伸阅读|延伸閱讀|阅读更多|閱讀更多|推荐阅读|推薦閱讀|"
        r"بیشتر بخوانید|بخوانید|مطالب مرتبط|مطلب مرتبط|관련\s?기사|더\s?보기|함께 보면 좋은 기사)"
        + _SEP,
    ),
    (
        "subscribe prompt",
        r"^(?:subscribe|sign up|get (?:our|the) newsletter|join (?:our|the) (?:mailing list|"
        r"newsletter)|become a (?:paid )?subscriber|upgrade to paid|подпишитесь|"
        r"подписаться|订阅|訂閱|点击订阅|點擊訂閱|عضو شوید|مشترک شوید|구독(?:하기|하세요)?)\b",
    ),
    (
        "forward prompt",
        r"^(?:forward(?:ed)? this|was this (?:email |newsletter |issue )?forwarded to you|"
        r"know someone who|share this (?:newsletter|issue|email)|перешлите)",
    ),
    (
        "follow prompt",
        r"^(?:follow (?:me|us)\b|find (?:me|us) on|connect with (?:me|us)|"
        r"подписывайтесь на (?:нас|наш)|следите за (?:нами|новостями)|关注我们|關注我們|"
        r"ما را (?:در .{1,30})?دنبال کنید|팔로우)",
    ),
    (
        "share prompt",
        r"^(?:share(?: this)?(?: article| story| post)?|tweet this|click to share|"
        r"поделиться|分享到|分享|اشتراک\u200c?گذاری|공유하기)" + _SEP,
    ),
    (
        "topic tags",
        r"^(?:tags?|topics?|filed under|categories|keywords|теги|темы|метки|标签|標籤|关键词|"
        r"關鍵字|برچسب\u200c?ها|کلیدواژه\u200c?ها|태그|키워드)\s*[:：]",
    ),
    (
        "mailing footer",
        r"(?:unsubscribe|view (?:this email |it )?in (?:your |a )?browser|manage (?:your )?"
        r"(?:subscription|preferences)|update your (?:email )?preferences|you(?:'re| are) "
        r"receiving this|отписаться|退订|退訂|لغو اشتراک|수신\s?거부)",
    ),
    (
        "copyright line",
        r"^(?:©|\(c\)|copyright\b|ⓒ|<ⓒ|版权所有|版權所有|все права защищены|"
        r"تمامی حقوق)|무단\s?전재|재배포\s?금지",
    ),
]
_COMPILED = [(why, re.compile(pattern, re.I)) for why, pattern in _PATTERNS]
_WIDE = re.compile("[\u1100-\u11ff\u2e80-\u9fff\uac00-\ud7a3\uf900-\ufaff\uff00-\uffef]")


@dataclass(frozen=True)
class Removal:
    text: str
    why: str
    at: int  # code-point offset in the stored text where the line stood
    was: int  # its offset in the text before removal


def width(line: str) -> int:
    return len(line) + len(_WIDE.findall(line))


def promo_reason(line: str) -> str | None:
    """Why this paragraph is an inline promo, prompt or footer; None if it is not."""
    line = line.strip()
    if not line or width(line) > MAX_PROMO_WIDTH:
        return None
    for why, pattern in _COMPILED:
        if pattern.search(line):
            return why
    return None


def normalize_line(line: str) -> str:
    """The form lines are compared in across sources: case and spacing ignored."""
    return " ".join(line.split()).casefold()


def strip_boilerplate(
    text: str,
    *,
    outlet_lines: Iterable[str] = (),
    is_recurring: Callable[[str], bool] | None = None,
) -> tuple[str, list[Removal]]:
    """Remove boilerplate paragraphs from canonical text.

    `outlet_lines` are normalized lines marked for the outlet; `is_recurring(line)` says
    whether a line recurs across the outlet's earlier sources. Returns the new text and
    what was removed, with where (offsets in the new text).
    """
    marked = set(outlet_lines)
    kept: list[str] = []
    removed: list[Removal] = []
    position = 0  # length of the kept text so far, separators included
    original = 0  # offset of the paragraph in `text`
    for paragraph in text.split("\n\n"):
        was, original = original, original + len(paragraph) + 2
        key = normalize_line(paragraph)
        why = None
        if key in marked:
            why = "marked as boilerplate for this outlet"
        elif (reason := promo_reason(paragraph)) is not None:
            why = reason
        elif (
            is_recurring is not None
            and width(paragraph) <= 2 * MAX_PROMO_WIDTH
            and (is_recurring(key))
        ):
            why = "recurs in earlier sources of this outlet"
        if why is None:
            position += (2 if kept else 0) + len(paragraph)
            kept.append(paragraph)
        else:
            removed.append(Removal(paragraph, why, position + (2 if kept else 0), was))
    return "\n\n".join(kept), removed

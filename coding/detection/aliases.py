# ruff: noqa: RUF001, RUF002 (Cyrillic, Persian and CJK text on purpose)
"""Actor aliases as data, and the regular expression that finds one alias in text.

An actor's aliases are stored on the codebook's Actor as ``{"en": [...], "ru": [...], ...}``.
The shipped names for the default codebook's actors are in coding/data/actor_aliases.json.

How an alias matches (all pure string logic, no Django):

- Text and aliases are *folded* one code point for one code point (so offsets never move):
  Arabic yeh/kaf/alef forms to their Persian forms, teh marbuta and heh with hamza to heh,
  ё to е. Matching is case-insensitive, except all-capital abbreviations of up to five
  letters (PLA, DPRK, КНДР, ФСБ), which match with their case.
- Words of an alias may be separated in the text by spaces, hyphens or a ZWNJ (U+200C); in
  Persian the separator may also be missing (جین‌پینگ, جین پینگ and جینپینگ are one name).
- Latin and Cyrillic aliases start and end at a word boundary; Latin ones allow a plural "s".
  Russian words are matched by their stem with up to four Cyrillic letters of ending, so
  Россия, России and Россией, or российский and российского, are all one alias.
- Persian aliases allow the usual suffixes (ی, ای, ها, های, ان, یان), with or without ZWNJ.
- Chinese (Han) aliases have no word boundaries; Korean aliases must start a word but may be
  followed by particles or other syllables (러시아는, 북한과, 북한군).
- Compounds naming two or more states at once (中俄, 俄中, 中朝, 북러, 한러, 북·중) are made of
  one-character forms stored apart from the names ("zh_short", "ko_short"): such a character
  counts only inside a compound, so 中 in 中国人 or 其中 is not China
  (coding.detection.detector reports each state at its own code point).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path

LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("ru", "Russian"),
    ("zh", "Chinese"),
    ("fa", "Persian"),
    ("ko", "Korean"),
)
LANGUAGE_CODES = tuple(code for code, _ in LANGUAGES)
# one-character forms that name a state only inside a compound of two or more (中俄, 북러)
COMPOUND_FORMS: tuple[tuple[str, str], ...] = (
    ("zh_short", "Chinese, in compounds (中俄)"),
    ("ko_short", "Korean, in compounds (북러)"),
)
COMPOUND_CODES = tuple(code for code, _ in COMPOUND_FORMS)
ALIAS_FIELDS = LANGUAGES + COMPOUND_FORMS
SHIPPED_ALIASES_PATH = Path(__file__).resolve().parent.parent / "data" / "actor_aliases.json"

ZWNJ = "\u200c"
# one code point for one code point, so folded offsets are the text's offsets
FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Persian yeh
        "\u0649": "\u06cc",  # alef maksura -> Persian yeh
        "\u0643": "\u06a9",  # Arabic kaf -> Persian keheh
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06c0": "\u0647",  # heh with yeh above (ezafe) -> heh
        "\u0623": "\u0627",  # alef with hamza above -> alef
        "\u0625": "\u0627",  # alef with hamza below -> alef
        "\u0671": "\u0627",  # alef wasla -> alef
        "ё": "е",
        "Ё": "Е",
    }
)
SEPARATORS = re.compile(r"[\s\u200c\u00a0\-\u2010\u2011]+")
RU_ADJECTIVE_ENDINGS = ("ий", "ый", "ой", "ая", "яя", "ое", "ее", "ие", "ые")
RU_FINAL_LETTERS = "аеиоуыэюяйь"
RU_ENDING = "[а-яё]{0,4}"
FA_SUFFIX = "(?:\u200c?(?:ها|های|ی|ای|ان|یان))?"
BETWEEN_WORDS = r"[\s\u200c\u00a0\-\u2010\u2011]+"
BETWEEN_WORDS_FA = r"[\s\u200c\u00a0\-]?"


def fold(text: str) -> str:
    """The text with letter variants unified; same length, same offsets."""
    return text.translate(FOLD)


def script_of(alias: str) -> str:
    """'latin', 'cyrillic', 'arabic', 'han', 'hangul' (by the first letter) or 'other'."""
    for char in alias:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for script in ("LATIN", "CYRILLIC", "ARABIC", "HANGUL"):
            if name.startswith(script):
                return script.lower()
        if name.startswith(("CJK", "HIRAGANA", "KATAKANA")):
            return "han"
        return "other"
    return "other"


def is_abbreviation(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return 2 <= len(letters) <= 5 and all(c.isupper() for c in letters)


def russian_stem(word: str) -> str:
    """The part of a Russian word that does not change with case and number."""
    lower = word.lower()
    if len(word) <= 3 or is_abbreviation(word):
        return word
    for ending in RU_ADJECTIVE_ENDINGS:
        if lower.endswith(ending) and len(word) - 2 >= 3:
            return word[:-2]
    if lower[-1] in RU_FINAL_LETTERS and len(word) - 1 >= 3:
        return word[:-1]
    return word


def _word_pattern(word: str, script: str) -> str:
    if is_abbreviation(word):
        return f"(?-i:{re.escape(word)})"
    if script == "cyrillic" and len(word) > 3:
        return re.escape(russian_stem(word)) + RU_ENDING
    return re.escape(word)


def alias_pattern(alias: str) -> str | None:
    """The regular expression (no groups) for one alias, or None for an empty alias."""
    alias = fold(unicodedata.normalize("NFC", alias.strip()))
    words = [w for w in SEPARATORS.split(alias) if w]
    if not words:
        return None
    script = script_of(alias)
    joiner = BETWEEN_WORDS_FA if script == "arabic" else BETWEEN_WORDS
    body = joiner.join(_word_pattern(w, script) for w in words)
    if script == "han":
        return body
    start = r"(?<!\w)"
    if script == "hangul":
        return start + body
    if script == "latin":
        plural = "" if is_abbreviation(words[-1]) else "(?:s|es)?"
        return start + body + plural + r"(?!\w)"
    if script == "arabic":
        return start + body + FA_SUFFIX + r"(?!\w)"
    return start + body + r"(?!\w)"


def clean_aliases(aliases: Mapping[str, Iterable[str]] | None) -> dict[str, list[str]]:
    """Aliases by language as stored: known languages (and compound forms) only, trimmed,
    without duplicates."""
    cleaned: dict[str, list[str]] = {}
    for code, _ in ALIAS_FIELDS:
        seen: list[str] = []
        for alias in (aliases or {}).get(code, []) or []:
            alias = unicodedata.normalize("NFC", str(alias)).strip()
            if alias and alias not in seen:
                seen.append(alias)
        if seen:
            cleaned[code] = seen
    return cleaned


# a semicolon as Latin, Persian/Arabic (U+061B) and Chinese (U+FF1B, full width) keyboards type it
ALIAS_SEPARATORS = re.compile("[;\u061b\uff1b]")


def parse_alias_lines(text: str) -> list[str]:
    """One alias a line (or separated by semicolons), as typed by a PI in a form."""
    parts = (part.strip() for line in text.splitlines() for part in ALIAS_SEPARATORS.split(line))
    return [part for part in parts if part]


def _shipped_data() -> dict:
    return json.loads(SHIPPED_ALIASES_PATH.read_text(encoding="utf-8"))


def load_shipped_aliases() -> dict[str, dict[str, list[str]]]:
    """The shipped aliases by ISO3, then language."""
    return {
        iso3: clean_aliases(by_language)
        for iso3, by_language in _shipped_data().items()
        if len(iso3) == 3 and not iso3.startswith("_")
    }


@lru_cache(maxsize=1)
def compound_partners() -> frozenset[str]:
    """One-character forms of states that are not actors of the default codebook (한, 美):
    they complete a compound (한러 is Russia at 러) but are never reported themselves."""
    partners = _shipped_data().get("_compound_partners", {})
    return frozenset(
        fold(c) for code in COMPOUND_CODES for c in partners.get(code, []) if len(c) == 1
    )


@lru_cache(maxsize=1)
def not_compounds() -> tuple[str, ...]:
    """Words that look like compounds but are not (美中不足, 中心, 伊斯兰, 북중미)."""
    return tuple(fold(w) for w in _shipped_data().get("_not_compounds", {}).get("words", []))


def compound_forms(aliases: Mapping[str, Iterable[str]] | None) -> list[str]:
    """An actor's one-character compound forms (中, 俄, 북...), folded."""
    cleaned = clean_aliases(aliases)
    return [fold(c) for code in COMPOUND_CODES for c in cleaned.get(code, []) if len(c) == 1]


def merge_aliases(
    current: Mapping[str, Iterable[str]] | None, added: Mapping[str, Iterable[str]]
) -> dict[str, list[str]]:
    """`current` with the aliases of `added` appended where missing (nothing is removed)."""
    merged = {code: list(names) for code, names in clean_aliases(current).items()}
    for code, names in clean_aliases(added).items():
        target = merged.setdefault(code, [])
        target.extend(name for name in names if name not in target)
    return clean_aliases(merged)

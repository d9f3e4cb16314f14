"""Finding actors in a source's text: one compiled regular expression per set of aliases.

Each alias is one small regular expression (coding.detection.aliases); at every position the
longest alias that matches wins (so 白俄罗斯 is Belarus and not Russia, and "Russian
Federation" wins over "Russian"). The expressions run over the folded text (same length as the
text), so the spans returned are code-point offsets into the stored text.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from coding.detection.aliases import alias_pattern, clean_aliases, fold


@dataclass(frozen=True, order=True)
class Mention:
    """An actor named in the text, from `start` (included) to `end` (excluded), in code points."""

    start: int
    end: int
    iso3: str

    def as_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "iso3": self.iso3}


# where an alias can start: a word's first character, or any Han character (no word breaks)
STARTS = re.compile(r"(?<!\w)\w|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class Detector:
    """Finds the aliases of actors (ISO3 -> aliases by language, or a flat list) in text.

    One big alternation of a few hundred aliases is slow in Python's `re` (it tries every
    branch at every position: ~1 s for 10,000 characters), so each alias is compiled on its
    own and indexed by its first two letters (lower-cased, folded); only positions where an
    alias can start (a word's start, any Han character) are visited, and only the aliases
    sharing that position's two letters are tried there.
    """

    def __init__(self, aliases: Mapping[str, Mapping[str, Iterable[str]] | Iterable[str]]):
        by_pattern: dict[str, tuple[str, str]] = {}
        for iso3, names in aliases.items():
            if isinstance(names, Mapping):
                names = [n for group in clean_aliases(names).values() for n in group]
            for name in names:
                pattern = alias_pattern(name)
                if pattern and pattern not in by_pattern:
                    by_pattern[pattern] = (iso3, name)
        self.iso3s = sorted({iso3 for iso3, _ in by_pattern.values()})
        self._by_prefix: dict[str, list[tuple[re.Pattern, str]]] = {}
        for pattern, (iso3, name) in by_pattern.items():
            key = _lower(fold(unicodedata.normalize("NFC", name.strip())))[:2]
            if len(key) == 2 and not key[1].isalpha():
                key = key[:1]
            self._by_prefix.setdefault(key, []).append((re.compile(pattern, re.IGNORECASE), iso3))

    def find(self, text: str) -> list[Mention]:
        """Every mention in reading order: at each position the longest alias that matches;
        mentions never overlap."""
        if not self._by_prefix or not text:
            return []
        folded = fold(text)
        lowered = _lower(folded)
        index = self._by_prefix
        found: list[Mention] = []
        after = 0  # mentions never overlap: skip starts inside the last one
        for start in STARTS.finditer(folded):
            i = start.start()
            if i < after:
                continue
            best_end, best_iso3 = -1, ""
            for key in (lowered[i : i + 2], lowered[i]):
                for regex, iso3 in index.get(key, ()):
                    match = regex.match(folded, i)
                    if match is not None and match.end() > best_end:
                        best_end, best_iso3 = match.end(), iso3
            if best_end > i:
                found.append(Mention(i, best_end, best_iso3))
                after = best_end
        return found

    def count(self, text: str) -> Counter:
        """Mentions per ISO3."""
        return Counter(m.iso3 for m in self.find(text))


def _lower(text: str) -> str:
    """Lower case, one code point for one (a letter whose lower case is longer stays)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def aliases_key(aliases: Mapping[str, Mapping[str, Iterable[str]]]) -> tuple:
    """A hashable, order-independent form of aliases by actor and language."""
    return tuple(
        sorted(
            (iso3, tuple((code, tuple(names)) for code, names in sorted(clean_aliases(by).items())))
            for iso3, by in aliases.items()
        )
    )


@lru_cache(maxsize=64)
def _cached(key: tuple) -> Detector:
    return Detector({iso3: {code: list(names) for code, names in langs} for iso3, langs in key})


def detector_for(aliases: Mapping[str, Mapping[str, Iterable[str]]]) -> Detector:
    """The detector for these aliases, compiled once and reused while they do not change."""
    return _cached(aliases_key(aliases))

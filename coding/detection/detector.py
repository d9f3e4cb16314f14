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

from coding.detection.aliases import (
    LANGUAGE_CODES,
    alias_pattern,
    clean_aliases,
    compound_forms,
    compound_partners,
    fold,
    not_compounds,
)


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
# may stand between the states of a compound: 북·러, 中・俄
COMPOUND_JOINERS = "\u00b7\u30fb\u2027\u2022"


class Detector:
    """Finds the aliases of actors (ISO3 -> aliases by language, or a flat list) in text.

    One big alternation of a few hundred aliases is slow in Python's `re` (it tries every
    branch at every position: ~1 s for 10,000 characters), so each alias is compiled on its
    own and indexed by its first two letters (lower-cased, folded); only positions where an
    alias can start (a word's start, any Han character) are visited, and only the aliases
    sharing that position's two letters are tried there.


    Compounds (中俄, 북러): a run of two or more one-character forms of distinct states
    (the actors' "zh_short" / "ko_short" aliases, plus partners that are not actors such as 한
    or 美), where no full name starts, gives one mention per actor at its own code point. A
    Korean compound must start a word; a compound overlapping a listed non-compound word
    (中心, 伊斯兰, 북중미) is ignored.
    """

    def __init__(self, aliases: Mapping[str, Mapping[str, Iterable[str]] | Iterable[str]]):
        by_pattern: dict[str, tuple[str, str]] = {}
        # one-character form -> ISO3 ("" for a partner that is not an actor)
        self._compound: dict[str, str] = dict.fromkeys(compound_partners(), "")
        self._not_compounds = not_compounds()
        for iso3, names in aliases.items():
            if isinstance(names, Mapping):
                cleaned = clean_aliases(names)
                for char in compound_forms(cleaned):
                    self._compound[char] = iso3
                names = [n for code in LANGUAGE_CODES for n in cleaned.get(code, [])]
            for name in names:
                pattern = alias_pattern(name)
                if pattern and pattern not in by_pattern:
                    by_pattern[pattern] = (iso3, name)
        self.iso3s = sorted(
            {iso3 for iso3, _ in by_pattern.values()} | {i for i in self._compound.values() if i}
        )
        self._by_prefix: dict[str, list[tuple[re.Pattern, str]]] = {}
        for pattern, (iso3, name) in by_pattern.items():
            key = _lower(fold(unicodedata.normalize("NFC", name.strip())))[:2]
            if len(key) == 2 and not key[1].isalpha():
                key = key[:1]
            self._by_prefix.setdefault(key, []).append((re.compile(pattern, re.IGNORECASE), iso3))

    def find(self, text: str) -> list[Mention]:
        """Every mention in reading order: at each position the longest alias that matches;
        mentions never overlap."""
        if not (self._by_prefix or self._compound) or not text:
            return []
        folded = fold(text)
        lowered = _lower(folded)
        found: list[Mention] = []
        after = 0  # mentions never overlap: skip starts inside the last one
        for start in STARTS.finditer(folded):
            i = start.start()
            if i < after:
                continue
            best_end, best_iso3 = self._full_name(folded, lowered, i)
            if best_end > i:
                found.append(Mention(i, best_end, best_iso3))
                after = best_end
            elif folded[i] in self._compound:
                members = self._compound_at(folded, lowered, i)
                found += [Mention(at, at + 1, iso3) for at, iso3 in members if iso3]
                if members:
                    after = members[-1][0] + 1
        return found

    def _full_name(self, folded: str, lowered: str, i: int) -> tuple[int, str]:
        """End and ISO3 of the longest name starting at i, or (-1, "")."""
        best_end, best_iso3 = -1, ""
        for key in (lowered[i : i + 2], lowered[i]):
            for regex, iso3 in self._by_prefix.get(key, ()):
                match = regex.match(folded, i)
                if match is not None and match.end() > best_end:
                    best_end, best_iso3 = match.end(), iso3
        return best_end, best_iso3

    def _compound_at(self, folded: str, lowered: str, i: int) -> list[tuple[int, str]]:
        """The members (position, ISO3 or "") of a compound starting at i, or []."""
        forms = self._compound
        members: list[tuple[int, str]] = []
        seen: set[str] = set()
        j = i
        while j < len(folded) and folded[j] in forms and folded[j] not in seen:
            if j > i and self._full_name(folded, lowered, j)[0] > j:
                break  # 其中俄罗斯: the name 俄罗斯 starts here, 中 is not China
            members.append((j, forms[folded[j]]))
            seen.add(folded[j])
            j += 1
            if j + 1 < len(folded) and folded[j] in COMPOUND_JOINERS and folded[j + 1] in forms:
                j += 1
        if len(members) < 2 or not any(iso3 for _, iso3 in members):
            return []
        end = members[-1][0] + 1
        for word in self._not_compounds:
            at = folded.find(word, max(0, i - len(word) + 1), end + len(word) - 1)
            if at != -1 and at < end and at + len(word) > i:
                return []
        return members

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

"""The PI's form for the names of a codebook's actors: one text box per actor and language."""

from __future__ import annotations

import unicodedata

from django import forms

from coding.detection.aliases import (
    ALIAS_FIELDS,
    COMPOUND_CODES,
    clean_aliases,
    parse_alias_lines,
)

MAX_ALIAS_LENGTH = 120
# what a compound form must be: the script of the names it abbreviates (中俄 in Chinese, 북러 in
# Korean), told by the character's Unicode name
COMPOUND_SCRIPTS = {
    "zh_short": (
        "CJK UNIFIED IDEOGRAPH",
        "A Chinese compound form is a Chinese character (中, 俄)",
    ),
    "ko_short": ("HANGUL SYLLABLE", "A Korean compound form is a Hangul syllable (북, 러, 중)"),
}


def _in_script(character: str, code: str) -> bool:
    return unicodedata.name(character, "").startswith(COMPOUND_SCRIPTS[code][0])


def field_name(actor_pk: int, code: str) -> str:
    return f"actor_{actor_pk}_{code}"


class AliasesForm(forms.Form):
    """`rows` lists (actor, [bound field per language]) for the template."""

    def __init__(self, actors, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.actors = list(actors)
        for actor in self.actors:
            current = clean_aliases(actor.aliases)
            for code, label in ALIAS_FIELDS:
                text = f"{actor.name} ({label})"
                rows = 2 if code in COMPOUND_CODES else 6
                attrs = {"rows": rows, "dir": "auto", "lang": code[:2], "aria-label": text}
                self.fields[field_name(actor.pk, code)] = forms.CharField(
                    required=False,
                    label=text,
                    initial="\n".join(current.get(code, [])),
                    widget=forms.Textarea(attrs=attrs),
                )

    @property
    def rows(self):
        return [
            (actor, [self[field_name(actor.pk, code)] for code, _ in ALIAS_FIELDS])
            for actor in self.actors
        ]

    def clean(self):
        data = super().clean()
        self.aliases = {}
        for actor in self.actors:
            by_language = {}
            for code, _ in ALIAS_FIELDS:
                name = field_name(actor.pk, code)
                names = parse_alias_lines(data.get(name) or "")
                if code in COMPOUND_CODES:
                    if any(len(n) != 1 for n in names):
                        self.add_error(name, "A compound form is one character (中, 俄, 북).")
                    elif wrong := [n for n in names if not _in_script(n, code)]:
                        self.add_error(
                            name, f"{COMPOUND_SCRIPTS[code][1]}, not {', '.join(wrong)}."
                        )
                    by_language[code] = names
                    continue
                too_long = [n for n in names if len(n) > MAX_ALIAS_LENGTH]
                too_short = [n for n in names if len(n) < 2]
                if too_long:
                    self.add_error(
                        name, f"An alias may have at most {MAX_ALIAS_LENGTH} characters."
                    )
                if too_short:
                    self.add_error(name, "An alias needs at least two characters.")
                by_language[code] = names
            self.aliases[actor.pk] = clean_aliases(by_language)
        return data

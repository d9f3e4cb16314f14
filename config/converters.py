"""Database ids in URLs and forms: the URL converter the apps' URLconfs use (registered in
config.urls) and the same rule for ids posted in forms."""

import re

from django import forms
from django.core.exceptions import ValidationError


class IdConverter:
    """A database id in a URL (`<id:pk>`): like `<int:>`, but at most 18 digits, so that a
    number no database column can hold is a 404 rather than an overflow error (a 500) inside
    the database driver."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


class EventIdConverter:
    """An event's id in a URL (`<event_id:event_id>`, e.g. DEMO-000042): any text without a
    slash or a control character (PostgreSQL refuses to even compare text holding a NUL), at
    most as long as the column."""

    regex = "[^/\\x00-\\x1f\\x7f]{1,80}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


_ID = re.compile(IdConverter.regex)


def parse_id(value: object) -> int | None:
    """A database id sent as text (a form field), or None: ASCII digits only ("²".isdigit() is
    true, int("²") fails), and at most 18 of them, as `IdConverter` takes in URLs."""
    return int(value) if isinstance(value, str) and _ID.fullmatch(value) else None


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A ModelMultipleChoiceField that refuses what `parse_id` refuses before it asks the
    database: SQLite cannot even compare a number wider than 64 bits (an OverflowError)."""

    def clean(self, value):
        for item in value if isinstance(value, list | tuple) else []:
            if parse_id(str(item)) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": item},
                )  # fmt: skip
        return super().clean(value)

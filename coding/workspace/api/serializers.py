"""Shapes of the coding workspace API.

Input is checked for types here and for the study's rules in coding.workspace.validation; output
is built by `coding_as_api`, a plain dict (the save path is hot).
"""

import datetime
import uuid
from typing import Any

from rest_framework import serializers

from coding.models import Assignment, Coding
from coding.models.codings import NOTE_MAX_LENGTH, TOO_LONG, DatePrecision, DyadType, Setting
from coding.workspace.codings import coding_state

MAX_ID = 2**31 - 1  # keeps ids inside PostgreSQL's integer, so a wild value is a 400, not a 500
MAX_OFFSET = 2_000_000_000


def _id(**kwargs) -> serializers.IntegerField:
    return serializers.IntegerField(min_value=1, max_value=MAX_ID, **kwargs)


class CodingInputSerializer(serializers.Serializer):
    start = serializers.IntegerField(
        min_value=0, max_value=MAX_OFFSET, help_text="First code point (included)."
    )
    end = serializers.IntegerField(
        min_value=1, max_value=MAX_OFFSET, help_text="Code point after the last one."
    )
    quote = serializers.CharField(
        trim_whitespace=False, help_text="The text at [start, end), checked by the server."
    )
    dyad_type = serializers.ChoiceField(choices=DyadType.choices)
    side_a = _id(allow_null=True, required=False, help_text="Actor id.")
    side_b = _id(allow_null=True, required=False, help_text="Actor id.")
    participants = serializers.ListField(
        child=_id(), required=False, max_length=100, help_text="Actor ids (multilateral)."
    )
    setting = serializers.ChoiceField(
        choices=Setting.choices, required=False, help_text="Derived from the dyad if left out."
    )
    forum = serializers.CharField(max_length=100, allow_blank=True, required=False)
    area = _id(help_text="Area id.")
    activity = _id(help_text="Activity id (of the chosen area).")
    confidence = serializers.IntegerField(
        min_value=0, max_value=32767, help_text="A value of the codebook's scale."
    )
    event_date = serializers.DateField(allow_null=True, required=False)
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices, required=False)
    note = serializers.CharField(
        allow_blank=True,
        required=False,
        trim_whitespace=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": "At most {max_length} characters."},
    )


class CodingCreateSerializer(CodingInputSerializer):
    client_id = serializers.UUIDField(
        required=False,
        help_text="Idempotency key chosen by the client for this new coding (a UUID), sent again "
        "with every retry of the same save: if you already stored a coding under it, that "
        "coding is answered (200) unchanged instead of a second one being created (201). "
        "Unique per coder.",
    )


class CodingPatchSerializer(CodingInputSerializer):
    version = serializers.IntegerField(
        required=False, help_text="The version your edit is based on (or send If-Match)."
    )


class CodingSerializer(serializers.Serializer):
    """A stored coding (output only)."""

    id = serializers.IntegerField()
    source = serializers.IntegerField()
    coder = serializers.CharField(help_text="Username of the coder.")
    version = serializers.IntegerField()
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    quote = serializers.CharField()
    prefix = serializers.CharField()
    suffix = serializers.CharField()
    dyad_type = serializers.ChoiceField(choices=DyadType.choices)
    side_a = serializers.IntegerField(allow_null=True)
    side_b = serializers.IntegerField(allow_null=True)
    participants = serializers.ListField(child=serializers.IntegerField())
    setting = serializers.ChoiceField(choices=Setting.choices)
    forum = serializers.CharField()
    area = serializers.IntegerField()
    activity = serializers.IntegerField()
    confidence = serializers.IntegerField()
    event_date = serializers.DateField(allow_null=True)
    date_precision = serializers.ChoiceField(choices=DatePrecision.choices)
    note = serializers.CharField()
    updated_at = serializers.DateTimeField()
    client_id = serializers.UUIDField(
        allow_null=True, help_text="The idempotency key it was created with, if any."
    )

    def to_representation(self, coding: Coding) -> dict[str, Any]:
        return coding_as_api(coding)


class CodingListItemSerializer(CodingSerializer):
    """A coding in a source's list: the compact listing leaves out the context, source, setting,
    save time and client_id, and any field at its empty value (coding.workspace.span_list);
    `?full=1` gives every field. Only what both shapes always carry is required."""

    OPTIONAL = (
        "source", "prefix", "suffix", "side_a", "side_b", "participants", "setting", "forum",
        "event_date", "date_precision", "note", "updated_at", "client_id",
    )  # fmt: skip

    def get_fields(self):
        fields = super().get_fields()
        for name in self.OPTIONAL:
            fields[name].required = False
        return fields


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    current = CodingSerializer(allow_null=True, required=False)


class AssignmentSerializer(serializers.ModelSerializer):
    source_title = serializers.CharField(source="source.title")
    my_codings = serializers.IntegerField(required=False, help_text="Your own codings only.")

    class Meta:
        model = Assignment
        fields = ["id", "source", "source_title", "status", "my_codings", "updated_at", "done_at"]


def coding_as_api(coding: Coding, coder_name: str | None = None) -> dict[str, Any]:
    data = coding_state(coding)
    updated = coding.updated_at
    return {
        "id": coding.pk,
        "source": coding.source_id,
        "coder": coder_name or coding.coder.get_username(),
        "version": coding.version,
        **data,
        "prefix": coding.prefix,
        "suffix": coding.suffix,
        "updated_at": updated.isoformat() if updated else None,
        "client_id": str(coding.client_id) if coding.client_id else None,
    }


class InputError(Exception):
    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors


def _int(value, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("A valid integer is required.")
    try:
        number = int(value)
    except ValueError:
        raise ValueError("A valid integer is required.") from None
    if not lo <= number <= hi:
        raise ValueError(f"Ensure this value is between {lo} and {hi}.")
    return number


def _choice(choices):
    allowed = {value for value, _ in choices}

    def check(value):
        if not isinstance(value, str) or value not in allowed:
            shown = value if isinstance(value, str | int | float) else type(value).__name__
            raise ValueError(f"“{shown}” is not a valid choice: {', '.join(sorted(allowed))}.")
        return value

    return check


def _text(limit: int, *, blank: bool = True, strip: bool = False, too_long: str = ""):
    """A string of at most `limit` characters; `too_long` (with {limit} and {length}) names the
    field in the message, as the workspace shows it beside the others."""

    def check(value):
        if not isinstance(value, str):
            raise ValueError("Not a valid string.")
        if strip:
            value = value.strip()
        if not value and not blank:
            raise ValueError("This field may not be blank.")
        if len(value) > limit:
            if too_long:
                raise ValueError(too_long.format(limit=limit, length=len(value)))
            raise ValueError(f"Ensure this field has no more than {limit} characters.")
        return value

    return check


def _nullable(check):
    return lambda value: None if value is None else check(value)


def _ids(value):
    if not isinstance(value, list) or len(value) > 100:
        raise ValueError("Expected a list of at most 100 actor ids.")
    return [_int(v, 1, MAX_ID) for v in value]


def _uuid(value):
    if not isinstance(value, str):
        raise ValueError("Must be a valid UUID (e.g. from crypto.randomUUID()).")
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValueError(
            f"“{value[:40]}” is not a valid UUID (e.g. from crypto.randomUUID())."
        ) from None


def _date(value):
    if not isinstance(value, str):
        raise ValueError("Date has wrong format. Use YYYY-MM-DD.")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError("Date has wrong format. Use YYYY-MM-DD.") from None


# The same rules as CodingInputSerializer (which documents them in the OpenAPI schema), without
# DRF's per-request copying of every field: this parses the body of every save.
PARSERS = {
    "start": (True, lambda v: _int(v, 0, MAX_OFFSET)),
    "end": (True, lambda v: _int(v, 1, MAX_OFFSET)),
    "quote": (True, _text(10**7, blank=False)),
    "dyad_type": (True, _choice(DyadType.choices)),
    "side_a": (False, _nullable(lambda v: _int(v, 1, MAX_ID))),
    "side_b": (False, _nullable(lambda v: _int(v, 1, MAX_ID))),
    "participants": (False, _ids),
    "setting": (False, _choice(Setting.choices)),
    "forum": (False, _text(100, strip=True)),
    "area": (True, lambda v: _int(v, 1, MAX_ID)),
    "activity": (True, lambda v: _int(v, 1, MAX_ID)),
    "confidence": (True, lambda v: _int(v, 0, 32767)),
    "event_date": (False, _nullable(_date)),
    "date_precision": (False, _choice(DatePrecision.choices)),
    "note": (False, _text(NOTE_MAX_LENGTH, too_long=TOO_LONG)),
    "version": (False, lambda v: _int(v, 0, MAX_ID)),
    "client_id": (False, _uuid),
}
CREATE_ONLY = {"client_id"}  # ignored in partial (PATCH) bodies


def parse_coding_input(body, *, partial: bool = False) -> dict[str, Any]:
    """The request body as typed values, or InputError with DRF-style messages per field."""
    if not isinstance(body, dict):
        raise InputError({"non_field_errors": ["Invalid data. Expected a dictionary."]})
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, (required, parse) in PARSERS.items():
        if name not in body or (partial and name in CREATE_ONLY):
            if required and not partial:
                errors[name] = ["This field is required."]
            continue
        if body[name] is None and name not in ("side_a", "side_b", "event_date"):
            errors[name] = ["This field may not be null."]
            continue
        try:
            data[name] = parse(body[name])
        except ValueError as exc:
            errors[name] = [str(exc)]
    if errors:
        raise InputError(errors)
    return data

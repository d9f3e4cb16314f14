"""Database ids in URLs and forms: the URL converter the apps' URLconfs use (registered in
config.urls) and the same rule for ids posted in forms."""

import re


class IdConverter:
    """A database id in a URL (`<id:pk>`): like `<int:>`, but at most 18 digits, so that a
    number no database column can hold is a 404 rather than an overflow error (a 500) inside
    the database driver."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


_ID = re.compile(IdConverter.regex)


def parse_id(value: object) -> int | None:
    """A database id sent as text (a form field), or None: ASCII digits only ("²".isdigit() is
    true, int("²") fails), and at most 18 of them, as `IdConverter` takes in URLs."""
    return int(value) if isinstance(value, str) and _ID.fullmatch(value) else None

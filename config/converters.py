"""URL converters shared by the apps' URLconfs (registered in config.urls)."""


class IdConverter:
    """A database id in a URL (`<id:pk>`): like `<int:>`, but at most 18 digits, so that a
    number no database column can hold is a 404 rather than an overflow error (a 500) inside
    the database driver."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)

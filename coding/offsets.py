"""Code points (how offsets are stored) <-> UTF-16 units (how browsers index strings).

The browser does this conversion in static/js/workspace/offsets.js; this is the same mapping
for Python clients and tests. A UTF-16 position inside a surrogate pair maps to the pair's start.
"""


def points_to_utf16(text: str, points: int) -> int:
    return points + sum(1 for ch in text[:points] if ord(ch) > 0xFFFF)


def utf16_to_points(text: str, units: int) -> int:
    seen = 0
    for index, ch in enumerate(text):
        width = 2 if ord(ch) > 0xFFFF else 1
        if seen + width > units:
            return index
        seen += width
    return len(text)

"""The export's columns and how a record becomes a flat row: plain Python, no Django, so the
process that writes events.xlsx (`sheet_process.py`) starts in a few milliseconds.

A record holds typed values (lists stay lists, for events.json); CSV and XLSX flatten lists
with ';' (shared/formats.md). A ';' inside an item (a headline, say) becomes ',' in the flat
tables only; the JSON keeps the exact text.
"""

from typing import Any

EVENT_COLUMNS = [
    "event_id", "event_date", "event_date_end", "date_prec", "year", "area", "activity",
    "dyad_type", "side_a_iso3", "side_b_iso3", "side_a_ccode", "side_b_ccode",
    "participants_iso3", "setting", "forum", "confidence", "notes", "number_of_sources",
    "source", "source_url", "source_date", "source_headline", "coders", "approved_by",
    "coded_date", "last_modified", "codebook_version",
]  # fmt: skip
LIST_COLUMNS = {
    "participants_iso3", "source", "source_url", "source_date", "source_headline", "coders",
}  # fmt: skip

_LIST_POSITIONS = [i for i, column in enumerate(EVENT_COLUMNS) if column in LIST_COLUMNS]

EVIDENCE_COLUMNS = [
    "coding_id", "event_id", "source_id", "article_url", "start", "end", "quote", "coder",
    "role", "dyad_type", "side_a_iso3", "side_b_iso3", "participants_iso3", "area", "activity",
    "confidence",
]  # fmt: skip


def flat_row(record: dict[str, Any]) -> list[Any]:
    """The events.csv/.xlsx row of a record (keys in EVENT_COLUMNS order): lists joined, None
    and numbers as they are."""
    row = list(record.values())
    for i in _LIST_POSITIONS:
        row[i] = join_list(row[i])
    return row


def flat(value: Any) -> str:
    """A value as one CSV cell: '' for missing, lists joined by ';'."""
    if value is None:
        return ""
    if isinstance(value, list):
        return join_list(value)
    return str(value)


def join_list(items: list[str]) -> str:
    text = ";".join(items)
    if ";" not in text or text.count(";") == len(items) - 1:  # no ';' inside an item
        return text
    return ";".join([v.replace(";", ",") for v in items])

"""The source list's text search, folded alike on SQLite and PostgreSQL.

`icontains` folds case only for ASCII on SQLite (the embedded default), so "тегеран" did not
find "Тегеран", and no database treats Arabic and Persian letter forms as one ("ايران",
"ایران"). Both sides of the search go through `search_fold`, a SQL function that lower-cases
and unifies letter forms as the name detection does (`coding.detection.aliases.FOLD`): a
Python function registered on every SQLite connection, a SQL function on PostgreSQL (created
by the migration `sources.0006_search_fold`; `tests/sources/test_search.py` checks that the two
fold alike).
"""

from __future__ import annotations

from django.db.models import Func, Q, TextField
from django.db.models.lookups import Contains

from coding.detection.aliases import FOLD

FUNCTION = "search_fold"


def fold_for_search(text: str | None) -> str | None:
    return None if text is None else text.lower().translate(FOLD)


class SearchFold(Func):
    function = FUNCTION
    output_field = TextField()


def matching(query: str, *fields: str) -> Q:
    """Sources with `query` in any of `fields`, case and letter forms aside."""
    folded = fold_for_search(query)
    condition = Q()
    for field in fields:
        condition |= Q(Contains(SearchFold(field), folded))
    return condition


def register_sqlite_function(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: the fold as a deterministic SQL function on SQLite."""
    if connection.vendor == "sqlite":
        connection.connection.create_function(FUNCTION, 1, fold_for_search, deterministic=True)

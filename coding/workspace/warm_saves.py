"""A coding save in one round trip: its lookup asked again, and checked, inside its insert.

A save reads what it is judged on (`lookups.load_for_save`: membership and role, the source
and its text, the assignment, the client_id's history, the token and its user, the codebook
facts of its codes), validates, then inserts: two round trips to PostgreSQL. A coder's next
save on the same source, with codes of the same facts, reads the same answer. So each web
process keeps the last answer for each (project, source, user or token, codes), with its row
as PostgreSQL writes it as text. The next such save is validated against the kept answer and
sent as one statement that asks the lookup again and inserts only if the fresh row, as text,
is the kept one (`inserts.insert_if_lookup_unchanged`): whatever the save is checked on is
checked in the same statement, and the same snapshot, as its insert (issue 20).

Only saves that would be stored take this path. If anything differs (the assignment marked
done, the membership removed, the token revoked or expired, the codebook changed, the
client_id used before, the codes invalid), nothing is stored here and the save goes the
usual way with a fresh lookup, so every refusal and every retry is answered from fresh facts,
one round trip later. The kept answers are never trusted on their own, so they need no
invalidation; a stale one costs one wasted round trip and is replaced.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import IntegrityError
from rest_framework.exceptions import AuthenticationFailed

from coding.models import Coding
from coding.models.assignments import AssignmentStatus
from coding.workspace.codings import new_coding, validate_coding
from coding.workspace.inserts import insert_if_lookup_unchanged
from coding.workspace.lookups import SaveLookup, SaveTarget
from coding.workspace.validation import CodingInvalid

MAX_KEPT = 4096  # answers per process; each is one row of about twenty values

_kept: OrderedDict[tuple, tuple[tuple, str]] = OrderedDict()
_lock = threading.Lock()


def remember(lookup: SaveLookup, target: SaveTarget) -> None:
    """Keep the answer of `load_for_save(lookup)` if a save with it would be stored straight
    away: a member's save on a source of the project, whose assignment is in progress (or a
    PI's, without one), under no client_id used before."""
    key = _key(lookup)
    with _lock:
        if target.answer is None or lookup.probe is None or not _insertable(target):
            _kept.pop(key, None)
            return
        _kept[key] = target.answer
        _kept.move_to_end(key)
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)


def save(lookup: SaveLookup, coder: AbstractBaseUser | None, data: dict) -> Coding | None:
    """Store a new coding in one statement if an answer is kept for `lookup` and still holds;
    None otherwise (nothing stored: the caller saves the usual way). `coder` is the asking
    user, or None for a save by token (`lookup.token_key`): the coding's `coder` is then the
    token's user, as the kept answer read it and the statement checked it."""
    key = _key(lookup)
    with _lock:
        kept = _kept.get(key)
    if kept is None:
        return None
    row, guard = kept
    try:
        target = lookup.target(row)  # the token's user, and its expiry checked now
        if target.text is None:
            return None  # the source is gone
        span, codes = validate_coding(target.text, target.codebook_id, data, target.codebook_facts)
    except (AuthenticationFailed, CodingInvalid):
        return None  # answered from a fresh lookup
    if codes.participants:
        return None  # a second table: the usual way
    coding, change = new_coding(target.pk, coder or target.user, lookup.client_id, span, codes)
    try:
        stored = insert_if_lookup_unchanged(coding, change, lookup.sql(), guard)
    except IntegrityError:
        stored = False  # a retry raced this one under the same client_id
    if not stored:
        with _lock:
            if _kept.get(key) is kept:
                del _kept[key]
        return None
    coding.created = True
    return coding


def clear() -> None:
    """Forget every kept answer (tests)."""
    with _lock:
        _kept.clear()


def _key(lookup: SaveLookup) -> tuple:
    return (lookup.project_slug, lookup.source_pk, lookup.user_id, lookup.token_key, lookup.probe)


def _insertable(target: SaveTarget) -> bool:
    return (
        target.is_member
        and target.pk is not None
        and target.stored_under_client_id is None
        and target.deleted_under_client_id is None
        and (
            target.my_status == AssignmentStatus.IN_PROGRESS
            or (target.is_pi and target.my_status is None)
        )
    )

"""Token authentication for the API: DRF's, with the user read by one plain-SQL query.

DRF's TokenAuthentication reads the token and its user through the ORM
(`select_related("user").get(key=...)`), and compiling that query costs more than running it,
on every API request; a coding save must answer in a few milliseconds (issue 5). The rules and
messages are DRF's: an unknown key or an inactive user is refused; `request.auth` is the Token.
With API_TOKEN_MAX_AGE_HOURS set, a token older than that is refused too (checked on the row
the one query read: no second query).

A coding save goes one step further (`SaveTokenAuthentication`): its token is checked by the
save's own lookup query (`coding.workspace.lookups.load_for_save`), one round trip less on the
hottest request (issue 20), with the same rules and messages (`checked_token_user`).
"""

import datetime as dt
import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str):
        refuse_malformed(key)
        with connection.cursor() as cursor:
            cursor.execute(_token_query(), [key])
            row = cursor.fetchone()
        user, created = checked_token_user(row)
        return user, Token(key=key, user=user, created=created)


class TokenCheckedBySave:
    """`request.user` of a token-authenticated save until the save's lookup has checked the
    token: authenticated for DRF's permission check, and nothing else. Any other use before
    the check is an error, so that no code can act on an identity not yet checked."""

    is_authenticated = True
    is_anonymous = False

    def __init__(self, key: str) -> None:
        self.key = key

    def __getattr__(self, name: str):
        raise AttributeError(f"request.user.{name}: the token is not checked yet (load_for_save)")


class SaveTokenAuthentication(TokenAuthentication):
    """For the coding save only: the header is read here (DRF's rules and messages for a
    malformed one), the key is checked by the save's lookup query."""

    def authenticate_credentials(self, key: str):
        refuse_malformed(key)
        return TokenCheckedBySave(key), None


def well_formed_key(key: str) -> bool:
    """Whether a token could have this key (DRF's are 40 hex digits). Others are refused
    before any query: a NUL in one was a database error on PostgreSQL, which refuses such text
    even in a comparison."""
    return len(key) <= 40 and key.isascii() and key.isalnum()


def refuse_malformed(key: str) -> None:
    if not well_formed_key(key):
        raise exceptions.AuthenticationFailed(_("Invalid token."))


def checked_token_user(row) -> tuple[AbstractBaseUser, dt.datetime]:
    """The user and the token's creation time from a row that ends with the columns of
    `token_user_columns` (None: no such token), or AuthenticationFailed, worded as DRF does."""
    if row is None:
        raise exceptions.AuthenticationFailed(_("Invalid token."))
    names, booleans = _user_fields()
    values = row[-len(names) - 1 : -1]
    values = [
        bool(value) if boolean else value for boolean, value in zip(booleans, values, strict=True)
    ]  # SQLite answers booleans as 0/1
    user = get_user_model().from_db(connection.alias, names, values)
    created = _created(row[-1])
    if not user.is_active:
        raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
    max_age = settings.API_TOKEN_MAX_AGE_HOURS
    if max_age and created < timezone.now() - dt.timedelta(hours=max_age):
        raise exceptions.AuthenticationFailed(
            _("Token expired: ask for a new one at /api/auth/token/.")
        )
    return user, created


@functools.cache
def token_user_columns() -> str:
    """The columns a request needs of the token's user (aliased `u`), then the token's (`t`)
    creation time. The user is built from these with `Model.from_db`; its other fields are
    deferred (loaded on first use, as with `.only()`): cheaper than the ORM or `raw()`."""
    qn = connection.ops.quote_name
    columns = [f"u.{qn(f.column)}" for f in _user_field_objects()]
    return f"{', '.join(columns)}, t.{qn('created')}"


@functools.cache
def token_tables() -> str:
    """The token (`t`) joined to its user (`u`)."""
    User = get_user_model()
    qn = connection.ops.quote_name
    return (
        f"{qn(Token._meta.db_table)} t JOIN {qn(User._meta.db_table)} u "
        f"ON u.{qn(User._meta.pk.column)} = t.{qn('user_id')}"
    )


@functools.cache
def _token_query() -> str:
    return f"SELECT {token_user_columns()} FROM {token_tables()} WHERE t.key = %s"


def _user_field_objects():
    User = get_user_model()
    names = {User._meta.pk.attname, User.USERNAME_FIELD, "is_active", "is_staff", "is_superuser"}
    return [f for f in User._meta.concrete_fields if f.attname in names]


@functools.cache
def _user_fields() -> tuple[list[str], list[bool]]:
    fields = _user_field_objects()
    return [f.attname for f in fields], [f.get_internal_type() == "BooleanField" for f in fields]


def _created(value) -> dt.datetime:
    """The raw column: a datetime on PostgreSQL, text on SQLite."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)

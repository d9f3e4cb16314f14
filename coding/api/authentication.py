"""Token authentication for the API: DRF's, with the user read by one plain-SQL query.

DRF's TokenAuthentication reads the token and its user through the ORM
(`select_related("user").get(key=...)`), and compiling that query costs more than running it,
on every API request; a coding save must answer in a few milliseconds (issue 5). The rules and
messages are DRF's: an unknown key or an inactive user is refused; `request.auth` is the Token.
With API_TOKEN_MAX_AGE_HOURS set, a token older than that is refused too (checked on the row
the one query read: no second query).
"""

import datetime as dt
import functools

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str):
        found = _user_by_token(key)
        if found is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user, created = found[0], _created(found[1])
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        max_age = settings.API_TOKEN_MAX_AGE_HOURS
        if max_age and created < timezone.now() - dt.timedelta(hours=max_age):
            raise exceptions.AuthenticationFailed(
                _("Token expired: ask for a new one at /api/auth/token/.")
            )
        return user, Token(key=key, user=user, created=created)


def _user_by_token(key: str):
    """(user, token creation time) for a token key, or None: one query through a plain cursor,
    the user built with `Model.from_db` from the few fields a request reads (the others are
    deferred: loaded on first use, as with `.only()`). Cheaper than the same query through
    `raw()` (issue 20)."""
    sql, names, booleans = _token_query(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key])
        row = cursor.fetchone()
    if row is None:
        return None
    values = [
        bool(value) if boolean else value for boolean, value in zip(booleans, row, strict=False)
    ]  # SQLite answers booleans as 0/1
    return get_user_model().from_db(connection.alias, names, values), row[-1]


@functools.cache
def _token_query(vendor: str) -> tuple[str, list[str], list[bool]]:
    """The query, the user fields it reads and which of them are booleans: built once."""
    User = get_user_model()
    names = {User._meta.pk.attname, User.USERNAME_FIELD, "is_active", "is_staff", "is_superuser"}
    fields = [f for f in User._meta.concrete_fields if f.attname in names]
    qn = connection.ops.quote_name
    sql = (
        f"SELECT {', '.join(f'u.{qn(f.column)}' for f in fields)}, t.created "
        f"FROM {qn(User._meta.db_table)} u JOIN {qn(Token._meta.db_table)} t "
        f"ON t.user_id = u.{qn(User._meta.pk.column)} WHERE t.key = %s"
    )
    booleans = [f.get_internal_type() == "BooleanField" for f in fields]
    return sql, [f.attname for f in fields], booleans


def _created(value) -> dt.datetime:
    """The raw column: a datetime on PostgreSQL, text on SQLite."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)

"""Token authentication for the API: DRF's, with the user read by one plain-SQL query.

DRF's TokenAuthentication reads the token and its user through the ORM
(`select_related("user").get(key=...)`), and compiling that query costs more than running it,
on every API request; a coding save must answer in a few milliseconds (issue 5). The rules and
messages are DRF's: an unknown key or an inactive user is refused; `request.auth` is the Token.
With API_TOKEN_MAX_AGE_HOURS set, a token older than that is refused too (checked on the row
the one query read: no second query).
"""

import datetime as dt

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str):
        User = get_user_model()
        sql = (
            f"SELECT u.*, t.created AS token_created FROM {User._meta.db_table} u "
            f"JOIN {Token._meta.db_table} t ON t.user_id = u.{User._meta.pk.column} "
            f"WHERE t.key = %s"
        )
        user = next(iter(User.objects.raw(sql, [key])), None)
        if user is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        max_age = settings.API_TOKEN_MAX_AGE_HOURS
        if max_age and _created(user.token_created) < timezone.now() - dt.timedelta(hours=max_age):
            raise exceptions.AuthenticationFailed(
                _("Token expired: ask for a new one at /api/auth/token/.")
            )
        return user, Token(key=key, user=user, created=user.token_created)


def _created(value) -> dt.datetime:
    """The raw column: a datetime on PostgreSQL, text on SQLite."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value if timezone.is_aware(value) else timezone.make_aware(value, dt.UTC)

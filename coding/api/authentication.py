"""Token authentication for the API: DRF's, with the user read by one plain-SQL query.

DRF's TokenAuthentication reads the token and its user through the ORM
(`select_related("user").get(key=...)`), and compiling that query costs more than running it,
on every API request; a coding save must answer in a few milliseconds (issue 5). The rules and
messages are DRF's: an unknown key or an inactive user is refused; `request.auth` is the Token.
"""

from django.contrib.auth import get_user_model
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
        return user, Token(key=key, user=user, created=user.token_created)

"""Logins and API tokens: lockout after repeated failures, tokens rotated when they should be.

Failed logins are counted by django-axes, per username and per address separately
(AXES_LOCKOUT_PARAMETERS), on /accounts/login/ and /api/auth/token/ alike; after
AXES_FAILURE_LIMIT failures that key is locked for AXES_COOLOFF_TIME, even with the right
password. `lockout_response` answers 429 with when to retry (Retry-After, and the time in words).

A user's API token is deleted when they log out and when their password changes, so a token
that leaked stops working; the next POST to /api/auth/token/ issues a new one.
"""

from __future__ import annotations

import datetime as dt
import math

from axes.helpers import get_cool_off
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.signals import user_logged_out
from django.db.models.signals import pre_save
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from rest_framework import serializers
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken


def retry_after(request: HttpRequest) -> dt.timedelta:
    return get_cool_off(request) or dt.timedelta(0)


def lockout_message(wait: dt.timedelta) -> str:
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    at = (timezone.now() + wait).strftime("%H:%M UTC")
    return (
        f"Too many failed logins for this account or from this address. Try again in "
        f"{minutes} minute{'s' if minutes != 1 else ''} (after {at})."
    )


def lockout_response(request: HttpRequest, *args, **kwargs) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: 429 with Retry-After; JSON for the API, the login page otherwise."""
    wait = retry_after(request)
    message = lockout_message(wait)
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(max(1, math.ceil(wait.total_seconds())))
    return response


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str | None:
    """AXES_USERNAME_CALLABLE: the username django-axes counts failures under, found as axes
    finds it, cut to its table's 255 characters: a longer one (no account can have it) is
    counted under its first 255 instead of failing the login with a database error."""
    if credentials:
        name = credentials.get("username")
    else:
        name = getattr(request, "data", request.POST).get("username")
    return name[:255] if isinstance(name, str) else name


class TokenSerializer(AuthTokenSerializer):
    """DRF's, but authenticating with the Django request, which django-axes counts and locks."""

    def validate(self, attrs):
        request = self.context["request"]
        user = authenticate(
            request=getattr(request, "_request", request),
            username=attrs.get("username"),
            password=attrs.get("password"),
        )
        if user is None:
            raise serializers.ValidationError(
                "Unable to log in with provided credentials.", code="authorization"
            )
        attrs["user"] = user
        return attrs


class TokenView(ObtainAuthToken):
    serializer_class = TokenSerializer
    locks_out = True  # django-axes: 429 after repeated failures (declared in the schema)


@receiver(user_logged_out)
def _drop_token_on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        Token.objects.filter(user=user).delete()


@receiver(pre_save, sender=get_user_model())
def _drop_token_on_password_change(sender, instance, update_fields=None, **kwargs) -> None:
    if instance.pk is None or (update_fields is not None and "password" not in update_fields):
        return
    stored = sender.objects.filter(pk=instance.pk).values_list("password", flat=True).first()
    if stored is not None and stored != instance.password:
        Token.objects.filter(user_id=instance.pk).delete()

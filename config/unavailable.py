"""Answers while the database cannot be reached: 503 with Retry-After, never a bare 500.

The API and /health/ answer JSON, pages a short HTML page rendered without the database (no
template that reads the user or the session). `DatabaseUnavailableMiddleware` catches the
error a view raises; `handler500` catches the rest (a middleware that read the session or
wrote it), and answers every other error as Django's own 500 does.
"""

from __future__ import annotations

import sys

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.utils.html import escape

RETRY_AFTER_SECONDS = 10
MESSAGE = "The database is unreachable for a moment; please try again shortly."


def is_database_down(exc: BaseException | None) -> bool:
    """Connection failures and timeouts, not errors of a query (those are bugs: a 500)."""
    if isinstance(exc, (OperationalError, InterfaceError)):
        return True
    # statement_timeout on PostgreSQL: psycopg's QueryCanceled, a DatabaseError subclass
    return isinstance(exc, DatabaseError) and "statement timeout" in str(exc)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        response: HttpResponse = JsonResponse({"detail": MESSAGE, "down": ["database"]}, status=503)
    else:
        page = (
            "<!doctype html><html lang=en><meta charset=utf-8><title>Unavailable</title>"
            f"<h1>Back in a moment</h1><p>{escape(MESSAGE)}</p></html>"
        )
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _wants_json(request: HttpRequest) -> bool:
    path = request.path
    accept = request.headers.get("Accept", "")
    return path.startswith(("/api/", "/health/")) or (
        "application/json" in accept and "text/html" not in accept
    )


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        if is_database_down(exception):
            return unavailable_response(request)
        return None


def handler500(request: HttpRequest) -> HttpResponse:
    if is_database_down(sys.exc_info()[1]):
        return unavailable_response(request)
    return HttpResponseServerError(
        "<!doctype html><html lang=en><title>Server error</title><h1>Server Error (500)</h1></html>"
    )

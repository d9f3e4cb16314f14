"""One gate for every request, before any view or parser reads it.

- Size: a body larger than the limit is refused with 413 from its Content-Length, unread.
  DRF's parsers read the stream themselves and ignore DATA_UPLOAD_MAX_MEMORY_SIZE, so the
  limit has to be applied here. Bodies: REQUEST_MAX_BODY_BYTES (JSON, forms); multipart
  uploads: REQUEST_MAX_UPLOAD_BYTES.
- Characters PostgreSQL cannot store (NUL, lone UTF-16 surrogates) in a query parameter, a form
  field or a JSON string: 400 with a clear message, instead of a database error (500).
- JSON nested deeper than JSON_MAX_DEPTH (or too deep for Python's parser): 400.

The JSON read here is kept on the request (`checked_json`) and DRF's parser answers with it
(`CheckedJSONParser`), so a body is read once.

Answers are JSON ({"detail": ...}) for the API and for clients asking for JSON, otherwise a
short HTML page.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.multipartparser import MultiPartParserError
from django.template.loader import render_to_string
from rest_framework.parsers import JSONParser
from rest_framework.utils.json import strict_constant

JSON_MAX_DEPTH = 64
# what PostgreSQL refuses in text: NUL, and surrogates (only valid as pairs in UTF-16)
_REFUSED = re.compile("[\x00\ud800-\udfff]")
BAD_CHARACTER = (
    "The request contains a character that cannot be stored (a NUL character or an unpaired "
    "surrogate); remove it and try again."
)

TOO_DEEP = f"The JSON is nested too deeply (at most {JSON_MAX_DEPTH} levels)."
NOT_READ = object()  # check_json: not JSON as DRF's parser reads it


class Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def has_refused_character(value: str) -> bool:
    return _REFUSED.search(value) is not None


def check_strings(values: Iterable[str]) -> None:
    for value in values:
        if has_refused_character(value):
            raise Refused(400, BAD_CHARACTER)


def check_json(body: bytes, encoding: str = "utf-8") -> Any:
    """Refuse JSON nested too deeply or holding refused characters. Returns the JSON read as
    DRF's parser reads it (in the request's charset, no NaN or Infinity), or NOT_READ when it
    does not read so: then the view's parser answers it (400) itself."""
    try:
        strict = strict_constant if JSONParser.strict else None  # DRF's parser's own rule
        data = json.loads(body.decode(encoding), parse_constant=strict)
    except RecursionError:
        raise Refused(400, TOO_DEEP) from None
    except ValueError:  # UnicodeDecodeError too
        return NOT_READ
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if has_refused_character(value):
                raise Refused(400, BAD_CHARACTER)
        elif isinstance(value, dict | list):
            if depth > JSON_MAX_DEPTH:
                raise Refused(400, TOO_DEEP)
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and has_refused_character(key):
                    raise Refused(400, BAD_CHARACTER)
                stack.append((item, depth + 1))
    return data


class CheckedJSONParser(JSONParser):
    """DRF's JSON parser, answering with the JSON the guard already read from the same body
    instead of reading it a second time (a coding save is the hot path, issue 20)."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = getattr((parser_context or {}).get("request"), "_request", None)
        checked = getattr(request, "checked_json", NOT_READ)
        if checked is NOT_READ:
            return super().parse(stream, media_type, parser_context)
        return checked


def body_limit(content_type: str) -> int:
    if content_type.startswith("multipart/"):
        return settings.REQUEST_MAX_UPLOAD_BYTES
    return settings.REQUEST_MAX_BODY_BYTES


def check_request(request: HttpRequest) -> None:
    content_type = (request.content_type or "").lower()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    limit = body_limit(content_type)
    if length > limit:
        raise Refused(
            413,
            f"The request body is {length:,} bytes; the maximum is {limit:,} bytes.",
        )
    check_strings(request.GET.keys())
    check_strings(v for values in request.GET.lists() for v in values[1])
    if request.method in ("GET", "HEAD", "OPTIONS") or length == 0:
        return
    if content_type == "application/json" or content_type.endswith("+json"):
        encoding = request.encoding or settings.DEFAULT_CHARSET  # as DRF's parser decodes it
        request.checked_json = check_json(request.body, encoding)
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        try:
            form = request.POST
        except MultiPartParserError:
            return  # malformed: the view's own parsing answers it, as before
        check_strings(form.keys())
        check_strings(v for values in form.lists() for v in values[1])


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


class RequestGuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            check_request(request)
        except Refused as exc:
            if wants_json(request):
                return JsonResponse({"detail": exc.message}, status=exc.status)
            html = render_to_string(
                "refused.html", {"message": exc.message, "status": exc.status}, request=request
            )
            return HttpResponse(html, status=exc.status)
        return self.get_response(request)

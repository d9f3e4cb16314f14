"""Django's error pages, answered as JSON under /api/.

DRF answers its own errors as JSON, but a URL no API route matches (an id or slug in the wrong
shape, an unknown path) and a request Django refuses before any view (a bad Host header) reach
Django's handlers, which answer HTML; an API client, and the OpenAPI schema, expect
{"detail": ...}.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)

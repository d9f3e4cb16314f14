"""Django's error pages, answered as JSON under /api/.

DRF answers its own errors as JSON, but a URL no API route matches (an id or slug in the wrong
shape, an unknown path) and a request Django refuses before any view (a bad Host header) reach
Django's handlers, which answer HTML; an API client, and the OpenAPI schema, expect
{"detail": ...}.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views import defaults
from django.views.decorators.csrf import csrf_exempt


def is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return defaults.page_not_found(request, exception)


@csrf_exempt  # a miss whatever the method: not a 403 for a POST without a CSRF token
def api_route_not_found(request: HttpRequest, path: str) -> HttpResponse:
    """The API's last route: a path under /api/ (ending in a slash) that no other route
    matches. Answered by a route, not only by handler404, so that it is JSON with DEBUG on too
    (`make run`), when Django answers a miss with its debug page instead of the handler. Paths
    without the slash still miss, so APPEND_SLASH redirects them as before."""
    return JsonResponse({"detail": "Not found."}, status=404)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return JsonResponse({"detail": "Bad request."}, status=400)
    return defaults.bad_request(request, exception)

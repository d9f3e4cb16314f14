"""`post_only`: Django's `require_POST` with a page instead of an empty 405.

A POST-only address is reached by GET more often than one thinks: a login's `next` after the
session ran out while a form was open, a bookmarked action, a link copied from the address bar.
`require_POST` answers those with an empty page; this answers with what the address is for.
"""

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def post_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method != "POST":
            response = render(request, "405.html", status=405)
            response["Allow"] = "POST"
            return response
        return view(request, *args, **kwargs)

    return wrapped

"""A lane past Django's request handling for the hottest request: a coding save by API token
whose lookup answer is kept (`coding.workspace.warm_saves`).

Under issue 20's eight coders, Django's handler, its middleware chain and DRF's dispatch cost
the web workers ~0.5 ms of CPU a save, more than the save itself. This WSGI wrapper
(`config/wsgi.py`) answers such a save without them and hands everything else to Django
unchanged, the body it read put back: every other request, and every save it cannot answer as
stored (no answer kept, the answer changed, anything refused), which Django then answers as
always. What the skipped layers do for this request is done here by the same code, or makes
the lane step aside:
- routing: Django's resolver must name `SourceCodingsView`;
- the checks of the request phase: SecurityMiddleware's (the https redirect) and
  CommonMiddleware's (the host, refused user agents) themselves, then the request guard's
  (`check_request`: size, characters, JSON depth); any answer or error -> Django;
- authentication: exactly DRF's `Token <key>` header and no session cookie (DRF tries the
  session first), the token checked by the save's own statement;
- the body: JSON (`application/json`), read as DRF's parser reads it, then `parse_coding_input`;
- the answer: the view's bytes, with DRF's and the session's Vary and Allow, then the response
  phase of the middlewares that add headers (security, CSP, X-Frame-Options, Content-Length),
  called as they are; tested header by header against Django's answer;
- connections: Django's request_started / request_finished signals around the save;
- the database down: 503 as `config.unavailable` answers it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIRequest
from django.http import HttpResponse
from django.middleware.clickjacking import XFrameOptionsMiddleware
from django.middleware.common import CommonMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import Resolver404, resolve
from django.utils.cache import patch_vary_headers
from django.utils.log import log_response

from coding.api.authentication import well_formed_key
from coding.workspace import warm_saves
from coding.workspace.api.serializers import InputError, parse_coding_input
from coding.workspace.api.views import SourceCodingsView, saved_answer
from coding.workspace.inserts import single_statement_insert_available
from coding.workspace.lookups import SaveLookup
from coding.workspace.validation import CodebookProbe
from config.csp import CSPMiddleware
from config.request_guard import NOT_READ, check_request
from config.unavailable import is_database_down, unavailable_response

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


def _unused(request):  # the middlewares below are only asked for their request/response phases
    raise AssertionError("the save lane never calls a middleware's get_response")


class SaveLane:
    def __init__(self, django: WSGIApp) -> None:
        self.django = django
        view = SourceCodingsView()
        view.setup(None)  # as Django's dispatch does (HEAD where there is GET): DRF's Allow
        self.allow = ", ".join(view.allowed_methods)
        self.before = [SecurityMiddleware(_unused), CommonMiddleware(_unused)]
        self.after = [  # in the order Django's chain runs their response phases
            XFrameOptionsMiddleware(_unused), CommonMiddleware(_unused), CSPMiddleware(_unused),
            SecurityMiddleware(_unused),
        ]  # fmt: skip

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        request = self._candidate(environ)
        if request is None:
            return self.django(environ, start_response)
        signals.request_started.send(sender=type(self), environ=environ)
        try:
            response = self._save(request)
        finally:
            signals.request_finished.send(sender=type(self))
        if response is None:
            _put_back_body(environ, request)
            return self.django(environ, start_response)
        for middleware in self.after:
            response = middleware.process_response(request, response)
        status = f"{response.status_code} {response.reason_phrase}"
        start_response(status, list(response.items()))
        return [response.content]

    def _candidate(self, environ: dict) -> WSGIRequest | None:
        """The request if it is a save by token that the lane may answer; None: Django's.
        Reads the body (kept on the request) only when everything before it qualifies."""
        if environ.get("REQUEST_METHOD") != "POST" or "HTTP_AUTHORIZATION" not in environ:
            return None
        accept = environ.get("HTTP_ACCEPT", "*/*")
        if environ.get("QUERY_STRING") or not ("*/*" in accept or "application/json" in accept):
            return None  # DRF's content negotiation has a say (?format=, a 406)
        parts = environ["HTTP_AUTHORIZATION"].split()
        if len(parts) != 2 or parts[0].lower() != "token" or not well_formed_key(parts[1]):
            return None
        request = WSGIRequest(environ.copy())  # it writes the decoded path into its environ
        if request.content_type != "application/json":
            return None
        if settings.SESSION_COOKIE_NAME in request.COOKIES:
            return None  # DRF's session authentication comes first
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
        if getattr(match.func, "cls", None) is not SourceCodingsView:
            return None
        try:
            if any(m.process_request(request) is not None for m in self.before):
                return None
            check_request(request)  # the request guard: reads the body
        except Exception:  # a bad host, a refused body...: Django answers it
            _put_back_body(environ, request)
            return None
        if getattr(request, "checked_json", NOT_READ) is NOT_READ:
            _put_back_body(environ, request)
            return None
        request.lane_route = match.kwargs
        request.lane_token = parts[1]
        return request

    def _save(self, request: WSGIRequest) -> HttpResponse | None:
        """The stored coding's answer, 503 if the database is down, or None: Django's."""
        try:
            data = parse_coding_input(request.checked_json)
        except InputError:
            return None
        client_id = data.pop("client_id", None)
        route = request.lane_route
        lookup = SaveLookup(
            route["project_slug"], route["source_pk"], token_key=request.lane_token,
            client_id=client_id, probe=CodebookProbe.of_input(data),
        )  # fmt: skip
        try:
            coding = warm_saves.save(lookup, None, data)
        except Exception as exc:
            if not is_database_down(exc):
                raise
            response = unavailable_response(request)
            log_response(response.reason_phrase, request=request, response=response)
            return response
        if coding is None:
            return None
        response = saved_answer(coding, coding.coder.get_username())
        response["Allow"] = self.allow
        patch_vary_headers(response, ("Accept", "Cookie"))  # DRF's, then the session's
        return response


def _put_back_body(environ: dict, request: WSGIRequest) -> None:
    """The body the lane read, if it read it, back in the environ for Django to read again."""
    if hasattr(request, "_body"):
        environ["wsgi.input"] = io.BytesIO(request._body)


# The middlewares the lane stands in for (the docstring above says how). With any other list it
# steps aside for good: a middleware it does not know of must see every request.
KNOWN_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.csp.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "config.request_guard.RequestGuardMiddleware",
    "config.unavailable.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]


def wrap(django: WSGIApp) -> WSGIApp:
    """Django's WSGI application behind the save lane, where saves can be warm (PostgreSQL)
    and the middlewares are those the lane stands in for; else Django's application alone."""
    if not single_statement_insert_available() or settings.MIDDLEWARE != KNOWN_MIDDLEWARE:
        return django
    return SaveLane(django)

"""django-csp's middleware with the policy headers built once, not on every response.

django-csp builds both headers (the policy and the report-only one) from the settings for every
response, which costs more than the rest of a coding save's middlewares together (issue 20). A
response that neither customises the policy (`@csp_update` and friends set `_csp_*` attributes)
nor used a nonce gets the same headers every time, so those are built on first use and kept;
anything else, and everything when the settings exclude URL prefixes, goes through django-csp's
own `process_response` unchanged.
"""

from __future__ import annotations

from csp import middleware
from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.utils import build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpRequest
from django.http.response import HttpResponseBase

CUSTOMISED = (
    "_csp_config", "_csp_update", "_csp_replace", "_csp_exempt",
    "_csp_config_ro", "_csp_update_ro", "_csp_replace_ro", "_csp_exempt_ro",
)  # fmt: skip


class CSPMiddleware(middleware.CSPMiddleware):
    _headers: list[tuple[str, str]] | None = None

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not self._plain(request, response):
            return super().process_response(request, response)
        if self._headers is None:
            built = [(HEADER, build_policy()), (HEADER_REPORT_ONLY, build_policy(report_only=True))]
            type(self)._headers = [(name, value) for name, value in built if value]
        for name, value in self._headers:
            if name not in response:
                response[name] = value
        # as django-csp does: a nonce asked for after the header is written is an error
        request.csp_nonce = middleware.CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @staticmethod
    def _plain(request: HttpRequest, response: HttpResponseBase) -> bool:
        if getattr(request, "_csp_nonce", None) is not None:
            return False
        if any(hasattr(response, name) for name in CUSTOMISED):
            return False
        if settings.DEBUG and response.status_code in (404, 500):
            return False  # django-csp leaves Django's debug pages alone
        for name in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY"):
            if (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES"):
                return False
        return True


@receiver(setting_changed)
def _forget_headers(setting: str, **kwargs) -> None:
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        CSPMiddleware._headers = None

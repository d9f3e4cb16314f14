"""The OpenAPI schema's error answers, declared where the API gives them.

drf-spectacular documents the success answer of each operation; `ErrorAnswersSchema` (the
`DEFAULT_SCHEMA_CLASS`) adds the errors every operation of this API can give, from the same
rules the code follows:

- 400 for operations with a request body or query parameters, and for every change (a DELETE
  the rules refuse, such as removing a project's last PI): field errors from a serializer or
  filter form ({"field": ["message", ...]}), or {"detail": ...} (the request guard,
  config/request_guard.py: a character PostgreSQL cannot store, JSON nested too deeply);
- 403 when the operation needs a logged-in user: not logged in (the session authenticator comes
  first, so DRF answers 403 rather than 401), or a role that may not do this;
- 404 when the path names something (a project, a source, an id) the asker may not see, and on
  paginated lists for a page past the end;
- 413 for operations with a request body: the body is over REQUEST_MAX_BODY_BYTES;
- 429 where a view declares it (the token endpoint: django-axes lockout).

Answers an operation declares itself (409 on the coding endpoints, for example) are kept.
"""

from __future__ import annotations

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.permissions import AllowAny

BODY_METHODS = ("POST", "PUT", "PATCH")
CHANGE_METHODS = (*BODY_METHODS, "DELETE")


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField()


DETAIL = ErrorDetailSerializer
BAD_REQUEST = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='Bad input: {"field": ["message", ...]} per field (non_field_errors for the '
    'request as a whole), or {"detail": "message"}.',
)
NOT_ALLOWED = OpenApiResponse(DETAIL, description="Not logged in, or not allowed for your role.")
NOT_FOUND = OpenApiResponse(
    DETAIL, description="No such object among those you may see (or no such page of a list)."
)
TOO_LARGE = OpenApiResponse(DETAIL, description="The request body is over the maximum size.")
LOCKED_OUT = OpenApiResponse(
    DETAIL, description="Too many failed logins; the Retry-After header says when to retry."
)


class ErrorAnswersSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, answer in self.error_answers().items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(answer, str(code))
        return responses

    def error_answers(self) -> dict[int, OpenApiResponse]:
        has_body = self.method in BODY_METHODS
        has_query = any(p.get("in") == "query" for p in self._get_parameters())
        answers: dict[int, OpenApiResponse] = {}
        if has_body or has_query or self.method in CHANGE_METHODS:
            answers[400] = BAD_REQUEST
        if not all(isinstance(p, AllowAny) for p in self.view.get_permissions()):
            answers[403] = NOT_ALLOWED
        if "{" in self.path or (self._is_list_view() and self._get_paginator() is not None):
            answers[404] = NOT_FOUND
        if has_body:
            answers[413] = TOO_LARGE
        if getattr(self.view, "locks_out", False):
            answers[429] = LOCKED_OUT
        return answers

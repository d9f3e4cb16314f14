"""The coding workspace API: a source's codings, one coding, done/reopen, the coder's queue.

Blind coding: a coder only ever reads and writes their own codings (another coder's coding is a
404, and nothing counts it); a project's PIs read everyone's, filtered with `?coder=<username>`.
"""

import contextlib

from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse, HttpResponseNotModified
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException, AuthenticationFailed, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from coding import access
from coding.api.authentication import (
    SaveTokenAuthentication,
    TokenAuthentication,
    TokenCheckedBySave,
)
from coding.models import Assignment
from coding.workspace import span_list, warm_saves
from coding.workspace.api.serializers import (
    AssignmentSerializer,
    CodingCreateSerializer,
    CodingListItemSerializer,
    CodingPatchSerializer,
    CodingSerializer,
    ConflictSerializer,
    InputError,
    coding_as_api,
    parse_coding_input,
)
from coding.workspace.codings import (
    AssignmentDone,
    CodingApproved,
    CodingDeleted,
    NotAssigned,
    StaleVersion,
    create_coding,
    delete_coding,
    update_coding,
)
from coding.workspace.lookups import SaveLookup, SaveTarget, load_for_change, load_for_save
from coding.workspace.queue import WrongStatus, mark_done, queue_for, reopen
from coding.workspace.source_texts import source_text
from coding.workspace.validation import CodebookProbe, CodingInvalid, SpanText
from coding.workspace.visibility import visible_codings

CONFLICT = OpenApiResponse(ConflictSerializer, description="Stale version or source marked done.")
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="The version the change is based on (instead of a `version` field).",
)  # fmt: skip


def _conflict(exc: Exception) -> Response:
    if isinstance(exc, StaleVersion):
        body = {"detail": str(exc), "code": "stale_version", "current": exc.current}
        if exc.current is not None:
            body["detail"] += " Your change was not saved; review the current version."
        return Response(body, status=status.HTTP_409_CONFLICT)
    code = getattr(exc, "code", "assignment_done")
    return Response({"detail": str(exc), "code": code}, status.HTTP_409_CONFLICT)


def _parse(body, *, partial: bool = False) -> dict:
    try:
        return parse_coding_input(body, partial=partial)
    except InputError as exc:
        raise ValidationError(exc.errors) from exc


@contextlib.contextmanager
def _anonymous_if_refused(request):
    """A refused token leaves the request anonymous (its error answer reads request.user)."""
    try:
        yield
    except AuthenticationFailed:
        request.user = AnonymousUser()
        raise


def _check_token(request) -> None:
    """Authenticate a save's token now, if its lookup has not checked it yet."""
    if isinstance(request.user, TokenCheckedBySave):
        with _anonymous_if_refused(request):
            request.user, request.auth = TokenAuthentication().authenticate_credentials(
                request.user.key
            )


def _lookup(request, project_slug: str, source_pk: int, client_id, data) -> SaveLookup:
    """What a save by the asking user needs to know; a token not checked yet is checked by the
    lookup's own query."""
    user = request.user
    by_token = isinstance(user, TokenCheckedBySave)
    return SaveLookup(
        project_slug, source_pk,
        user_id=None if by_token else user.pk, token_key=user.key if by_token else None,
        client_id=client_id, probe=CodebookProbe.of_input(data),
    )  # fmt: skip


def _load_for_save(request, lookup: SaveLookup) -> SaveTarget:
    """`load_for_save` for the asking user (a save by token is then by the token's user), its
    answer kept for the next save (`warm_saves`)."""
    if lookup.token_key is None:
        target = load_for_save(lookup)
    else:
        with _anonymous_if_refused(request):
            target = load_for_save(lookup)
        request.user = target.user
    warm_saves.remember(lookup, target)
    return target


def saved_answer(coding, coder_name: str) -> HttpResponse:
    """A save's answer: the coding, 201 if this save stored it, 200 if a retry found it. The
    bytes DRF's JSONRenderer writes, without its rendering machinery (the hot path); the save
    lane answers with it too."""
    body = span_list.as_json(coding_as_api(coding, coder_name))
    return HttpResponse(
        body, content_type="application/json", status=201 if coding.created else 200
    )


def _invalid(exc: CodingInvalid) -> ValidationError:
    return ValidationError(exc.message_dict)


class SourceCodingsView(APIView):
    """Codings on one source: yours (coders), or everyone's (PIs, `?coder=` to filter)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("coder", str, description="PIs only: one coder's username."),
            OpenApiParameter(
                "full", bool,
                description="Every field (context, source, save time, client_id) instead of "
                "the compact listing.",
            ),
        ],
        responses={200: CodingListItemSerializer(many=True), 304: None},
        description="Compact by default: no prefix, suffix, source, setting (it follows from "
        "the dyad), updated_at or client_id, and a field at its empty value is left out. "
        "Send the ETag back as If-None-Match: an unchanged list answers 304.",
    )  # fmt: skip
    def get(self, request, project_slug: str, source_pk: int):
        full = request.query_params.get("full") in ("1", "true")
        coder = request.query_params.get("coder")
        scope = span_list.list_scope(project_slug, source_pk, request.user.pk, coder)
        if scope is None:
            access.project_for(request.user, project_slug)  # 404 for a non-member
            raise Http404("No such source among those you may open.")
        tag = span_list.etag(scope, full=full)
        if tag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
        elif full:
            _, me = access.project_for(request.user, project_slug)
            return self._tagged(Response(visible_codings(me, source_pk, coder)), tag)
        else:
            body = span_list.as_json(span_list.compact_codings(scope))
            response = HttpResponse(body, content_type="application/json")
        return self._tagged(response, tag)

    @staticmethod
    def _tagged(response, tag: str):
        response["ETag"] = tag
        response["Cache-Control"] = "private, no-cache"  # revalidate every time: a cheap 304
        response["Vary"] = "Accept, Cookie, Authorization"
        return response

    def get_authenticators(self):
        """A save by API token has its token checked by the save's own lookup query (the
        schema generator, whose views are fake, documents the token scheme as it is)."""
        if getattr(self, "swagger_fake_view", False) or self.request.method != "POST":
            return super().get_authenticators()
        return [
            SaveTokenAuthentication() if issubclass(a, TokenAuthentication) else a()
            for a in self.authentication_classes
        ]

    @extend_schema(
        request=CodingCreateSerializer,
        responses={
            201: CodingSerializer,
            200: OpenApiResponse(
                CodingSerializer,
                description="Already stored under this `client_id` (a retried save): the stored "
                "coding, unchanged.",
            ),
            400: OpenApiResponse(description="A rule broken"),
            409: CONFLICT,
            410: OpenApiResponse(
                description="The coding stored under this `client_id` was deleted since: the "
                "key stays spent, the coding is not created again."
            ),
        },
    )
    def post(self, request, project_slug: str, source_pk: int):
        # The hot path: membership, source and assignment come from one query (load_for_save)
        # rather than access.project_for and friends; the same rules, the same 404s. A warm
        # save by token is answered before this view, by the save lane (save_lane.py), which
        # calls the same warm_saves.save: a new check belongs there or in the lookup, or must
        # make the lane step aside.
        try:
            data = _parse(request.data)
        except APIException:
            _check_token(request)  # a stranger learns nothing of the rules
            raise
        client_id = data.pop("client_id", None)
        lookup = _lookup(request, project_slug, source_pk, client_id, data)
        coding = warm_saves.save(lookup, None if lookup.token_key else request.user, data)
        if coding is None:  # no answer kept, or it no longer holds: the usual way
            coding = self._save(request, lookup, data)
            if isinstance(coding, Response):
                return coding
        elif lookup.token_key is not None:
            request.user = coding.coder
        return saved_answer(coding, request.user.get_username())

    def _save(self, request, lookup: SaveLookup, data: dict):
        """The save with a fresh lookup: the stored coding, or the refusal to answer."""
        target = _load_for_save(request, lookup)
        if not target.is_member:
            raise Http404("No such project among yours.")
        if target.pk is None or (target.my_status is None and not target.is_pi):
            raise Http404("No such source among those you may open.")
        try:
            coding = create_coding(
                target,
                request.user,
                data,
                codebook_id=target.codebook_id,
                assignment_status=target.my_status,
                require_assignment=not target.is_pi,
                client_id=lookup.client_id,
                stored_under_client_id=target.stored_under_client_id,
                deleted_under_client_id=target.deleted_under_client_id,
                text=target.text,
                codebook_facts=target.codebook_facts,
            )
        except CodingInvalid as exc:
            raise _invalid(exc) from exc
        except CodingDeleted as exc:
            body = {"detail": str(exc), "code": "deleted", "id": exc.pk}
            return Response(body, status=status.HTTP_410_GONE)
        except (AssignmentDone, NotAssigned) as exc:
            return _conflict(exc)
        return coding


class CodingDetailView(APIView):
    """One coding. Only its coder changes or deletes it; PIs may read any in their project."""

    def _target(self, request, project_slug: str, pk: int, *, write: bool):
        """The coding with what a change needs (`load_for_change`), or 404: a coder reaches only
        their own codings, and changes them only on sources still assigned to them; PIs read
        everyone's in their project."""
        target = load_for_change(project_slug, pk, request.user.pk)
        if target is None:
            raise Http404("No such coding among yours.")
        mine = target.coding.coder_id == request.user.pk
        if ((write or not target.is_pi) and not mine) or (
            write and not target.is_pi and target.my_status is None
        ):
            raise Http404("No such coding among yours.")
        return target

    def _version(self, request) -> int:
        body = request.data if isinstance(request.data, dict) else {}
        raw = request.headers.get("If-Match") or body.get("version")
        raw = raw or request.query_params.get("version")
        try:
            return int(str(raw).strip('W/"'))
        except (TypeError, ValueError):
            raise ValidationError(
                {"version": "Send the version your change is based on (field `version` or an "
                 "If-Match header), so that a stale edit cannot overwrite a newer one."}
            ) from None  # fmt: skip

    @extend_schema(responses=CodingSerializer)
    def get(self, request, project_slug: str, pk: int):
        target = self._target(request, project_slug, pk, write=False)
        return Response(coding_as_api(target.coding, target.coder_name))

    @extend_schema(
        request=CodingPatchSerializer,
        parameters=[IF_MATCH],
        responses={200: OpenApiResponse(CodingSerializer, description="Saved; also the answer to "
                                     "this same edit sent again after it won."),
               400: OpenApiResponse(description="A rule broken"), 409: CONFLICT},
    )  # fmt: skip
    def patch(self, request, project_slug: str, pk: int):
        data = _parse(request.data, partial=True)
        expected = self._version(request)
        data.pop("version", None)
        target = self._target(request, project_slug, pk, write=True)
        coding = target.coding
        if {"start", "end", "quote"} & data.keys():  # a new span: check it against the text
            text = source_text(coding.source_id, target.text_hash)
            if text is None:
                raise Http404("No such coding among yours.")
            span_text = SpanText.of(text)
        else:
            span_text = SpanText.around_stored(coding)
        try:
            coding = update_coding(
                coding, request.user, data, expected, text=span_text,
                codebook_id=target.codebook_id, assignment_status=target.my_status,
                approved=target.approved,
            )  # fmt: skip
        except CodingInvalid as exc:
            raise _invalid(exc) from exc
        except (StaleVersion, AssignmentDone, CodingApproved) as exc:
            return _conflict(exc)
        return Response(coding_as_api(coding, target.coder_name))

    @extend_schema(
        parameters=[IF_MATCH, OpenApiParameter("version", int, description="Or If-Match.")],
        responses={204: None, 409: CONFLICT},
    )
    def delete(self, request, project_slug: str, pk: int):
        expected = self._version(request)
        target = self._target(request, project_slug, pk, write=True)
        try:
            delete_coding(
                target.coding, request.user, expected,
                assignment_status=target.my_status, approved=target.approved,
            )  # fmt: skip
        except (StaleVersion, AssignmentDone, CodingApproved) as exc:
            return _conflict(exc)
        return Response(status=204)


class AssignmentStatusView(APIView):
    """Mark a source assigned to you as done, or reopen it."""

    action = "done"

    @extend_schema(request=None, responses={200: AssignmentSerializer, 409: CONFLICT})
    def post(self, request, project_slug: str, source_pk: int):
        project, _ = access.project_for(request.user, project_slug)
        assignment = (
            Assignment.objects.filter(
                source_id=source_pk, source__project=project, coder=request.user
            )
            .select_related("source")
            .first()
        )
        if assignment is None:
            raise Http404("This source is not assigned to you.")
        try:
            (mark_done if self.action == "done" else reopen)(assignment)
        except WrongStatus as exc:
            return Response({"detail": str(exc), "code": "wrong_status"}, status=409)
        return Response(AssignmentSerializer(assignment).data)


class MyAssignmentsView(APIView):
    """Your queue in this project: assigned sources, their status, your own codings' count."""

    @extend_schema(responses=AssignmentSerializer(many=True))
    def get(self, request, project_slug: str):
        project, _ = access.project_for(request.user, project_slug)
        return Response(AssignmentSerializer(queue_for(project, request.user), many=True).data)

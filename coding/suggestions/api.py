"""The suggestions API under /api/projects/<slug>/.

GET  sources/<id>/suggestions/     your open suggestions on a source (assigned coders, PIs),
                                   or `off` saying why there are none
POST suggestions/<id>/accept/      201 {"coding": ...}: now your own coding, fully editable
POST suggestions/<id>/dismiss/     200
GET  suggestion-model/             the model in use and the latest training run (members)
POST suggestion-model/             PIs: retrain now (202)
"""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from coding import access
from coding.models import Assignment, Suggestion
from coding.suggestions.retraining import retrain
from coding.suggestions.serving import SuggestionGone, accept, dismiss, suggestions_for
from coding.suggestions.training import TRAINED_SOURCES, current_model
from coding.workspace.api.serializers import coding_as_api
from coding.workspace.codings import AssignmentDone, NotAssigned
from coding.workspace.validation import CodingInvalid


def _source_for(project, me, source_pk: int):
    source = get_object_or_404(project.sources, pk=source_pk)
    if not me.is_pi and not Assignment.objects.filter(source=source, coder=me.user).exists():
        raise Http404("No such source among yours.")
    return source


def suggestion_as_api(s: Suggestion) -> dict:
    return {
        "id": s.pk,
        "source": s.source_id,
        "start": s.start,
        "end": s.end,
        "quote": s.quote,
        "area": s.area_id,
        "area_label": s.area.label,
        "activity": s.activity_id,
        "activity_label": s.activity.label,
        "dyad_type": s.dyad_type,
        "side_a": s.side_a.iso3 if s.side_a else None,
        "side_b": s.side_b.iso3 if s.side_b else None,
        "participants": sorted(a.iso3 for a in s.participants.all()),
        "score": s.score,
    }


def evaluation_for(evaluation: dict | None, *, pi: bool) -> dict:
    """The evaluation without the trained-on source ids (which sources have approved codings is
    nobody's business in the API) and, for coders, without the human coders' scores."""
    hidden = {TRAINED_SOURCES} | (set() if pi else {"coders"})
    return {k: v for k, v in (evaluation or {}).items() if k not in hidden}


def model_as_api(run, *, pi: bool = False) -> dict | None:
    if run is None:
        return None
    return {
        "id": run.pk,
        "status": run.status,
        "step": run.step,
        "done": run.done,
        "total": run.total,
        "approvals": run.approvals,
        "passages": run.passages,
        "seconds": run.seconds,
        "error": run.error,
        "created_at": run.created_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "evaluation": evaluation_for(run.evaluation, pi=pi),
    }


class SourceSuggestionsView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, project_slug: str, source_pk: int):
        project, me = access.project_for(request.user, project_slug)
        source = _source_for(project, me, source_pk)
        rows, off = suggestions_for(project, source, request.user)
        return Response({"off": off, "suggestions": [suggestion_as_api(s) for s in rows]})


class SuggestionDecisionView(APIView):
    action = "accept"

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, project_slug: str, pk: int):
        project, me = access.project_for(request.user, project_slug)
        suggestion = get_object_or_404(
            Suggestion.objects.select_related("source"), pk=pk, source__project=project
        )
        _source_for(project, me, suggestion.source_id)
        try:
            if self.action == "dismiss":
                dismiss(suggestion, request.user)
                return Response({"dismissed": suggestion.pk})
            decision = accept(suggestion, request.user, me)
        except SuggestionGone as exc:
            return Response({"detail": str(exc), "code": "decided"}, status.HTTP_409_CONFLICT)
        except AssignmentDone as exc:
            return Response({"detail": str(exc), "code": "assignment_done"}, status=409)
        except NotAssigned as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_403_FORBIDDEN)
        except CodingInvalid as exc:
            return Response(exc.message_dict, status=status.HTTP_400_BAD_REQUEST)
        return Response({"coding": coding_as_api(decision.coding)}, status=201)


class SuggestionModelView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, project_slug: str):
        project, me = access.project_for(request.user, project_slug)
        latest = project.suggestion_models.defer("blob").first()
        return Response(
            {
                "enabled": project.suggestions_enabled,
                "on_reliability_sample": project.suggestions_on_reliability_sample,
                "retrain_after": project.suggestions_retrain_after,
                "current": model_as_api(current_model(project), pi=me.is_pi),
                "latest": model_as_api(latest, pi=me.is_pi),
            }
        )

    @extend_schema(request=None, responses={202: OpenApiTypes.OBJECT})
    def post(self, request, project_slug: str):
        project, _ = access.project_for(request.user, project_slug, pi=True)
        return Response(model_as_api(retrain(project), pi=True), status=status.HTTP_202_ACCEPTED)


urlpatterns = [
    path(
        "sources/<id:source_pk>/suggestions/",
        SourceSuggestionsView.as_view(),
        name="api-source-suggestions",
    ),
    path(
        "suggestions/<id:pk>/accept/",
        SuggestionDecisionView.as_view(action="accept"),
        name="api-suggestion-accept",
    ),
    path(
        "suggestions/<id:pk>/dismiss/",
        SuggestionDecisionView.as_view(action="dismiss"),
        name="api-suggestion-dismiss",
    ),
    path("suggestion-model/", SuggestionModelView.as_view(), name="api-suggestion-model"),
]

"""The screening API under /api/projects/<slug>/screening/.

GET  screening/            your answers and waiting count (PIs also: counts by status, agreement)
GET  screening/queue/      your next sources to screen, most relevant first (?limit=, max 100),
                           with the detected actors as code-point spans
GET  screening/decisions/  answers: yours (coders), everyone's (PIs)
POST screening/decisions/  {"source": id, "relevant": true|false, "note": ""}: 201, 400 for bad
                           input, 404 for a source not in screening, 409 when it is settled or
                           you already answered it

Blind screening: a coder sees only their own answers and nothing that depends on another
screener's: a decision's `status` is "answered" on a double-screened source (PIs see the real
status, conflicts included), and the summary has no counts by status for coders.
"""

from dataclasses import asdict

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from coding import access
from coding.detection.codebooks import detector_for_codebook
from coding.models import ScreeningDecision, SourceScreening
from coding.screening.agreement import screening_agreement
from coding.screening.decisions import ScreeningClosed, decide, settles, status_for_screener
from coding.screening.queue import my_answer_counts, screening_queue, status_counts


class DecisionInput(serializers.Serializer):
    source = serializers.IntegerField(min_value=1, max_value=2**63 - 1)  # a 400, not an overflow
    relevant = serializers.BooleanField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class DecisionSerializer(serializers.ModelSerializer):
    source = serializers.IntegerField(source="screening.source_id")
    screener = serializers.CharField(source="screener.username")
    status = serializers.SerializerMethodField()

    class Meta:
        model = ScreeningDecision
        fields = ["id", "source", "screener", "relevant", "note", "final", "decided_at", "status"]

    def get_status(self, decision) -> str:
        if self.context.get("pi"):
            return decision.screening.status
        return status_for_screener(decision.screening)


class QueueItemSerializer(serializers.ModelSerializer):
    source = serializers.IntegerField(source="source_id")
    title = serializers.CharField(source="source.title")
    mentions = serializers.SerializerMethodField()

    class Meta:
        model = SourceScreening
        fields = ["source", "title", "relevance", "actors", "double", "status", "mentions"]

    def get_mentions(self, item) -> list[dict]:
        detector = self.context["detector"]
        return [m.as_dict() for m in detector.find(item.source.text)]


class ScreeningSummaryView(APIView):
    @extend_schema(responses=OpenApiTypes.OBJECT)
    def get(self, request, project_slug: str):
        project, me = access.project_for(request.user, project_slug)
        body = {
            "screening_required": project.screening_required,
            "double_percent": project.screening_double_percent,
            "waiting_for_you": screening_queue(project, request.user).count(),
            "your_answers": my_answer_counts(project, request.user),
        }
        if me.is_pi:  # statuses depend on other screeners' answers: not for coders
            body["counts"] = status_counts(project)
            body["agreement"] = asdict(screening_agreement(project))
        return Response(body)


class ScreeningQueueView(APIView):
    @extend_schema(responses=QueueItemSerializer(many=True))
    def get(self, request, project_slug: str):
        project, _ = access.project_for(request.user, project_slug)
        try:
            limit = min(max(int(request.query_params.get("limit", 20)), 1), 100)
        except ValueError:
            return Response({"limit": ["Give a whole number."]}, status=400)
        items = screening_queue(project, request.user)[:limit]
        context = {"detector": detector_for_codebook(project.codebook)}
        return Response(QueueItemSerializer(items, many=True, context=context).data)


class ScreeningDecisionsView(APIView):
    @extend_schema(responses=DecisionSerializer(many=True))
    def get(self, request, project_slug: str):
        project, me = access.project_for(request.user, project_slug)
        rows = ScreeningDecision.objects.filter(screening__source__project=project).select_related(
            "screening", "screener"
        )
        if not me.is_pi:
            rows = rows.filter(screener=request.user)
        context = {"pi": me.is_pi}
        return Response(DecisionSerializer(rows.order_by("pk"), many=True, context=context).data)

    @extend_schema(request=DecisionInput, responses={201: DecisionSerializer})
    def post(self, request, project_slug: str):
        project, me = access.project_for(request.user, project_slug)
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        if "relevant" not in request.data:  # a form post would read a missing box as false
            return Response({"relevant": ["This field is required."]}, status=400)
        item = SourceScreening.objects.filter(
            source__project=project, source_id=data.validated_data["source"]
        ).first()
        if item is None:
            return Response({"detail": "This source is not in screening."}, status=404)
        try:
            decision = decide(
                item,
                request.user,
                data.validated_data["relevant"],
                data.validated_data["note"],
                final=settles(item, is_pi=me.is_pi),
            )
        except ScreeningClosed as exc:
            return Response({"detail": str(exc), "code": "screened"}, status.HTTP_409_CONFLICT)
        decision.screening.refresh_from_db()
        body = DecisionSerializer(decision, context={"pi": me.is_pi}).data
        return Response(body, status=status.HTTP_201_CREATED)


urlpatterns = [
    path("screening/", ScreeningSummaryView.as_view(), name="api-screening"),
    path("screening/queue/", ScreeningQueueView.as_view(), name="api-screening-queue"),
    path("screening/decisions/", ScreeningDecisionsView.as_view(), name="api-screening-decisions"),
]

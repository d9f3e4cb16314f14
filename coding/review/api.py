"""GET /api/projects/<slug>/events/: approved events with the export's filters (PIs only)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound

from coding import access
from coding.export.filters import EventFilter
from coding.models import Actor, Event, EventEvidence
from coding.reliability.training import study_events
from config.converters import EventIdConverter


class EvidenceSerializer(serializers.ModelSerializer):
    coding_id = serializers.IntegerField(source="coding.pk")
    source_id = serializers.IntegerField(source="coding.source_id")
    source_title = serializers.CharField(source="coding.source.title")
    source_url = serializers.SerializerMethodField()
    start = serializers.IntegerField(source="coding.start")
    end = serializers.IntegerField(source="coding.end")
    quote = serializers.CharField(source="coding.quote")
    coder = serializers.CharField(source="coding.coder.username")
    confidence = serializers.IntegerField(source="coding.confidence")

    class Meta:
        model = EventEvidence
        fields = ["coding_id", "source_id", "source_title", "source_url", "start", "end",
                  "quote", "coder", "confidence", "primary"]  # fmt: skip

    def get_source_url(self, item: EventEvidence) -> str:
        return item.coding.source.canonical_url or item.coding.source.url


class EventSerializer(serializers.ModelSerializer):
    area = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    activity = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    side_a_iso3 = serializers.CharField(source="side_a.iso3", default=None, allow_null=True)
    side_b_iso3 = serializers.CharField(source="side_b.iso3", default=None, allow_null=True)
    participants_iso3 = serializers.SerializerMethodField()
    approved_by = serializers.CharField(source="approved_by.username")
    codebook_version = serializers.CharField(source="codebook.version")
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta:
        model = Event
        fields = [
            "event_id", "event_date", "event_date_end", "date_prec", "area", "activity",
            "dyad_type", "side_a_iso3", "side_b_iso3", "participants_iso3", "setting", "forum",
            "confidence", "note", "approved_by", "approved_at", "last_modified",
            "codebook_version", "evidence",
        ]  # fmt: skip

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_participants_iso3(self, event: Event) -> list[str]:
        return [a.iso3 for a in event.participants.all()]


class EventViewSet(viewsets.ReadOnlyModelViewSet):
    """Approved events of a project, filtered like the export (PIs only; coders get 403)."""

    serializer_class = EventSerializer
    filterset_class = EventFilter
    lookup_field = "event_id"
    lookup_value_regex = EventIdConverter.regex
    queryset = Event.objects.none()

    def check_permissions(self, request):
        super().check_permissions(request)
        if not getattr(self, "swagger_fake_view", False):
            self.project()

    def project(self):
        if not hasattr(self, "_project"):
            self._project, _ = access.project_for(
                self.request.user, self.kwargs["project_slug"], pi=True
            )
        return self._project

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Event.objects.none()
        evidence = EventEvidence.objects.select_related("coding__source", "coding__coder")
        return (
            study_events(self.project())  # as the export: no calibration references
            .select_related("side_a", "side_b", "area", "activity", "approved_by", "codebook")
            .prefetch_related(
                Prefetch("participants", queryset=Actor.objects.order_by("iso3")),
                Prefetch("evidence", queryset=evidence),
            )
            .order_by("event_id")
        )

    def get_object(self):
        event = self.get_queryset().filter(event_id=self.kwargs["event_id"]).first()
        if event is None:
            raise NotFound("No such event in this project.")
        return event

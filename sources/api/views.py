"""Sources and ingestion jobs over the API: thin views over sources.listing and sources.jobs."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from coding import access
from config.converters import IdConverter
from sources.api.serializers import (
    EncodingChoiceSerializer,
    IngestItemSerializer,
    IngestJobCreateSerializer,
    IngestJobDetailSerializer,
    IngestJobSerializer,
    ItemPositionSerializer,
    SourceSerializer,
    SourceSummarySerializer,
)
from sources.inputs import InputError, ItemSpec, file_specs, paste_spec
from sources.jobs.access import project_for_ingest, visible_jobs
from sources.jobs.ingest import (
    BrokerUnavailable,
    create_job,
    release_held_item,
    retry_failed,
    too_many_items,
)
from sources.jobs.outcomes import visible_source_ids
from sources.jobs.stopping import cancel_job, discard_held_item
from sources.listing import filtered_sources
from sources.models import IngestItem, IngestJob, ItemKind, ItemStatus, Source

LIST_PARAMETERS = [
    OpenApiParameter("q", OpenApiTypes.STR, description="search title, outlet and text"),
    OpenApiParameter(
        "status", OpenApiTypes.STR, enum=["unassigned", "not_started", "in_progress", "done"]
    ),
    OpenApiParameter("coder", OpenApiTypes.INT, description="user id of a coder (PIs only)"),
    OpenApiParameter("sort", OpenApiTypes.STR, enum=["date", "date_asc", "title", "added"]),
]


@extend_schema_view(list=extend_schema(parameters=LIST_PARAMETERS))
class SourceViewSet(viewsets.ReadOnlyModelViewSet):
    """Sources of a project: PIs see all, coders the ones assigned to them."""

    lookup_value_regex = IdConverter.regex  # an id, else the route does not match: 404

    queryset = Source.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Source.objects.none()
        project, me = access.project_for(self.request.user, self.kwargs["project_slug"])
        if self.action == "list":
            form, sources = filtered_sources(project, me, self.request.query_params)
            if form.errors:
                raise ValidationError(form.errors)
            return sources.defer("text", "original_compressed").select_related("ingested_by")
        return sources_for_detail(project, me)

    def get_serializer_class(self):
        return SourceSerializer if self.action == "retrieve" else SourceSummarySerializer


def sources_for_detail(project, me):
    from sources.access import visible_sources

    return visible_sources(project, me).select_related("ingested_by")


class IngestJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Ingestion jobs: PIs and coders allowed to add sources start them and follow them."""

    lookup_value_regex = IdConverter.regex  # an id, else the route does not match: 404

    queryset = IngestJob.objects.none()
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IngestJob.objects.none()
        project, me = project_for_ingest(self.request.user, self.kwargs["project_slug"])
        jobs = visible_jobs(project, me)
        if self.action == "retrieve":
            items = IngestItem.objects.select_related("source").defer(
                "payload_compressed", "source__text", "source__original_compressed"
            )
            jobs = jobs.prefetch_related(Prefetch("items", queryset=items))
        return jobs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return IngestJobDetailSerializer
        if self.action == "create":
            return IngestJobCreateSerializer
        return IngestJobSerializer

    @extend_schema(request=IngestJobCreateSerializer, responses={201: IngestJobSerializer})
    def create(self, request, *args, **kwargs):
        project, _ = project_for_ingest(request.user, self.kwargs["project_slug"])
        serializer = IngestJobCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        specs = [ItemSpec(ItemKind.URL, url.strip()) for url in data["urls"] if url.strip()]
        try:
            specs += [paste_spec(t["title"], t["text"]) for t in data["texts"]]
        except InputError as exc:
            raise ValidationError({"texts": [str(exc)]}) from None
        try:
            for upload in data["files"]:
                specs += file_specs(upload.name, upload.read())
        except InputError as exc:
            raise ValidationError({"files": [str(exc)]}) from None
        if not specs:
            raise ValidationError({"urls": ["Give at least one URL, text or file."]})
        if too_many := too_many_items(specs):
            raise ValidationError({"urls": [too_many]})
        try:
            job = create_job(project, request.user, specs, kind="api")
        except BrokerUnavailable as exc:
            return broker_unavailable(exc)
        return Response(IngestJobSerializer(job).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={202: IngestJobSerializer, 503: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def retry(self, request, *args, **kwargs):
        """Queue the job's failed items again (those refused at submission stay failed)."""
        job = self.get_object()
        try:
            retried = retry_failed(job)
        except BrokerUnavailable as exc:
            return broker_unavailable(exc)
        job.refresh_from_db()
        return Response(
            {**IngestJobSerializer(job).data, "retried": retried}, status=status.HTTP_202_ACCEPTED
        )

    @extend_schema(request=EncodingChoiceSerializer, responses={200: IngestItemSerializer})
    @action(detail=True, methods=["post"], url_path="choose-encoding")
    def choose_encoding(self, request, *args, **kwargs):
        """Ingest a held item (status "held") with the encoding chosen among its candidates
        (or any other listed). 409 if the item is not held."""
        job = self.get_object()
        serializer = EncodingChoiceSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        item = get_object_or_404(job.items.all(), position=data["position"])
        if item.status != ItemStatus.HELD or not release_held_item(item, data["encoding"]):
            return Response(
                {"detail": "This item is not waiting for an encoding."},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(IngestItemSerializer(item).data)

    @extend_schema(request=ItemPositionSerializer, responses={200: IngestItemSerializer})
    @action(detail=True, methods=["post"], url_path="discard-item")
    def discard_item(self, request, *args, **kwargs):
        """Discard a held item (status "held") instead of choosing its encoding: it fails,
        "discarded by <user>", is not retried, and the job closes if nothing else is left.
        409 if the item is not held."""
        job = self.get_object()
        serializer = ItemPositionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = get_object_or_404(job.items.all(), position=serializer.validated_data["position"])
        if not discard_held_item(item, request.user):
            return Response(
                {"detail": "This item is not waiting for an encoding."},
                status=status.HTTP_409_CONFLICT,
            )
        return Response(IngestItemSerializer(item).data)

    @extend_schema(request=None, responses={200: IngestJobSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, *args, **kwargs):
        """Cancel the job: its items not started yet (pending or held) fail, "cancelled by
        <user>", not to be retried; running ones finish. `cancelled` says how many (0: none
        was left)."""
        job = self.get_object()
        cancelled = cancel_job(job, request.user)
        job.refresh_from_db()
        return Response({**IngestJobSerializer(job).data, "cancelled": cancelled})

    def retrieve(self, request, *args, **kwargs):
        project, me = project_for_ingest(request.user, self.kwargs["project_slug"])
        job = self.get_object()
        visible = visible_source_ids(project, me, job.items.all())
        serializer = IngestJobDetailSerializer(job, context={"visible_sources": visible})
        return Response(serializer.data)

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])


def broker_unavailable(exc: BrokerUnavailable) -> Response:
    """503: the job is stored and will start by itself; the client need not send it again."""
    job = exc.job
    job.refresh_from_db()
    body = {"detail": exc.message(), "reason": exc.reason, "job": IngestJobSerializer(job).data}
    return Response(body, status=status.HTTP_503_SERVICE_UNAVAILABLE, headers={"Retry-After": "30"})

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from rest_framework import mixins, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated

from coding import access
from coding.api.permissions import CanCreateProjects
from coding.api.serializers import (
    CodebookSerializer,
    CodebookSummarySerializer,
    MembershipSerializer,
    ProjectSerializer,
)
from coding.models import Activity, Area, Membership, Project
from coding.projects import add_member, create_project, remove_member, set_member
from config.converters import IdConverter


class ProjectViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Projects the user belongs to. PIs (the `coding.add_project` permission) create them;
    a project's PIs edit it."""

    serializer_class = ProjectSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"  # Django's slug converter, as the other routes

    def get_queryset(self):
        return access.projects_for(self.request.user).select_related("codebook").order_by("name")

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated(), CanCreateProjects()]
        return super().get_permissions()

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if self.request.user.is_authenticated:
            context["roles"] = dict(
                Membership.objects.filter(user=self.request.user).values_list("project_id", "role")
            )
        return context

    def get_object(self):
        project, _ = access.project_for(
            self.request.user,
            self.kwargs["slug"],
            pi=self.action in {"update", "partial_update"},
        )
        return project

    def perform_create(self, serializer):
        project = create_project(creator=self.request.user, **serializer.validated_data)
        serializer.instance = project
        serializer.context["roles"] = {project.pk: "pi"}


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Members of a project: members list them; only its PIs add, change and remove them."""

    lookup_value_regex = IdConverter.regex  # an id, else the route does not match: 404

    serializer_class = MembershipSerializer
    pagination_class = None
    queryset = Membership.objects.none()

    def project(self) -> Project:
        if not hasattr(self, "_project"):
            needs_pi = self.action not in {"list", "retrieve"}
            self._project, _ = access.project_for(
                self.request.user, self.kwargs["project_slug"], pi=needs_pi
            )
        return self._project

    def check_permissions(self, request):
        super().check_permissions(request)
        if not getattr(self, "swagger_fake_view", False):
            self.project()  # 404 for non-members, 403 for coders who try to manage

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Membership.objects.none()
        return self.project().memberships.select_related("user").order_by("role", "user__username")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def perform_create(self, serializer):
        data = serializer.validated_data
        try:
            serializer.instance = add_member(
                self.project(), data["user"], data["role"], can_ingest=data.get("can_ingest", False)
            )
        except DjangoValidationError as exc:
            raise ValidationError({"username": exc.messages}) from exc

    def perform_update(self, serializer):
        member = serializer.instance
        data = serializer.validated_data
        if data.get("user", member.user) != member.user:
            raise ValidationError({"username": "A membership's user cannot change."})
        serializer.instance = self._set(
            member.user, data.get("role", member.role), data.get("can_ingest", member.can_ingest)
        )

    def perform_destroy(self, member):
        try:
            remove_member(self.project(), member)
        except DjangoValidationError as exc:
            raise ValidationError({"detail": exc.messages}) from exc

    def _set(self, user, role, can_ingest):
        try:
            return set_member(self.project(), user, role, can_ingest=can_ingest)
        except DjangoValidationError as exc:
            raise ValidationError({"role": exc.messages}) from exc


class CodebookViewSet(viewsets.ReadOnlyModelViewSet):
    """Codebooks of the user's projects (PIs who create projects see every codebook)."""

    lookup_value_regex = IdConverter.regex  # an id, else the route does not match: 404

    def get_queryset(self):
        user = self.request.user
        codebooks = access.codebooks_for(user).order_by("name", "version")
        if self.action == "retrieve":
            codebooks = codebooks.prefetch_related(
                "actors",
                "confidence_levels",
                Prefetch(
                    "areas",
                    queryset=Area.objects.order_by("order").prefetch_related(
                        Prefetch("activities", queryset=Activity.objects.order_by("order"))
                    ),
                ),
            )
        return codebooks

    def get_serializer_class(self):
        return CodebookSerializer if self.action == "retrieve" else CodebookSummarySerializer

"""A project's feeds over the API (PIs only): thin over sources.feeds.subscriptions."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from coding import access
from config.converters import IdConverter
from sources.feeds.subscriptions import (
    MAX_INTERVAL,
    MIN_INTERVAL,
    check_feed_url,
    check_interval,
    check_share,
    pause,
    poll_soon,
    resume,
    save_settings,
    subscribe,
)
from sources.models import Feed


class FeedSerializer(serializers.ModelSerializer):
    """A feed: `url` is set once; `paused: false` resumes a paused feed (its failures reset)."""

    coders = serializers.PrimaryKeyRelatedField(
        many=True, required=False, queryset=get_user_model().objects.none()
    )
    interval_minutes = serializers.IntegerField(
        required=False, min_value=MIN_INTERVAL, max_value=MAX_INTERVAL
    )
    reliability_share = serializers.FloatField(required=False, min_value=0.0, max_value=1.0)
    paused = serializers.BooleanField(required=False)

    class Meta:
        model = Feed
        fields = [
            "id",
            "url",
            "title",
            "interval_minutes",
            "coders",
            "reliability_share",
            "paused",
            "last_polled_at",
            "next_poll_at",
            "last_error",
            "failures",
            "items_added",
            "created_at",
        ]
        read_only_fields = [
            "last_polled_at",
            "next_poll_at",
            "last_error",
            "failures",
            "items_added",
            "created_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        project = self.context.get("project")
        if project is not None:  # coders are chosen among the project's members
            members = get_user_model().objects.filter(memberships__project=project)
            self.fields["coders"].child_relation.queryset = members

    def validate_url(self, value: str) -> str:
        return _checked(check_feed_url, self.context["project"], value, feed=self.instance)

    def validate_interval_minutes(self, value: int) -> int:
        return _checked(check_interval, value)

    def validate_reliability_share(self, value: float) -> float:
        return _checked(check_share, value)


def _checked(check, *args, **kwargs):
    try:
        return check(*args, **kwargs)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from None


class FeedViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """RSS/Atom feeds a project follows: only its PIs list, add, change and remove them."""

    lookup_value_regex = IdConverter.regex  # an id, else the route does not match: 404

    serializer_class = FeedSerializer
    pagination_class = None
    filter_backends = []
    queryset = Feed.objects.none()

    def project(self):
        if not hasattr(self, "_project"):
            self._project, _ = access.project_for(
                self.request.user, self.kwargs["project_slug"], pi=True
            )
        return self._project

    def check_permissions(self, request):
        super().check_permissions(request)
        if not getattr(self, "swagger_fake_view", False):
            self.project()  # 404 for non-members, 403 for coders

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Feed.objects.none()
        return self.project().feeds.prefetch_related("coders")

    def get_object(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def get_serializer_context(self):
        context = super().get_serializer_context()
        if not getattr(self, "swagger_fake_view", False) and self.request.user.is_authenticated:
            context["project"] = self.project()
        return context

    def perform_create(self, serializer):
        data = serializer.validated_data
        coders = data.pop("coders", [])
        paused = data.pop("paused", False)
        feed = subscribe(Feed(**data, paused=paused), self.project(), self.request.user)
        feed.coders.set(coders)
        serializer.instance = feed

    def perform_update(self, serializer):
        feed = serializer.instance
        was_paused = feed.paused
        data = serializer.validated_data
        paused = data.pop("paused", was_paused)
        coders = data.pop("coders", None)
        data.pop("url", None)  # the same feed's URL (check_feed_url refuses another)
        for name, value in data.items():
            setattr(feed, name, value)
        save_settings(feed, coders)
        if was_paused and not paused:
            resume(feed)
        elif paused and not was_paused:
            pause(feed)

    @extend_schema(request=None, responses={202: FeedSerializer, 409: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"])
    def poll(self, request, *args, **kwargs):
        """Poll the feed at the next beat (within a minute), whatever its interval."""
        feed = self.get_object()
        if feed.paused:
            detail = "The feed is paused: resume it (paused: false) to poll it."
            return Response({"detail": detail}, status=status.HTTP_409_CONFLICT)
        poll_soon(feed)
        return Response(self.get_serializer(feed).data, status=status.HTTP_202_ACCEPTED)

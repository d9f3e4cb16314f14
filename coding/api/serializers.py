from django.contrib.auth import get_user_model
from rest_framework import serializers

from coding import access
from coding.models import (
    Activity,
    Actor,
    Area,
    Codebook,
    ConfidenceLevel,
    Membership,
    Project,
    Role,
)

User = get_user_model()


class ActorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Actor
        fields = ["id", "name", "iso3", "cow_code", "cow_abbrev", "core"]


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = [
            "id", "slug", "label", "order", "directed", "contact_level", "enabled",
            "definition", "guidance", "example",
        ]  # fmt: skip


class AreaSerializer(serializers.ModelSerializer):
    activities = ActivitySerializer(many=True, read_only=True)

    class Meta:
        model = Area
        fields = ["id", "slug", "label", "order", "color", "shortcut", "definition", "guidance",
                  "activities"]  # fmt: skip


class ConfidenceLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = ConfidenceLevel
        fields = ["value", "label", "shortcut", "definition"]


class CodebookSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Codebook
        fields = ["id", "name", "version", "description", "created_at"]


class CodebookSerializer(CodebookSummarySerializer):
    actors = ActorSerializer(many=True, read_only=True)
    areas = AreaSerializer(many=True, read_only=True)
    confidence_levels = ConfidenceLevelSerializer(many=True, read_only=True)

    class Meta(CodebookSummarySerializer.Meta):
        fields = [*CodebookSummarySerializer.Meta.fields, "actors", "areas", "confidence_levels"]


class ProjectSerializer(serializers.ModelSerializer):
    codebook = serializers.PrimaryKeyRelatedField(queryset=Codebook.objects.all())
    my_role = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "slug", "name", "description", "codebook", "created_at", "my_role"]
        read_only_fields = ["created_at"]

    def get_my_role(self, project: Project) -> str | None:
        roles = self.context.get("roles", {})
        return roles.get(project.pk)

    def validate_codebook(self, codebook: Codebook) -> Codebook:
        request = self.context.get("request")
        if (
            request is not None
            and not access.codebooks_for(request.user).filter(pk=codebook.pk).exists()
        ):
            # the same answer as for an id that does not exist: nothing learnt about it
            raise serializers.ValidationError(
                f'Invalid pk "{codebook.pk}" - object does not exist.', code="does_not_exist"
            )
        instance = self.instance
        if (
            instance is not None
            and codebook != instance.codebook
            and instance.sources.filter(codings__isnull=False).exists()
        ):
            raise serializers.ValidationError(
                "This project already has codings; its codebook cannot change."
            )
        return codebook


class MembershipSerializer(serializers.ModelSerializer):
    username = serializers.SlugRelatedField(
        source="user", slug_field="username", queryset=User.objects.filter(is_active=True)
    )
    role = serializers.ChoiceField(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["id", "username", "role", "can_ingest", "added_at"]
        read_only_fields = ["added_at"]

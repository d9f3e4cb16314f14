from rest_framework import serializers

from sources.fetching.decode import ENCODING_CHOICES
from sources.jobs.outcomes import held_candidates, shown_reason, shown_source_id
from sources.models import IngestItem, IngestJob, Source


class SourceSummarySerializer(serializers.ModelSerializer):
    ingested_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    # a plain string: "" for files and pasted texts (a `format: uri` would refuse that)
    url = serializers.CharField(read_only=True, help_text='the http(s) URL, or "" if none')
    canonical_url = serializers.CharField(
        read_only=True, help_text='the page\'s canonical http(s) URL, or "" if none'
    )

    class Meta:
        model = Source
        fields = [
            "id",
            "title",
            "outlet",
            "author",
            "published_date",
            "language",
            "url",
            "canonical_url",
            "origin",
            "ingested_by",
            "ingested_at",
        ]


class SourceSerializer(SourceSummarySerializer):
    class Meta(SourceSummarySerializer.Meta):
        fields = [
            *SourceSummarySerializer.Meta.fields,
            "original_filename",
            "text_hash",
            "text",
            "provenance",
        ]


class IngestItemSerializer(serializers.ModelSerializer):
    """An item's outcome; context["visible_sources"] holds the ids of the sources the asker may
    open (sources.jobs.outcomes): a duplicate of any other shows no title and no id."""

    reason = serializers.SerializerMethodField()
    source_id = serializers.SerializerMethodField()
    candidates = serializers.SerializerMethodField(
        help_text="a held item's encodings to choose from, best first (the ones its reason names)"
    )

    def get_candidates(self, item: IngestItem) -> list[str]:
        return held_candidates(item)

    def get_reason(self, item: IngestItem) -> str:
        return shown_reason(item, self.context.get("visible_sources", set()))

    def get_source_id(self, item: IngestItem) -> int | None:
        return shown_source_id(item, self.context.get("visible_sources", set()))

    class Meta:
        model = IngestItem
        fields = [
            "position",
            "kind",
            "label",
            "status",
            "reason",
            "source_id",
            "attempts",
            "finished_at",
            "encoding",
            "candidates",
        ]


class IngestJobSerializer(serializers.ModelSerializer):
    created_by = serializers.SlugRelatedField(slug_field="username", read_only=True)
    remaining = serializers.IntegerField(read_only=True)

    class Meta:
        model = IngestJob
        fields = [
            "id",
            "kind",
            "status",
            "total",
            "done",
            "failed",
            "remaining",
            "created_by",
            "created_at",
            "finished_at",
            "queue_error",
        ]


class IngestJobDetailSerializer(IngestJobSerializer):
    items = IngestItemSerializer(many=True, read_only=True)

    class Meta(IngestJobSerializer.Meta):
        fields = [*IngestJobSerializer.Meta.fields, "items"]


class PastedTextSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=500)
    text = serializers.CharField(trim_whitespace=False)


class IngestJobCreateSerializer(serializers.Serializer):
    """What to ingest: URLs, pasted texts (JSON) and/or files (multipart/form-data, where `urls`
    may be repeated and `texts` is not available)."""

    urls = serializers.ListField(
        child=serializers.CharField(max_length=2000), required=False, default=list
    )
    texts = PastedTextSerializer(many=True, required=False, default=list)
    files = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        default=list,
        help_text="HTML (.html, .htm, .xhtml), text (.txt, .md), PDF (.pdf), e-mail (.eml, "
        ".mbox) or .zip files of them; "
        "multipart/form-data, the field repeated once per file. An empty file, or one of "
        "another type, becomes a failed item of its own (“empty file”, “unsupported file "
        "type (.docx)”) and the rest goes ahead.",
    )

    def validate(self, data):
        if not data["urls"] and not data["texts"] and not data["files"]:
            raise serializers.ValidationError("Give at least one URL, text or file.")
        return data


class ItemPositionSerializer(serializers.Serializer):
    """Which item of the job (its `position`)."""

    position = serializers.IntegerField(min_value=0)


class EncodingChoiceSerializer(serializers.Serializer):
    """The encoding chosen for a held item (see `candidates` on the job's items)."""

    position = serializers.IntegerField(min_value=0)
    encoding = serializers.ChoiceField(choices=[codec for _, codec in ENCODING_CHOICES])

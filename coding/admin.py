from django.contrib import admin

from coding.models import (
    Activity,
    Actor,
    Area,
    Assignment,
    Codebook,
    Coding,
    CodingChange,
    ConfidenceLevel,
    Event,
    EventEvidence,
    EventSequence,
    Membership,
    Project,
    ReviewDecision,
    ScreeningDecision,
    SourceScreening,
    Suggestion,
    SuggestionModel,
    WorkerHeartbeat,
)
from config.converters import parse_id


class IdsInUrlsAdmin(admin.ModelAdmin):
    """Drops a related field's initial value from the add page's URL (?coder=x) unless it is an
    id: Django's autocomplete widget raised a ValueError (a 500) on anything else."""

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        for name in [*self.autocomplete_fields, *self.raw_id_fields]:
            if name in initial and parse_id(initial[name]) is None:
                del initial[name]
        return initial


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """Rows the application writes (a coding's history, an event sequence): shown, not added
    here (every field is read-only, so an add page could only fail)."""

    def has_add_permission(self, request) -> bool:
        return False


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "codebook", "created_by", "created_at"]
    search_fields = ["name", "slug", "description"]
    list_filter = ["codebook"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(IdsInUrlsAdmin):
    list_display = ["user", "project", "role", "can_ingest", "added_at"]
    list_filter = ["role", "project"]
    search_fields = ["user__username", "project__name"]
    autocomplete_fields = ["user", "project"]


class ActorInline(admin.TabularInline):
    model = Actor
    extra = 0
    exclude = ["aliases"]  # edited on the actor's own admin page or the actor-names page


class AreaInline(admin.TabularInline):
    model = Area
    extra = 0
    fields = ["order", "slug", "label", "color", "shortcut"]


class ConfidenceInline(admin.TabularInline):
    model = ConfidenceLevel
    extra = 0


@admin.register(Codebook)
class CodebookAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "created_at"]
    search_fields = ["name", "version"]
    inlines = [ActorInline, AreaInline, ConfidenceInline]


@admin.register(Actor)
class ActorAdmin(admin.ModelAdmin):
    list_display = ["name", "iso3", "cow_code", "core", "codebook"]
    list_filter = ["codebook", "core"]
    search_fields = ["name", "iso3", "aliases"]


class ActivityInline(admin.StackedInline):
    model = Activity
    extra = 0


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "order", "color", "codebook"]
    list_filter = ["codebook"]
    search_fields = ["label", "slug", "definition"]
    inlines = [ActivityInline]


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["label", "slug", "area", "directed", "contact_level", "enabled"]
    list_filter = ["area__codebook", "area", "directed", "enabled"]
    search_fields = ["label", "slug", "definition", "guidance"]


@admin.register(ConfidenceLevel)
class ConfidenceLevelAdmin(admin.ModelAdmin):
    list_display = ["value", "label", "codebook"]
    list_filter = ["codebook"]


@admin.register(Assignment)
class AssignmentAdmin(IdsInUrlsAdmin):
    list_display = ["source", "coder", "status", "assigned_at", "done_at"]
    list_filter = ["status", "source__project"]
    search_fields = ["source__title", "coder__username"]
    raw_id_fields = ["source"]
    autocomplete_fields = ["coder"]


class CodingChangeInline(admin.TabularInline):
    model = CodingChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "user", "action", "version", "before", "after"]
    fields = readonly_fields


@admin.register(Coding)
class CodingAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "source",
        "coder",
        "area",
        "activity",
        "dyad_type",
        "confidence",
        "version",
    ]
    list_filter = ["source__project", "area", "dyad_type", "confidence", "coder"]
    search_fields = ["quote", "note", "source__title", "coder__username"]
    raw_id_fields = ["source"]
    readonly_fields = ["version", "created_at", "updated_at"]
    inlines = [CodingChangeInline]


@admin.register(CodingChange)
class CodingChangeAdmin(ReadOnlyRecordAdmin):
    list_display = ["coding_pk", "action", "version", "user", "at"]
    list_filter = ["action"]
    search_fields = ["coding_pk", "user__username"]
    readonly_fields = [
        "coding",
        "coding_pk",
        "source",
        "user",
        "at",
        "action",
        "version",
        "before",
        "after",
    ]


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "at", "token"]


# --- Review, adjudication and events (issue 7) -------------------------------------------------


class EventEvidenceInline(admin.TabularInline):
    model = EventEvidence
    extra = 0
    raw_id_fields = ["coding"]
    readonly_fields = ["added_by", "added_at"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "project", "event_date", "area", "activity", "dyad_type",
                    "confidence", "approved_by", "last_modified"]  # fmt: skip
    list_filter = ["project", "area", "dyad_type", "confidence"]
    search_fields = ["event_id", "note", "forum"]
    readonly_fields = ["event_id", "approved_at", "last_modified"]
    filter_horizontal = ["participants"]
    inlines = [EventEvidenceInline]


@admin.register(ReviewDecision)
class ReviewDecisionAdmin(admin.ModelAdmin):
    list_display = ["kind", "event_ref", "source", "decided_by", "decided_at", "undone_at"]
    list_filter = ["kind", "project"]
    search_fields = ["event_ref", "comment", "source__title"]
    raw_id_fields = ["source", "chosen", "event", "codings"]
    readonly_fields = ["before", "after", "decided_at", "undone_at", "undone_by"]


@admin.register(EventSequence)
class EventSequenceAdmin(ReadOnlyRecordAdmin):
    list_display = ["project", "last"]
    readonly_fields = ["project", "last"]


class ScreeningDecisionInline(admin.TabularInline):
    model = ScreeningDecision
    extra = 0
    raw_id_fields = ["screener"]


@admin.register(SourceScreening)
class SourceScreeningAdmin(admin.ModelAdmin):
    list_display = ["source", "status", "relevance", "double", "updated_at"]
    list_filter = ["status", "double", "source__project"]
    search_fields = ["source__title"]
    raw_id_fields = ["source"]
    inlines = [ScreeningDecisionInline]


@admin.register(SuggestionModel)
class SuggestionModelAdmin(admin.ModelAdmin):
    list_display = ["pk", "project", "status", "approvals", "passages", "seconds", "finished_at"]
    list_filter = ["status", "project"]
    exclude = ["blob"]
    readonly_fields = ["evaluation", "approvals", "passages", "seconds", "error"]


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["source", "activity", "dyad_type", "score", "start", "end", "model"]
    list_filter = ["model__project", "activity"]
    raw_id_fields = ["source", "model", "side_a", "side_b", "participants", "area", "activity"]

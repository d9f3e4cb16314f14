from django.contrib import admin

from sources.models import IngestItem, IngestJob, Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published_date", "language", "project", "ingested_at"]
    list_filter = ["project", "language", "origin"]
    search_fields = ["title", "outlet", "author", "url", "text"]
    readonly_fields = ["text_hash", "ingested_by", "ingested_at", "updated_at"]
    date_hierarchy = "published_date"


# --- ingestion jobs (issue 4) ---


class IngestItemInline(admin.TabularInline):
    model = IngestItem
    fields = ["position", "kind", "label", "status", "reason", "source", "attempts"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(IngestJob)
class IngestJobAdmin(admin.ModelAdmin):
    list_display = ["pk", "project", "created_by", "created_at", "status", "total", "failed"]
    list_filter = ["status", "kind", "project"]
    readonly_fields = ["created_at", "finished_at", "total", "done", "failed"]
    inlines = [IngestItemInline]


@admin.register(IngestItem)
class IngestItemAdmin(admin.ModelAdmin):
    list_display = ["label", "job", "kind", "status", "reason", "attempts", "updated_at"]
    list_filter = ["status", "kind"]
    search_fields = ["label", "reason"]
    readonly_fields = ["job", "source", "attempts", "created_at", "updated_at", "finished_at"]

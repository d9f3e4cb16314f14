from django.contrib import admin

from .models import Source


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ["title", "outlet", "published_date", "language", "project", "ingested_at"]
    list_filter = ["project", "language", "origin"]
    search_fields = ["title", "outlet", "author", "url", "text"]
    readonly_fields = ["text_hash", "ingested_by", "ingested_at", "updated_at"]
    date_hierarchy = "published_date"

"""The Frictionless Data Package descriptor (datapackage.json) of an events export."""

from typing import Any

from django.utils import timezone

from coding.models import Activity, Codebook, DatePrec
from coding.models.codings import DyadType, Setting

LIST = {"type": "list", "delimiter": ";", "itemType": "string"}
# the source_* lists are parallel (as GED's): the n-th item of each is the n-th source's
PER_SOURCE = (
    "in the same order as source_headline; empty for a source without one, and the cell "
    "empty when no source has one"
)


def _events_fields(codebook: Codebook) -> list[dict[str, Any]]:
    areas = [a.slug for a in codebook.areas.order_by("order", "label")]
    activities = list(
        Activity.objects.filter(area__codebook=codebook)
        .order_by("area__order", "order", "label")
        .values_list("slug", flat=True)
    )
    confidence = [
        {"value": c.value, "label": c.label} for c in codebook.confidence_levels.order_by("value")
    ]
    return [
        {"name": "event_id", "type": "string", "constraints": {"required": True, "unique": True},
         "description": "Stable identifier (PROJECT-000001), never reused, kept after edits."},
        {"name": "event_date", "type": "date",
         "description": "Earliest possible date, yyyy-mm-dd (UCDP GED date_start)."},
        {"name": "event_date_end", "type": "date",
         "description": "Latest possible date, yyyy-mm-dd (UCDP GED date_end)."},
        {"name": "date_prec", "type": "integer", "description": "Precision of the date.",
         "categories": [{"value": p.value, "label": p.label} for p in DatePrec],
         "categoriesOrdered": True},
        {"name": "year", "type": "year", "description": "Year of event_date (merge key)."},
        {"name": "area", "type": "string", "categories": areas,
         "description": "The codebook's area (first tier), by slug."},
        {"name": "activity", "type": "string", "categories": activities,
         "description": "The codebook's activity (second tier), by slug."},
        {"name": "dyad_type", "type": "string", "categories": list(DyadType.values),
         "description": "directed (A supplies B), undirected pair, or multilateral group."},
        {"name": "side_a_iso3", "type": "string", "constraints": {"pattern": "[A-Z]{3}"},
         "description": "Side A, ISO 3166-1 alpha-3: supplier or initiator; undirected: sorts "
         "before B."},
        {"name": "side_b_iso3", "type": "string", "constraints": {"pattern": "[A-Z]{3}"},
         "description": "Side B, ISO 3166-1 alpha-3."},
        {"name": "side_a_ccode", "type": "integer", "description": "Correlates of War code of A."},
        {"name": "side_b_ccode", "type": "integer", "description": "Correlates of War code of B."},
        {"name": "participants_iso3", **LIST,
         "description": "Every state taking part (sides included), ISO3, ';'-separated."},
        {"name": "setting", "type": "string", "categories": list(Setting.values),
         "description": "Bilateral or multilateral setting."},
        {"name": "forum", "type": "string", "description": "Forum of a multilateral event."},
        {"name": "confidence", "type": "integer", "categories": confidence,
         "categoriesOrdered": True,
         "description": "How well the sources support the event (the codebook's scale)."},
        {"name": "notes", "type": "string", "description": "The PI's short summary."},
        {"name": "number_of_sources", "type": "integer",
         "description": "Distinct articles supporting the event."},
        {"name": "source", **LIST,
         "description": "Outlets, ';'-separated, one per source (" + PER_SOURCE + ")."},
        {"name": "source_url", **LIST,
         "description": "Article URLs, ';'-separated, one per source (" + PER_SOURCE + ")."},
        {"name": "source_date", **LIST,
         "description": "Publication dates, ';'-separated, one per source (" + PER_SOURCE + ")."},
        {"name": "source_headline", **LIST,
         "description": "Headlines, ';'-separated, one per source (a ';' inside a headline is "
                        "written ',')."},
        {"name": "coders", **LIST, "description": "Coders whose codings support the event."},
        {"name": "approved_by", "type": "string", "description": "The PI who approved it."},
        {"name": "coded_date", "type": "date", "description": "Date the event was approved."},
        {"name": "last_modified", "type": "datetime", "description": "Last change (UTC)."},
        {"name": "codebook_version", "type": "string",
         "description": "Codebook name and version the event was coded with."},
    ]  # fmt: skip


EVIDENCE_FIELDS = [
    {"name": "coding_id", "type": "integer", "description": "The coding's id in the tool."},
    {"name": "event_id", "type": "string", "description": "The event it supports."},
    {"name": "source_id", "type": "integer", "description": "The source's id in the tool."},
    {"name": "article_url", "type": "string", "description": "URL of the article."},
    {"name": "start", "type": "integer",
     "description": "Unicode code point offset into the source text, 0-based, inclusive."},
    {"name": "end", "type": "integer", "description": "Unicode code point offset, exclusive."},
    {"name": "quote", "type": "string",
     "description": "The exact quote: the source text from start to end."},
    {"name": "coder", "type": "string", "description": "Who made the coding."},
    {"name": "role", "type": "string", "categories": ["adopted", "supporting", "overruled"],
     "description": "adopted: the coding whose span the PI chose for the event; supporting: "
     "another coding agreeing with the event on dyad, area, activity and confidence; "
     "overruled: one the PI decided otherwise on at least one of them."},
    {"name": "dyad_type", "type": "string", "description": "This coding's own dyad type."},
    {"name": "side_a_iso3", "type": "string", "description": "This coding's actor A."},
    {"name": "side_b_iso3", "type": "string", "description": "This coding's actor B."},
    {"name": "participants_iso3", "type": "string",
     "description": "This coding's participants (multilateral), ';'-separated."},
    {"name": "area", "type": "string", "description": "This coding's own area (slug)."},
    {"name": "activity", "type": "string", "description": "This coding's own activity (slug)."},
    {"name": "confidence", "type": "integer", "description": "The coder's confidence."},
]  # fmt: skip


def _dyad_year_fields(area_slugs: list[str]) -> list[dict[str, Any]]:
    return [
        {"name": "ccode1", "type": "integer", "description": "COW code of the first state."},
        {"name": "ccode2", "type": "integer", "description": "COW code of the second state."},
        {"name": "iso3_1", "type": "string", "description": "ISO3 of the first state."},
        {"name": "iso3_2", "type": "string", "description": "ISO3 of the second state."},
        {"name": "year", "type": "year", "description": "Year."},
        {"name": "directed", "type": "integer", "categories": [0, 1],
         "description": "1: first state supplies the second; 0: undirected (ccode1 < ccode2); "
         "multilateral events count once for each pair of participants."},
        *[{"name": f"n_{slug}", "type": "integer",
           "description": f"Events in area '{slug}'."} for slug in area_slugs],
        {"name": "n_total", "type": "integer", "description": "Events in all areas."},
    ]  # fmt: skip


def datapackage(project, area_slugs: list[str], filters: dict[str, str]) -> dict[str, Any]:
    codebook = project.codebook
    description = (
        f"Approved events of the project {project.name!r}. In the CSV files, text cells that "
        "start with = + - @ or a tab or carriage return have a leading apostrophe (' ) so that "
        "spreadsheets show them as text instead of running them as formulas (CSV injection); "
        "events.json keeps the values as they are."
    )
    if filters:
        description += " Filters: " + ", ".join(f"{k}={v}" for k, v in filters.items()) + "."
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": f"{project.slug}-events".lower(),
        "title": f"{project.name}: coded events",
        "description": description,
        "version": codebook.version,
        "created": timezone.now().replace(microsecond=0).isoformat(),
        "resources": [
            {"name": "events", "type": "table", "path": "events.csv", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8",
             "schema": {"primaryKey": ["event_id"], "missingValues": [""],
                        "fields": _events_fields(codebook)}},
            {"name": "evidence", "type": "table", "path": "evidence.csv", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8",
             "schema": {"primaryKey": ["coding_id"], "missingValues": [""],
                        "foreignKeys": [{"fields": ["event_id"], "reference": {
                            "resource": "events", "fields": ["event_id"]}}],
                        "fields": EVIDENCE_FIELDS}},
            {"name": "dyad_year", "type": "table", "path": "dyad_year.csv", "format": "csv",
             "mediatype": "text/csv", "encoding": "utf-8",
             "schema": {"primaryKey": ["iso3_1", "iso3_2", "year", "directed"],
                        "missingValues": [""], "fields": _dyad_year_fields(area_slugs)}},
            {"name": "events-json", "path": "events.json", "format": "json",
             "mediatype": "application/json",
             "description": "The events table as JSON objects; list columns are arrays."},
            {"name": "events-xlsx", "path": "events.xlsx", "format": "xlsx",
             "description": "The events table as a spreadsheet."},
            {"name": "codebook", "path": "codebook.json", "format": "json",
             "description": f"The codebook, {codebook.name} v{codebook.version}."},
            {"name": "codebook-qdc", "path": "codebook.qdc", "format": "qdc",
             "description": "The codebook as REFI-QDA codebook exchange (.qdc)."},
        ],
    }  # fmt: skip

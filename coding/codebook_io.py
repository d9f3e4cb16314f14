"""Reading and writing codebooks as plain data (the shape of coding/data/default_codebook.json).

A changed instrument becomes a new codebook version: `new_version` copies one, so codings made
against the old version keep pointing at the labels they were made with.
"""

import json
from pathlib import Path
from typing import Any

from django.apps import apps as global_apps
from django.core.exceptions import ValidationError
from django.db import transaction

DEFAULT_CODEBOOK_PATH = Path(__file__).parent / "data" / "default_codebook.json"

ACTIVITY_FIELDS = (
    "slug", "label", "order", "directed", "contact_level", "enabled", "definition", "guidance",
    "example",
)  # fmt: skip
AREA_FIELDS = ("slug", "label", "order", "color", "shortcut", "definition", "guidance")
ACTOR_FIELDS = ("name", "iso3", "cow_code", "cow_abbrev", "core", "aliases")
CONFIDENCE_FIELDS = ("value", "label", "shortcut", "definition")


def load_default_codebook_data() -> dict[str, Any]:
    return json.loads(DEFAULT_CODEBOOK_PATH.read_text(encoding="utf-8"))


def validate_codebook_data(data: dict[str, Any]) -> None:
    """Raise ValidationError naming every problem in a codebook document."""
    problems = []
    for key in ("name", "version", "actors", "areas", "activities", "confidence"):
        if key not in data:
            problems.append(f"missing '{key}'")
    if problems:
        raise ValidationError(problems)
    area_slugs = [a["slug"] for a in data["areas"]]
    if len(set(area_slugs)) != len(area_slugs):
        problems.append("area slugs are not unique")
    activity_slugs = [a["slug"] for a in data["activities"]]
    if len(set(activity_slugs)) != len(activity_slugs):
        problems.append("activity slugs are not unique across the codebook")
    for activity in data["activities"]:
        if activity.get("area") not in area_slugs:
            problems.append(
                f"activity '{activity['slug']}' names unknown area {activity.get('area')!r}"
            )
    iso3s = [a["iso3"] for a in data["actors"]]
    if len(set(iso3s)) != len(iso3s):
        problems.append("actor ISO3 codes are not unique")
    values = [c["value"] for c in data["confidence"]]
    if values != sorted(set(values)):
        problems.append("confidence values must be unique and in ascending order")
    if problems:
        raise ValidationError(problems)


def import_codebook(data: dict[str, Any], apps=global_apps):
    """Create the codebook in `data`, or return it if that name and version exist already.

    `apps` lets a data migration pass its historical app registry.
    """
    validate_codebook_data(data)
    Codebook = apps.get_model("coding", "Codebook")
    existing = Codebook.objects.filter(name=data["name"], version=data["version"]).first()
    if existing is not None:
        return existing
    Actor = apps.get_model("coding", "Actor")
    Area = apps.get_model("coding", "Area")
    Activity = apps.get_model("coding", "Activity")
    ConfidenceLevel = apps.get_model("coding", "ConfidenceLevel")
    with transaction.atomic():
        codebook = Codebook.objects.create(
            name=data["name"], version=data["version"], description=data.get("description", "")
        )
        Actor.objects.bulk_create(
            Actor(codebook=codebook, order=i, **_pick(actor, ACTOR_FIELDS))
            for i, actor in enumerate(data["actors"])
        )
        areas = {
            area["slug"]: Area.objects.create(codebook=codebook, **_pick(area, AREA_FIELDS))
            for area in data["areas"]
        }
        Activity.objects.bulk_create(
            Activity(area=areas[activity["area"]], **_pick(activity, ACTIVITY_FIELDS))
            for activity in data["activities"]
        )
        ConfidenceLevel.objects.bulk_create(
            ConfidenceLevel(codebook=codebook, **_pick(level, CONFIDENCE_FIELDS))
            for level in data["confidence"]
        )
    return codebook


def codebook_as_data(codebook) -> dict[str, Any]:
    areas = list(codebook.areas.order_by("order"))
    return {
        "name": codebook.name,
        "version": codebook.version,
        "description": codebook.description,
        "actors": [_dump(a, ACTOR_FIELDS) for a in codebook.actors.order_by("order", "pk")],
        "areas": [_dump(a, AREA_FIELDS) for a in areas],
        "activities": [
            {"area": area.slug, **_dump(activity, ACTIVITY_FIELDS)}
            for area in areas
            for activity in area.activities.order_by("order", "pk")
        ],
        "confidence": [_dump(c, CONFIDENCE_FIELDS) for c in codebook.confidence_levels.all()],
    }


def new_version(codebook, version: str):
    """A copy of `codebook` under a new version string, ready to be edited."""
    data = codebook_as_data(codebook)
    data["version"] = version
    if type(codebook).objects.filter(name=codebook.name, version=version).exists():
        raise ValidationError(f"{codebook.name} already has a version {version}.")
    return import_codebook(data)


def _pick(item: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    picked = {field: item[field] for field in fields if field in item}
    if "contact_level" in picked and picked["contact_level"] is None:
        picked["contact_level"] = ""
    return picked


def _dump(obj, fields: tuple[str, ...]) -> dict[str, Any]:
    return {field: getattr(obj, field) for field in fields}

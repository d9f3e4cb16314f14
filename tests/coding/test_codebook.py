import copy

import pytest
from django.core.exceptions import ValidationError

from coding.codebook_io import (
    codebook_as_data,
    import_codebook,
    load_default_codebook_data,
    new_version,
)
from coding.models import Activity, Actor, Codebook

pytestmark = pytest.mark.django_db

CORE = {"CHN": 710, "RUS": 365, "IRN": 630, "PRK": 731}
THIRD = {"IND": 750, "VNM": 816, "BLR": 370}
AREAS = [
    "contacts",
    "support_regime_security",
    "preparations_for_war",
    "military_missions_outside_war",
    "wartime_support",
]


@pytest.fixture
def default_codebook():
    data = load_default_codebook_data()
    data["version"] = "test"  # independent of the copy the data migration loaded
    return import_codebook(data)


def test_default_codebook_is_the_instrument(default_codebook):
    actors = {a.iso3: a for a in default_codebook.actors.all()}
    assert {iso: a.cow_code for iso, a in actors.items()} == CORE | THIRD
    assert {iso for iso, a in actors.items() if a.core} == set(CORE)
    assert actors["VNM"].cow_abbrev == "DRV"
    assert [a.slug for a in default_codebook.areas.order_by("order")] == AREAS
    assert [c.label for c in default_codebook.confidence_levels.all()] == ["low", "medium", "high"]
    activities = Activity.objects.filter(area__codebook=default_codebook)
    arms = activities.get(slug="arms_sales")
    assert arms.area.slug == "preparations_for_war" and arms.directed
    assert not activities.get(slug="military_exercises").directed
    assert activities.filter(area__slug="contacts", enabled=True).count() == 6
    assert all(a.definition and a.guidance and a.example for a in activities)


def test_migration_shipped_the_default_codebook():
    shipped = Codebook.objects.get(version="1.0")
    assert shipped.actors.count() == 7
    assert Activity.objects.filter(area__codebook=shipped).count() == len(
        load_default_codebook_data()["activities"]
    )


def test_import_is_idempotent(default_codebook):
    data = load_default_codebook_data()
    data["version"] = "test"
    assert import_codebook(data) == default_codebook
    assert Actor.objects.filter(codebook=default_codebook).count() == 7


def test_round_trip_and_new_version(default_codebook):
    data = codebook_as_data(default_codebook)
    copy_ = new_version(default_codebook, "test-2")
    again = codebook_as_data(copy_)
    assert again.pop("version") == "test-2"
    data.pop("version")
    assert again == data
    with pytest.raises(ValidationError, match="already has a version test-2"):
        new_version(default_codebook, "test-2")


def test_invalid_codebook_documents_are_explained():
    data = load_default_codebook_data()
    broken = copy.deepcopy(data)
    broken["activities"][0]["area"] = "nowhere"
    broken["activities"][1]["slug"] = broken["activities"][2]["slug"]
    broken["actors"].append(dict(broken["actors"][0]))
    with pytest.raises(ValidationError) as info:
        import_codebook(broken)
    text = " ".join(info.value.messages)
    assert "unknown area 'nowhere'" in text
    assert "activity slugs are not unique" in text
    assert "actor ISO3 codes are not unique" in text
    with pytest.raises(ValidationError, match="missing 'areas'"):
        import_codebook({k: v for k, v in data.items() if k != "areas"})

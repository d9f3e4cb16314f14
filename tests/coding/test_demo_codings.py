"""The demo's example codings are stored through create_coding, once."""

import json

import pytest

from coding.demo import DEMO_CODINGS, seed_demo
from coding.models import Assignment, Coding, CodingChange, Event
from coding.workspace.codings import delete_coding

pytestmark = pytest.mark.django_db


def test_seed_demo_stores_the_example_codings_once():
    project = seed_demo()
    expected = json.loads(DEMO_CODINGS.read_text(encoding="utf-8"))
    codings = Coding.objects.filter(source__project=project)
    assert codings.count() == len(expected)
    for coding in codings:
        assert coding.source.text[coding.start : coding.end] == coding.quote
    assert CodingChange.objects.filter(action="create").count() == len(expected)
    multilateral = codings.filter(dyad_type="multilateral").first()
    assert multilateral.setting == "multilateral" and multilateral.participants.count() == 3
    coded = set(codings.values_list("source_id", "coder_id"))
    for assignment in Assignment.objects.filter(source__project=project):
        expected_status = (
            "done" if (assignment.source_id, assignment.coder_id) in coded else "not_started"
        )
        assert assignment.status == expected_status
    approved = Event.objects.filter(project=project)
    assert approved.exists(), "what both coders agree on is approved"
    assert all(event.evidence.count() == 2 for event in approved)
    seed_demo()
    assert codings.count() == len(expected)
    assert Event.objects.filter(project=project).count() == approved.count()


def test_seed_demo_leaves_a_coders_deletions_alone():
    project = seed_demo()
    coding = Coding.objects.filter(
        source__project=project, coder__username="coder1", evidence__isnull=True
    ).first()
    delete_coding(coding, coding.coder, coding.version)
    before = Coding.objects.count()
    seed_demo()
    assert Coding.objects.count() == before

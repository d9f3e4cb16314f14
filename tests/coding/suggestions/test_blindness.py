"""Suggestions stay blind: nothing a coder is suggested on a source depends on another coder's
work on that source, and what a coder accepted or dismissed is not proposed to them again."""

import pytest
from django.test import Client

from coding.models import Activity, Role, Suggestion, SuggestionDecision
from coding.suggestions.serving import decision_rates
from coding.suggestions.training import (
    approvals_count,
    approved_codings,
    start_training,
    train,
    trained_source_ids,
)
from tests.coding.suggestions.conftest import DRILL, SALE, TRADE, approve
from tests.factories import (
    AssignmentFactory,
    CodingFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

# a passage only the shared source has, coded with an activity no other source teaches
SECRET = "The presidents of Iran and North Korea met in secret at a mountain lodge."
SHARED = f"Shared report. {SECRET} {DRILL} {TRADE}"
NEW = f"Fresh news. {DRILL} {TRADE} {SALE}"


def api(project, path):
    return f"/api/projects/{project.slug}/{path}"


@pytest.fixture
def second(trained_project):
    user = UserFactory(username="coder-b")
    MembershipFactory(project=trained_project, user=user, role=Role.CODER)
    return user


@pytest.fixture
def shared(trained_project, coder, second, pi):
    """A reliability-sample source: coder-a codes the secret passage, marks the source done
    and the PI approves it while coder-b has not finished."""
    project = trained_project
    project.suggestions_on_reliability_sample = True
    project.save()
    source = SourceFactory(project=project, text=SHARED)
    AssignmentFactory(source=source, coder=coder)
    AssignmentFactory(source=source, coder=second)
    heads = Activity.objects.get(area__codebook=project.codebook, slug="heads_of_state")
    start = SHARED.index(SECRET)
    secret = CodingFactory(
        source=source, coder=coder, start=start, end=start + len(SECRET),
        activity=heads, area=heads.area, dyad_type="undirected",
        side_a=project.codebook.actors.get(iso3="IRN"),
        side_b=project.codebook.actors.get(iso3="PRK"),
    )  # fmt: skip
    done = _client(coder).post(api(project, f"sources/{source.pk}/done/"))
    assert done.json()["status"] == "done"
    approve(project, pi, secret, "shared")
    return source, secret


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def suggestions(user, source):
    body = _client(user).get(api(source.project, f"sources/{source.pk}/suggestions/")).json()
    return body["suggestions"], body["off"]


def test_another_coders_approved_coding_is_never_suggested_on_the_same_source(
    trained_project, shared, second, coder, pi
):
    source, secret = shared
    model = train(start_training(trained_project))  # the PI's "Train now"
    rows, off = suggestions(second, source)
    assert all(s["activity_label"] != secret.activity.label for s in rows)
    assert all((s["start"], s["end"]) != (secret.start, secret.end) for s in rows)
    assert off == ""  # suggestions from the other sources are fine
    # not learnt from while coder-b still codes the source
    assert source.pk not in trained_source_ids(model)
    assert not approved_codings(trained_project).filter(pk=secret.pk).exists()
    assert approvals_count(trained_project) == 24

    # once coder-b is done too, the source is learnt from, and nobody gets suggestions there
    _client(second).post(api(trained_project, f"sources/{source.pk}/done/"))
    assert approvals_count(trained_project) == 25
    model = train(start_training(trained_project))
    assert source.pk in trained_source_ids(model)
    for user in (coder, second, pi):
        rows, off = suggestions(user, source)
        assert rows == [] and "learnt from" in off
    # coder-b reopens the source: still nothing derived from coder-a's coding
    _client(second).post(api(trained_project, f"sources/{source.pk}/reopen/"))
    assert suggestions(second, source)[0] == []


def test_no_suggestions_on_the_sources_the_model_was_trained_on(trained_project, coder):
    model = train(start_training(trained_project))
    trained = trained_project.sources.all()
    assert trained_source_ids(model) == {s.pk for s in trained}
    for source in trained[:3]:
        rows, off = suggestions(coder, source)
        assert rows == [] and "learnt from" in off
    assert not Suggestion.objects.exists()


def test_the_model_status_shows_coders_no_sources_and_no_coders_scores(trained_project, coder, pi):
    train(start_training(trained_project))
    for user, sees_coders in ((coder, False), (pi, True)):
        body = _client(user).get(api(trained_project, "suggestion-model/")).json()
        evaluation = body["current"]["evaluation"]
        assert "trained_sources" not in evaluation
        assert ("coders" in evaluation) == (sees_coders and "machine" in evaluation)


@pytest.fixture
def fresh(trained_project, coder):
    source = SourceFactory(project=trained_project, text=NEW)
    AssignmentFactory(source=source, coder=coder)
    return source


def by_label(rows):
    return {s["activity_label"]: s for s in rows}


def test_dismissed_and_accepted_suggestions_do_not_come_back_after_retraining(
    trained_project, fresh, coder
):
    train(start_training(trained_project))
    rows = by_label(suggestions(coder, fresh)[0])
    drill, sale = rows["Military exercises"], rows["Arms sales"]
    client = _client(coder)
    dismissed = client.post(api(trained_project, f"suggestions/{drill['id']}/dismiss/"))
    assert dismissed.status_code == 200
    accepted = client.post(api(trained_project, f"suggestions/{sale['id']}/accept/"))
    assert accepted.status_code == 201

    train(start_training(trained_project))  # "Train now"
    rows, off = suggestions(coder, fresh)
    assert off == ""
    spans = {(s["start"], s["end"]) for s in rows}
    assert (drill["start"], drill["end"]) not in spans  # dismissed
    assert (sale["start"], sale["end"]) not in spans  # accepted: now the coder's own coding

    # the new model's copies exist; deciding on them again is refused, not counted twice
    copies = Suggestion.objects.filter(source=fresh).exclude(pk__in=[drill["id"], sale["id"]])
    assert copies.count() == 2
    for copy in copies:
        for action in ("dismiss", "accept"):
            refused = client.post(api(trained_project, f"suggestions/{copy.pk}/{action}/"))
            assert refused.status_code == 409
    assert decision_rates(trained_project) == [
        {"coder": "coder-a", "accepted": 1, "dismissed": 1, "rate": 0.5}
    ]


def test_nothing_is_suggested_on_top_of_the_coders_own_coding(trained_project, fresh, coder):
    codebook = trained_project.codebook
    drills = Activity.objects.get(area__codebook=codebook, slug="military_exercises")
    start = NEW.index(DRILL)
    CodingFactory(
        source=fresh, coder=coder, start=start, end=start + len(DRILL) - 1,
        activity=drills, area=drills.area,
    )  # fmt: skip
    train(start_training(trained_project))
    labels = set(by_label(suggestions(coder, fresh)[0]))
    assert "Military exercises" not in labels and "Arms sales" in labels


def test_decisions_on_the_same_suggestion_from_two_models_count_once(trained_project, fresh, coder):
    first = train(start_training(trained_project))
    suggestions(coder, fresh)
    second_model = train(start_training(trained_project))
    suggestions(coder, fresh)
    drill = {}
    for model in (first, second_model):
        drill[model.pk] = Suggestion.objects.get(
            model=model, source=fresh, activity__slug="military_exercises"
        )
    # decisions stored before re-proposals were filtered out
    SuggestionDecision.objects.create(suggestion=drill[first.pk], coder=coder, accepted=False)
    SuggestionDecision.objects.create(
        suggestion=drill[second_model.pk], coder=coder, accepted=False
    )
    assert decision_rates(trained_project) == [
        {"coder": "coder-a", "accepted": 0, "dismissed": 1, "rate": 0.0}
    ]


def test_a_model_trained_before_the_ids_were_stored_counts_every_approved_source(
    trained_project, fresh, coder
):
    model = train(start_training(trained_project))
    del model.evaluation["trained_sources"]
    model.save()
    assert trained_source_ids(model) == set(
        trained_project.sources.exclude(pk=fresh.pk).values_list("pk", flat=True)
    )
    rows, off = suggestions(coder, trained_project.sources.exclude(pk=fresh.pk).first())
    assert rows == [] and "learnt from" in off
    assert suggestions(coder, fresh)[0]

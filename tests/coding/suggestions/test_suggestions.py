"""Training on approvals, suggestions on a source, accept and dismiss, reliability-sample rule."""

import pytest

from coding.models import Coding, ModelStatus, Suggestion, SuggestionDecision
from coding.suggestions import training
from coding.suggestions.retraining import due, retrain_if_due
from coding.suggestions.serving import decision_rates, suggestions_for
from coding.suggestions.training import start_training, train
from tests.coding.suggestions.conftest import DRILL, SALE, TRADE
from tests.factories import AssignmentFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = f"🛳️ Fresh news. {DRILL} {TRADE} {SALE}"


@pytest.fixture
def model(trained_project):
    return train(start_training(trained_project))


@pytest.fixture
def fresh(trained_project, coder):
    source = SourceFactory(project=trained_project, text=NEW)
    AssignmentFactory(source=source, coder=coder)
    return source


def test_training_stores_a_ready_model_with_an_evaluation(model):
    assert model.status == ModelStatus.READY
    assert model.approvals == 24
    assert model.passages > 24
    assert model.blob
    evaluation = model.evaluation
    # which sources are held out follows from their ids (a fifth of them, by a seeded draw), and
    # ids depend on the tests run before: count them rather than expect one (1 in 14 draws of
    # 12 sources holds none out)
    sources = model.project.sources.values_list("pk", flat=True)
    assert evaluation["held_out_sources"] == sum(training.held_out(pk) for pk in sources)
    if "machine" in evaluation:
        assert evaluation["machine"]["reference"] > 0
        assert "coder-a" in evaluation["coders"]


def test_suggestions_are_passages_with_two_actors_and_their_codes(model, fresh, coder):
    rows, off = suggestions_for(fresh.project, fresh, coder)
    assert off == ""
    by_activity = {s.activity.slug: s for s in rows}
    drill = by_activity["military_exercises"]
    assert (drill.start, drill.end) == (NEW.index(DRILL), NEW.index(DRILL) + len(DRILL))
    assert drill.quote == DRILL
    assert drill.dyad_type == "undirected"
    assert {drill.side_a.iso3, drill.side_b.iso3} == {"CHN", "RUS"}
    sale = by_activity["arms_sales"]
    assert (sale.dyad_type, sale.side_a.iso3, sale.side_b.iso3) == ("directed", "RUS", "IRN")
    assert all(s.quote != TRADE for s in rows)
    assert 0 < drill.score <= 1


def test_no_suggestions_on_reliability_sample_sources_unless_switched_on(model, fresh, coder):
    AssignmentFactory(source=fresh, coder=UserFactory(username="second-coder"))
    rows, off = suggestions_for(fresh.project, fresh, coder)
    assert rows == [] and "reliability-sample" in off
    fresh.project.suggestions_on_reliability_sample = True
    fresh.project.save()
    rows, off = suggestions_for(fresh.project, fresh, coder)
    assert rows and off == ""


def test_switched_off_project_has_no_suggestions(model, fresh, coder):
    fresh.project.suggestions_enabled = False
    fresh.project.save()
    assert suggestions_for(fresh.project, fresh, coder)[0] == []


def test_without_a_model_there_are_no_suggestions(fresh, coder):
    rows, off = suggestions_for(fresh.project, fresh, coder)
    assert rows == [] and "No suggestion model" in off


def test_accept_makes_the_coders_own_coding_with_the_suggestions_offsets(
    client_for, model, fresh, coder
):
    client = client_for(coder)
    body = client.get(f"/api/projects/{fresh.project.slug}/sources/{fresh.pk}/suggestions/").json()
    drill = next(s for s in body["suggestions"] if s["activity_label"] == "Military exercises")
    response = client.post(f"/api/projects/{fresh.project.slug}/suggestions/{drill['id']}/accept/")
    assert response.status_code == 201
    coding = Coding.objects.get(pk=response.json()["coding"]["id"])
    assert (coding.start, coding.end, coding.quote) == (drill["start"], drill["end"], DRILL)
    assert coding.coder == coder and coding.activity.slug == "military_exercises"
    assert response.json()["coding"]["version"] == 1
    again = client.post(f"/api/projects/{fresh.project.slug}/suggestions/{drill['id']}/accept/")
    assert again.status_code == 409
    left = client.get(f"/api/projects/{fresh.project.slug}/sources/{fresh.pk}/suggestions/")
    assert drill["id"] not in [s["id"] for s in left.json()["suggestions"]]


def test_dismiss_hides_it_for_that_coder_only(client_for, model, fresh, coder, pi):
    client = client_for(coder)
    url = f"/api/projects/{fresh.project.slug}/sources/{fresh.pk}/suggestions/"
    first = client.get(url).json()["suggestions"][0]
    dismissed = client.post(
        f"/api/projects/{fresh.project.slug}/suggestions/{first['id']}/dismiss/"
    )
    assert dismissed.status_code == 200
    assert first["id"] not in [s["id"] for s in client.get(url).json()["suggestions"]]
    assert first["id"] in [s["id"] for s in client_for(pi).get(url).json()["suggestions"]]
    assert not Coding.objects.filter(source=fresh).exists()
    assert decision_rates(fresh.project) == [
        {"coder": "coder-a", "accepted": 0, "dismissed": 1, "rate": 0.0}
    ]


def test_other_coders_and_outsiders_cannot_see_or_accept(client_for, model, fresh, outsider):
    stranger = UserFactory(username="not-assigned")
    from coding.models import Membership, Role

    Membership.objects.create(project=fresh.project, user=stranger, role=Role.CODER)
    suggestions_for(fresh.project, fresh, stranger)
    some = Suggestion.objects.filter(source=fresh).first()
    slug = fresh.project.slug
    for user, code in ((stranger, 404), (outsider, 404)):
        client = client_for(user)
        assert (
            client.get(f"/api/projects/{slug}/sources/{fresh.pk}/suggestions/").status_code == code
        )
        assert (
            client.post(f"/api/projects/{slug}/suggestions/{some.pk}/accept/").status_code == code
        )
    assert not SuggestionDecision.objects.exists()


def test_model_status_api_and_retrain_is_for_pis(client_for, model, coder, pi):
    slug = model.project.slug
    status = client_for(coder).get(f"/api/projects/{slug}/suggestion-model/").json()
    assert status["current"]["approvals"] == 24 and status["on_reliability_sample"] is False
    assert client_for(coder).post(f"/api/projects/{slug}/suggestion-model/").status_code == 403
    queued = client_for(pi).post(f"/api/projects/{slug}/suggestion-model/")
    assert queued.status_code == 202 and queued.json()["status"] == "queued"


def test_retraining_is_due_after_n_new_approvals(trained_project):
    trained_project.suggestions_retrain_after = 30
    trained_project.save()
    assert not due(trained_project)  # 24 approvals, no model yet
    trained_project.suggestions_retrain_after = 20
    trained_project.save()
    run = retrain_if_due(trained_project)
    assert run.status == ModelStatus.QUEUED
    assert not due(trained_project)  # one run at a time


def test_the_suggestions_page_is_for_pis(client, client_for, model, coder, pi, outsider):
    url = f"/projects/{model.project.slug}/suggestions/"
    assert client.get(url).status_code == 302
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(coder).get(url).status_code == 403
    page = client_for(pi).get(url)
    assert page.status_code == 200
    assert "on 24 approved codings" in page.content.decode()
    saved = client_for(pi).post(
        url,
        {"suggestions_enabled": "on", "suggestions_on_reliability_sample": "on",
         "suggestions_retrain_after": "5"},
    )  # fmt: skip
    assert saved.status_code == 302
    model.project.refresh_from_db()
    assert model.project.suggestions_on_reliability_sample
    assert model.project.suggestions_retrain_after == 5
    bad = client_for(pi).post(url, {"suggestions_retrain_after": "-1"})
    assert bad.status_code == 200 and model.project.suggestions_retrain_after == 5
    retrain = client_for(pi).post(f"/projects/{model.project.slug}/suggestions/retrain/")
    assert retrain.status_code == 302
    assert model.project.suggestion_models.filter(status=ModelStatus.QUEUED).count() == 1


def test_the_reliability_page_states_the_setting_and_shows_the_machine(client_for, model, pi):
    from coding.suggestions.report import learning_curve, machine_as_coder

    page = client_for(pi).get(f"/projects/{model.project.slug}/reliability/").content.decode()
    assert "The suggester as a coder" in page
    assert "<strong>not shown</strong> on reliability-sample sources" in page
    machine = machine_as_coder(model.project)
    if machine["rows"]:  # enough held-out sources in the seeded split
        assert machine["rows"][0]["machine"]
        assert f"Suggester ({model.evaluation['trained_on']} approvals)" in page
        assert len(learning_curve(model.project)) == 1


def test_the_machine_is_scored_on_held_out_sources_beside_the_coders(
    monkeypatch, client_for, trained_project, pi
):
    from coding.suggestions.report import learning_curve, machine_as_coder

    monkeypatch.setattr(training, "held_out", lambda source_id: source_id % 2 == 0)
    run = train(start_training(trained_project))
    evaluation = run.evaluation
    held = evaluation["held_out_sources"]
    assert held == 6  # every other one of 12 consecutive sources
    machine = evaluation["machine"]
    assert machine["reference"] == 2 * held  # a drill and a sale per source
    assert machine["f1"] > 0.9 and machine["alpha"]["activity"] > 0.8
    assert evaluation["trained_on"] == 24 - 2 * held
    assert evaluation["coders"]["coder-a"]["f1"] == 1.0  # their codings are the reference
    rows = machine_as_coder(trained_project)["rows"]
    assert [r["name"] for r in rows] == [f"Suggester ({24 - 2 * held} approvals)", "coder-a"]
    assert learning_curve(trained_project)[0]["f1"] == machine["f1"]
    page = client_for(pi).get(f"/projects/{trained_project.slug}/reliability/").content.decode()
    assert f"Suggester ({24 - 2 * held} approvals)" in page

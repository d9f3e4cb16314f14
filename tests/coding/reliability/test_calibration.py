"""Calibration rounds: the training set, a coder's round and comparison, the PI's overview and
admission, per role; training sources stay out of the study's figures."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape

from coding.models import Activity, Assignment, CalibrationRound, TrainingSource
from coding.reliability import calibration
from coding.reliability.data import Filters, load_codings
from coding.reliability.training import study_events
from coding.review.decisions import accept
from coding.review.queue import review_queue
from coding.workspace.queue import WrongStatus, mark_done, reopen
from sources.assignments import assign
from tests.factories import (
    CodingFactory,
    DoneAssignmentFactory,
    EventEvidenceFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
)


def adjudicated(project, pi, n=2):
    """n sources, each with one approved CHN-RUS event on the codebook's first activity."""
    sources = []
    for i in range(n):
        source = SourceFactory(project=project, title=f"Training <b>{i}</b>")
        old = UserFactory()
        coding = CodingFactory(source=source, coder=old)
        DoneAssignmentFactory(source=source, coder=old)
        EventEvidenceFactory(event__project=project, event__approved_by=pi, coding=coding)
        sources.append(source)
    return sources


def other_activity(project):
    return Activity.objects.filter(area__codebook=project.codebook).order_by("-pk").first()


@pytest.fixture
def setup(project, pi, coder):
    sources = adjudicated(project, pi)
    calibration.mark_training(project, [s.pk for s in sources], pi)
    calibration.start_round(project, coder.pk, pi)
    return sources


def url(project, name="calibration", **kwargs):
    return reverse(name, kwargs={"slug": project.slug, **kwargs})


# --- roles -------------------------------------------------------------------------------------


def test_anonymous_is_sent_to_log_in(client, project, setup):
    for target in (url(project), url(project, "calibration-comparison", pk=setup[0].pk)):
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_coder_of_another_project_gets_404(client_for, project, outsider, setup):
    client = client_for(outsider)
    assert client.get(url(project)).status_code == 404
    assert client.get(url(project, "calibration-comparison", pk=setup[0].pk)).status_code == 404
    assert client.post(url(project), {"action": "admit", "coder": outsider.pk}).status_code == 404


def test_a_coder_sees_their_round_but_no_reference_before_done(client_for, project, coder, setup):
    client = client_for(coder)
    page = client.get(url(project))
    assert page.status_code == 200
    html = page.content.decode()
    assert "0 of 2 done" in html
    assert "Training &lt;b&gt;0&lt;/b&gt;" in html  # escaped
    # blind: the comparison (the reference) stays hidden until done
    assert client.get(url(project, "calibration-comparison", pk=setup[0].pk)).status_code == 403
    # and a coder may not manage rounds
    response = client.post(url(project), {"action": "admit", "coder": coder.pk})
    assert response.status_code == 403
    assert not CalibrationRound.objects.get(coder=coder).admitted


def test_after_done_the_coder_sees_differences_and_agreement(client_for, project, coder, setup):
    source = setup[0]
    CodingFactory(source=source, coder=coder)  # same as the reference
    CodingFactory(source=source, coder=coder, activity=other_activity(project))  # extra
    mark_done(Assignment.objects.get(source=source, coder=coder))
    response = client_for(coder).get(url(project, "calibration-comparison", pk=source.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert "✗ differs" in html and "✓ same" in html
    rows = {r["category"]: r for r in response.context["comparison"]["variables"][2]["rows"]}
    assert [r["agree"] for r in rows.values()].count(False) == 1
    variables = {v.variable: v for v in response.context["variables"]}
    assert variables["dyad"].percent == 1.0 and variables["dyad"].alpha is None
    assert variables["activity"].percent == 0.5
    # another coder's comparison is not reachable by passing ?coder=
    other = UserFactory()
    response = client_for(coder).get(
        url(project, "calibration-comparison", pk=source.pk) + f"?coder={other.pk}"
    )
    assert response.context["coder"] == coder


def test_a_done_training_source_cannot_be_reopened(project, coder, setup):
    assignment = Assignment.objects.get(source=setup[0], coder=coder)
    mark_done(assignment)
    with pytest.raises(WrongStatus):
        reopen(assignment)


def test_pi_sees_who_passed_and_admits(client_for, project, pi, coder, setup):
    for source in setup:
        CodingFactory(source=source, coder=coder)
        mark_done(Assignment.objects.get(source=source, coder=coder))
    laggard = UserFactory(username="coder-b")
    project.memberships.create(user=laggard, role="coder")
    calibration.start_round(project, laggard.pk, pi)
    client = client_for(pi)
    page = client.get(url(project))
    assert page.status_code == 200
    rows = {r.coder: r for r in page.context["rows"]}
    assert rows["coder-a"].passed and rows["coder-a"].done == 2
    assert not rows["coder-b"].passed and rows["coder-b"].done == 0
    assert "passed" in page.content.decode()
    response = client.post(url(project), {"action": "admit", "coder": coder.pk})
    assert response.status_code == 302
    assert CalibrationRound.objects.get(coder=coder).admitted
    # the PI can read the coder's comparison
    response = client.get(
        url(project, "calibration-comparison", pk=setup[0].pk) + f"?coder={coder.pk}"
    )
    assert response.status_code == 200


def test_threshold_decides_and_bad_input_is_a_400(client_for, project, pi, coder, setup):
    source = setup[0]
    CodingFactory(source=source, coder=coder, activity=other_activity(project))
    for s in setup:
        mark_done(Assignment.objects.get(source=s, coder=coder))
    client = client_for(pi)
    assert not client.get(url(project)).context["rows"][0].passed
    for data in ({"action": "threshold", "threshold": "x"},
                 {"action": "threshold", "threshold": "2"}, {"action": "admit", "coder": "abc"},
                 {"action": "threshold", "threshold": "0.805"},  # shown as 0.81 beside 0.806
                 {"action": "threshold", "threshold": "nan"},
                 {"action": "mark", "source": ["99999"]}, {"action": "mark"},
                 {"action": "unmark"},  # nothing ticked: said so, not "0 sources removed"
                 {"action": "nonsense"}, {"action": "start", "coder": pi.pk}):  # fmt: skip
        response = client.post(url(project), data)
        assert response.status_code == 400, data
        assert 'id="calibration-error"' in response.content.decode()


def test_only_adjudicated_sources_can_be_training(client_for, project, pi):
    plain = SourceFactory(project=project)
    response = client_for(pi).post(url(project), {"action": "mark", "source": [plain.pk]})
    assert response.status_code == 400
    assert not TrainingSource.objects.exists()
    (source,) = adjudicated(project, pi, 1)
    response = client_for(pi).post(url(project), {"action": "mark", "source": [source.pk]})
    assert response.status_code == 302
    assert TrainingSource.objects.filter(source=source).exists()


def test_a_source_with_an_undecided_group_is_not_a_training_candidate(client_for, project, pi):
    """One group approved, another (a second passage, coded by a coder who marked the source
    done) not decided yet: its reference would miss that passage's events."""
    (source,) = adjudicated(project, pi, 1)
    later = UserFactory()
    open_coding = CodingFactory(source=source, coder=later, start=40, end=60)
    DoneAssignmentFactory(source=source, coder=later)
    client = client_for(pi)
    page = client.get(url(project)).content.decode()
    assert f'name="source" value="{source.pk}"' not in page
    response = client.post(url(project), {"action": "mark", "source": [source.pk]})
    assert response.status_code == 400
    assert "review is finished" in response.content.decode()
    assert not TrainingSource.objects.exists()

    accept(pi, project, [open_coding], open_coding)
    assert f'name="source" value="{source.pk}"' in client.get(url(project)).content.decode()
    response = client.post(url(project), {"action": "mark", "source": [source.pk]})
    assert response.status_code == 302
    assert TrainingSource.objects.filter(source=source).exists()


# --- training sources are outside the study ------------------------------------------------


def test_training_sources_are_excluded_from_reliability_events_queue_and_export(
    client_for, project, pi, coder, setup
):
    source = setup[0]
    second = UserFactory()
    for user in (coder, second):
        CodingFactory(source=source, coder=user)
        Assignment.objects.update_or_create(source=source, coder=user, defaults={"status": "done"})
    # two done coders plus the old one: would count in reliability and the review queue
    assert load_codings(project, Filters()).sources == []
    assert review_queue(project) == []
    # the references are not study events: export and dashboard leave them out
    assert project.events.count() == 2 and study_events(project).count() == 0
    export = client_for(pi).get(reverse("export", kwargs={"slug": project.slug}))
    assert export.context["total"] == 0
    # nor the event list, which shows them apart, nor the API's event list
    page = client_for(pi).get(reverse("event-list", kwargs={"slug": project.slug}))
    assert list(page.context["events"]) == []
    assert len(page.context["references"]) == 2
    html = page.content.decode()
    assert "0 approved events." in html and "Calibration references (2)" in html
    api = client_for(pi).get(f"/api/projects/{project.slug}/events/")
    assert api.json()["count"] == 0
    # the trainee's codings cannot become events
    coding = source.codings.filter(coder=coder).first()
    with pytest.raises(ValidationError):
        accept(pi, project, [coding], coding)
    # and bulk assignment (the reliability sample) skips training sources
    result = assign([source], [UserFactory(), UserFactory()], reliability_share=1.0)
    assert result.created == 0
    # the trainees' work would enter the study with it: it stays in the training set
    with pytest.raises(calibration.CalibrationError, match=f"#{source.pk}"):
        calibration.unmark_training(project, [source.pk])
    assert load_codings(project, Filters()).sources == [] and review_queue(project) == []
    # a training source no trainee has been given goes back into the study
    (spare,) = adjudicated(project, pi, 1)
    calibration.mark_training(project, [spare.pk], pi)
    assert calibration.unmark_training(project, [spare.pk]) == 1
    assert study_events(project).filter(evidence__coding__source=spare).count() == 1


def test_a_coder_in_calibration_gets_main_sample_sources_only_once_admitted(project, pi, coder):
    calibration.mark_training(project, [s.pk for s in adjudicated(project, pi)], pi)
    calibration.start_round(project, coder.pk, pi)
    veteran = UserFactory(username="veteran")
    project.memberships.create(user=veteran, role="coder")
    main = SourceFactory(project=project, title="Main sample")
    result = assign([main], [coder, veteran], by=pi, reliability_share=1.0)
    assert result.trainees == 1
    assert set(main.assignments.values_list("coder__username", flat=True)) == {"veteran"}
    calibration.admit(project, coder.pk, pi)
    assert assign([main], [coder, veteran], by=pi, reliability_share=1.0).trainees == 0
    assert set(main.assignments.values_list("coder__username", flat=True)) == {
        "veteran",
        coder.username,
    }


def test_a_reference_event_cannot_be_edited_or_undone(client_for, project, pi):
    """Undoing the approval behind a training source's reference (or editing its event) would
    change the reference the trainees were scored against, after the fact."""
    source = SourceFactory(project=project)
    old = UserFactory()
    coding = CodingFactory(source=source, coder=old)
    DoneAssignmentFactory(source=source, coder=old)
    decision = accept(pi, project, [coding], coding)
    event = decision.event
    calibration.mark_training(project, [source.pk], pi)
    client = client_for(pi)
    page = client.get(reverse("event-detail", args=[project.slug, event.event_id]))
    html = page.content.decode()
    assert 'id="reference-note"' in html
    assert 'id="edit-event"' not in html and ">Undo</button>" not in html
    before = (event.confidence, event.note)
    for url, data in [
        (reverse("event-edit", args=[project.slug, event.event_id]), {"f_confidence": "1"}),
        (reverse("review-undo", args=[project.slug, decision.pk]), {"back": "event"}),
    ]:
        response = client.post(url, data, follow=True)
        assert "reference of a training source" in response.content.decode(), url
    event.refresh_from_db()
    decision.refresh_from_db()
    assert (event.confidence, event.note) == before and decision.undone_at is None
    # out of the training set, it can change again
    calibration.unmark_training(project, [source.pk])
    client.post(reverse("review-undo", args=[project.slug, decision.pk]))
    decision.refresh_from_db()
    assert decision.undone_at is not None


def test_a_coder_whose_codings_built_the_reference_gets_no_round(client_for, project, pi, coder):
    """coder coded the source in the study before it became a training source: compared with
    a reference made of their own codings, they would pass at once (and leave the main sample
    until admitted). Not offered, and refused by name."""
    source = SourceFactory(project=project)
    coding = CodingFactory(source=source, coder=coder)
    DoneAssignmentFactory(source=source, coder=coder)
    accept(pi, project, [coding], coding)
    calibration.mark_training(project, [source.pk], pi)
    other = UserFactory(username="newcomer")
    MembershipFactory(project=project, user=other, role="coder")
    client = client_for(pi)
    page = client.get(url(project)).content.decode()
    assert f'<option value="{other.pk}">newcomer</option>' in page
    assert f'<option value="{coder.pk}">' not in page
    response = client.post(url(project), {"action": "start", "coder": coder.pk})
    assert response.status_code == 400
    assert (
        escape(f"coded training source(s) “{source.title}” (#{source.pk}) before they became")
        in response.content.decode()
    )
    assert not CalibrationRound.objects.filter(coder=coder).exists()
    assert client.post(url(project), {"action": "start", "coder": other.pk}).status_code == 302


def test_the_comparison_matches_codings_with_the_events_on_their_passage(
    client_for, project, pi, coder, setup
):
    """The reference event sits on 0-20. A coding there with another activity is ✗ on area
    and activity; a coding on a passage without an event is not ✓ for holding the event's
    values elsewhere: it says no event is there. The PI reads the coder's name where the coder
    reads "you", and reaches the comparison from the overview."""
    source = setup[0]
    here = CodingFactory(source=source, coder=coder, activity=other_activity(project))
    CodingFactory(source=source, coder=coder, start=40, end=60)  # the reference's values, elsewhere
    mark_done(Assignment.objects.get(source=source, coder=coder))
    comparison = calibration.comparison(project, coder.pk, source.pk)
    by_quote = {c["quote"]: c for c in comparison["codings"]}
    on_event = by_quote[here.quote]
    assert on_event["matches"] == {"dyad": True, "area": False, "activity": False}
    elsewhere = next(c for q, c in by_quote.items() if q != here.quote)
    assert elsewhere["matches"] is None  # not "✓ everything": no event on its passage
    (event,) = comparison["events"]
    assert event["matches"] == {"dyad": True, "area": False, "activity": False}

    html = client_for(coder).get(url(project, "calibration-comparison", pk=source.pk)).content
    assert "✗ no reference event on this passage" in html.decode()
    assert "Your codings beside the reference" in html.decode()
    overview = client_for(pi).get(url(project)).content.decode()
    link = url(project, "calibration-comparison", pk=source.pk) + f"?coder={coder.pk}"
    assert f'href="{link}"' in overview
    page = client_for(pi).get(link).content.decode()
    assert f"<th>{coder.username}</th><th>Reference</th>" in page and "<th>You</th>" not in page
    assert f"that {coder.username} or the reference used" in page and " you " not in page


def test_a_training_source_s_review_page_offers_no_decision(client_for, project, pi, setup):
    """Every decision on it would be refused: the page says why and links its reference."""
    source = setup[0]
    response = client_for(pi).get(reverse("review-source", args=[project.slug, source.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="training-source"' in html and 'name="action"' not in html
    event = project.events.get(evidence__coding__source=source)
    assert reverse("event-detail", args=[project.slug, event.event_id]) in html


def test_the_reliability_page_does_not_offer_training_sources(client_for, project, pi, setup):
    """Chosen, a training source gave "0 sources" with a misleading reason: not offered, and a
    bookmarked id of one is refused by name."""
    page = client_for(pi).get(reverse("reliability", args=[project.slug]))
    choices = {int(pk) for pk, _ in page.context["form"].fields["sources"].choices if pk}
    assert not choices & {s.pk for s in setup}
    response = client_for(pi).get(reverse("reliability", args=[project.slug]),
                                  {"sources": [setup[0].pk]})  # fmt: skip
    assert response.status_code == 400

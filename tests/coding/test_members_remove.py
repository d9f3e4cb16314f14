"""Removing a member goes through a confirmation page that says what their work becomes
(per role: anonymous, coder, PI of another project, PI), and what the summary counts."""

import pytest
from django.urls import reverse

from coding.models import Membership, Role
from coding.projects import removal_summary
from tests.factories import (
    AssignmentFactory,
    CodingFactory,
    EventEvidenceFactory,
    EventFactory,
    MembershipFactory,
    PIUserFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def dan(project):
    """A coder with work in the project: 3 codings, 4 assignments, 2 approved events."""
    user = UserFactory(username="dan")
    member = MembershipFactory(project=project, user=user, role=Role.CODER)
    s1, s2, s3, s4 = (SourceFactory(project=project) for _ in range(4))
    AssignmentFactory(source=s1, coder=user, status="done")
    AssignmentFactory(source=s2, coder=user, status="done")
    AssignmentFactory(source=s3, coder=user, status="in_progress")
    AssignmentFactory(source=s4, coder=user)
    c1, c2, c3 = (CodingFactory(source=s, coder=user) for s in (s1, s1, s2))
    one = EventFactory(project=project)
    EventEvidenceFactory(event=one, coding=c1)
    EventEvidenceFactory(event=one, coding=c2, primary=False)  # one event, two of his codings
    EventEvidenceFactory(event=EventFactory(project=project), coding=c3)
    # others' work and his work elsewhere do not count
    other = UserFactory(username="erin")
    AssignmentFactory(source=s1, coder=other)
    EventEvidenceFactory(event=EventFactory(project=project), coding__coder=other)
    elsewhere = ProjectFactory()
    AssignmentFactory(source=SourceFactory(project=elsewhere), coder=user)
    CodingFactory(source=SourceFactory(project=elsewhere), coder=user)
    return member


def confirm_url(project, member) -> str:
    return reverse("member-remove", args=[project.slug, member.pk])


def test_removal_summary_counts_their_work_here(project, pi, dan):
    summary = removal_summary(project, dan)
    assert (summary.username, summary.role) == ("dan", "Coder")
    assert summary.codings == 3
    assert (summary.not_started, summary.in_progress, summary.done) == (1, 1, 2)
    assert (summary.assignments, summary.open_assignments) == (4, 2)
    assert summary.approved_events == 2
    assert summary.refusal == ""
    # a calibration reference is not one of the study's approved events
    from coding.models import Coding, TrainingSource

    first = Coding.objects.filter(coder=dan.user, evidence__isnull=False).first().source
    TrainingSource.objects.create(project=project, source=first, added_by=pi)
    assert removal_summary(project, dan).approved_events == 1


def test_removal_summary_of_the_last_pi_says_why_it_is_refused(project, pi):
    summary = removal_summary(project, Membership.objects.get(project=project, user=pi))
    assert summary.refusal == "A project needs at least one PI: add another PI first."


def test_anonymous_is_sent_to_log_in(client, project, dan):
    for response in (client.get(confirm_url(project, dan)), client.post(confirm_url(project, dan))):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert Membership.objects.filter(pk=dan.pk).exists()


def test_a_coder_may_not_open_or_confirm_it(client_for, project, coder, dan):
    client = client_for(coder)
    assert client.get(confirm_url(project, dan)).status_code == 403
    assert client.post(confirm_url(project, dan)).status_code == 403
    assert Membership.objects.filter(pk=dan.pk).exists()


def test_a_pi_of_another_project_gets_404(client_for, project, dan):
    other_pi = PIUserFactory(username="pi-elsewhere")
    MembershipFactory(project=ProjectFactory(), user=other_pi, role=Role.PI)
    client = client_for(other_pi)
    assert client.get(confirm_url(project, dan)).status_code == 404
    assert client.post(confirm_url(project, dan)).status_code == 404
    assert Membership.objects.filter(pk=dan.pk).exists()


def test_a_member_of_another_project_is_404_through_this_one(client_for, project, pi):
    foreign = MembershipFactory()
    assert client_for(pi).get(confirm_url(project, foreign)).status_code == 404


def test_the_pi_sees_what_removal_leaves_behind_and_nothing_is_removed_yet(
    client_for, project, pi, dan
):
    response = client_for(pi).get(confirm_url(project, dan))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Remove dan from" in html
    assert "<strong>3</strong> codings" in html
    assert "<strong>4</strong> assignments:" in html
    assert "1 not started · 1 in progress · 2 done" in html
    assert "<strong>2</strong> approved events rest on their codings" in html
    assert "Their codings stay in the study" in html
    assert "Their 2 not-started or in-progress assignments" in html
    assert "“dan (former member)”" in html
    assert f'action="{confirm_url(project, dan)}"' in html and 'method="post"' in html
    assert f'href="{project.get_absolute_url()}#members">Cancel</a>' in html
    assert Membership.objects.filter(pk=dan.pk).exists()


def test_confirming_removes_the_member_and_keeps_their_work(client_for, project, pi, dan):
    response = client_for(pi).post(confirm_url(project, dan), follow=True)
    assert response.redirect_chain[-1][0] == project.get_absolute_url()
    assert f"Removed dan from {project.name}." in response.content.decode()
    assert not Membership.objects.filter(pk=dan.pk).exists()
    assert dan.user.codings.filter(source__project=project).count() == 3
    assert dan.user.assignments.filter(source__project=project).count() == 4


def test_the_last_pi_is_told_on_the_page_and_the_post_is_still_refused(client_for, project, pi):
    member = Membership.objects.get(project=project, user=pi)
    client = client_for(pi)
    html = client.get(confirm_url(project, member)).content.decode()
    assert "A project needs at least one PI: add another PI first." in html
    assert 'method="post"' not in html.split('id="member-remove"')[1]  # nothing to confirm
    response = client.post(confirm_url(project, member), follow=True)
    assert "at least one PI" in response.content.decode()
    assert Membership.objects.filter(pk=member.pk).exists()


def test_usernames_are_escaped_on_the_confirmation_page(client_for, project, pi):
    member = MembershipFactory(project=project, user=UserFactory(username="<b>x</b>"))
    html = client_for(pi).get(confirm_url(project, member)).content.decode()
    assert "<b>x</b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html


def test_the_project_pages_remove_button_asks_first(client_for, project, pi, dan):
    """The button is a link to the confirmation page, never the removing POST."""
    html = client_for(pi).get(project.get_absolute_url()).content.decode()
    assert html.count(confirm_url(project, dan)) == 1
    assert f'<a class="button small danger" href="{confirm_url(project, dan)}"' in html
    assert f'action="{confirm_url(project, dan)}"' not in html

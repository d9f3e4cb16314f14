import re

import pytest
from django.urls import reverse

from tests.factories import AssignmentFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_coder_opens_only_assigned_sources(client_for, project, coder):
    assigned = SourceFactory(project=project, title="Assigned piece")
    other = SourceFactory(project=project, title="Not yours")
    AssignmentFactory(source=assigned, coder=coder)
    client = client_for(coder)
    listing = client.get(reverse("source-list", args=[project.slug])).content.decode()
    assert "Assigned piece" in listing
    assert "Not yours" not in listing
    assert client.get(assigned.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404


def test_pi_opens_every_source(client_for, project, pi):
    source = SourceFactory(project=project)
    assert client_for(pi).get(source.get_absolute_url()).status_code == 200


def test_source_of_another_project_is_404(client_for, project, pi):
    foreign = SourceFactory()
    url = reverse("source-detail", args=[project.slug, foreign.pk])
    assert client_for(pi).get(url).status_code == 404


def test_source_text_is_rendered_escaped(client_for, project, pi):
    source = SourceFactory(
        project=project, text="Analysts quoted <script>alert('x')</script> in the report."
    )
    html = client_for(pi).get(source.get_absolute_url()).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html


def test_source_list_paginates_and_keeps_the_search_across_pages(client_for, project, pi):
    for n in range(55):
        SourceFactory(project=project, title=f"Patrol report {n:02d}", text=f"Patrol {n}.")
    SourceFactory(project=project, title="Unrelated summit", text="Summit.")
    client = client_for(pi)
    url = reverse("source-list", args=[project.slug])
    first = client.get(url, {"q": "Patrol"}).content.decode()
    assert "Page 1 of 2" in first
    assert "Unrelated summit" not in first
    assert "q=Patrol&amp;page=2" in first
    second = client.get(url, {"q": "Patrol", "page": 2}).content.decode()
    assert "Page 2 of 2" in second
    assert "Unrelated summit" not in second


def test_the_metadata_form_reads_a_persian_title_from_the_right(client_for, project, pi):
    source = SourceFactory(project=project, title="رزمایش دریایی", text="متن خبر.", language="fa")
    html = client_for(pi).get(reverse("source-detail", args=[project.slug, source.pk]))
    for name in ("title", "outlet", "author"):
        assert re.search(rf'<input type="text" name="{name}"[^>]*dir="auto"', html.content.decode())
    assert re.search(r'<textarea name="text"[^>]*dir="auto"', html.content.decode())


def test_the_pi_filters_by_a_former_member_and_a_bad_filter_says_so(client_for, project, pi):
    """A coder removed from the project keeps their assignments (their codings stay in the
    study): the coder filter lists them as a former member and filters by them. A value the
    filter cannot take is a 400 with the reason, not the whole list looking filtered."""
    from coding.models import Membership
    from coding.projects import remove_member
    from tests.factories import UserFactory

    dan = UserFactory(username="dan")
    Membership.objects.create(project=project, user=dan, role="coder")
    AssignmentFactory(source=SourceFactory(project=project, title="Dan's piece"), coder=dan)
    SourceFactory(project=project, title="Nobody's piece")
    remove_member(project, Membership.objects.get(project=project, user=dan))
    client = client_for(pi)
    url = reverse("source-list", args=[project.slug])
    page = client.get(url).content.decode()
    assert f'<option value="{dan.pk}">dan (former member)</option>' in page
    response = client.get(url, {"coder": dan.pk})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Dan&#x27;s piece" in html and "Nobody&#x27;s piece" not in html

    response = client.get(url, {"coder": 999999, "q": "piece"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="filter-errors"' in html and "Select a valid choice" in html
    assert "Dan&#x27;s piece" not in html and "Nobody&#x27;s piece" not in html
    assert "correct the filters above" in html


def test_a_coder_s_list_ignores_the_coder_filter(client_for, project, coder):
    """A coder's list is their own: ?coder= (a PI's filter) neither widens it nor errs."""
    mine = SourceFactory(project=project, title="Mine")
    AssignmentFactory(source=mine, coder=coder)
    SourceFactory(project=project, title="Not mine")
    response = client_for(coder).get(reverse("source-list", args=[project.slug]), {"coder": 1})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mine" in html and "Not mine" not in html
    assert '<option value="unassigned"' not in html  # a coder has no unassigned sources


def test_the_language_is_a_tag_and_a_persian_title_reads_from_the_right(client_for, project, pi):
    source = SourceFactory(project=project, title="رزمایش دریایی", text="متن خبر.", language="fa")
    url = reverse("source-detail", args=[project.slug, source.pk])
    client = client_for(pi)
    assert '<h1 dir="auto">رزمایش دریایی</h1>' in client.get(url).content.decode()
    form = {"title": source.title, "text": source.text, "language": "english!"}
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "“english!” is not a language tag" in refused.content.decode()
    source.refresh_from_db()
    assert source.language == "fa"
    for tag in ("zh-Hans", "en", "fa-IR", ""):
        assert client.post(url, {**form, "language": tag}).status_code == 302, tag
        source.refresh_from_db()
        assert source.language == tag

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

"""A refused Assign on the source list keeps what the PI chose: the list (its filters and page)
is shown again with status 400, the ticked sources and coders, the mode and the percentage as
they were, the reasons in the messages, nothing assigned."""

import re

import pytest
from django.urls import reverse

from coding.models import Assignment
from tests.factories import MembershipFactory, SourceFactory, UserFactory

pytestmark = pytest.mark.django_db


def ticked_sources(html: str) -> set[int]:
    return {
        int(m.group(1))
        for m in re.finditer(r'<input type="checkbox" name="sources" value="(\d+)"[^>]*>', html)
        if " checked" in m.group(0)
    }


def test_no_coder_keeps_the_sources_mode_and_percentage(client_for, project, pi, coder):
    sources = [SourceFactory(project=project) for _ in range(4)]
    chosen = [sources[1].pk, sources[2].pk]
    response = client_for(pi).post(
        reverse("source-assign", args=[project.slug]),
        {"sources": chosen, "mode": "spread", "reliability_percent": "20", "next": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert ticked_sources(html) == set(chosen)
    assert re.search(r'name="mode" value="spread" form="assign-form" checked', html)
    assert not re.search(r'name="mode" value="every" form="assign-form" checked', html)
    assert re.search(r'name="reliability_percent"[^>]* value="20"', html)
    assert [str(m) for m in response.context["messages"]] == ["Coders: Select at least one coder."]
    assert not Assignment.objects.exists()


def test_a_percentage_over_100_keeps_the_coders_and_the_number(client_for, project, pi, coder):
    other = UserFactory(username="coder-b")
    MembershipFactory(project=project, user=other)
    source = SourceFactory(project=project)
    response = client_for(pi).post(
        reverse("source-assign", args=[project.slug]),
        {"sources": [source.pk], "coders": [coder.pk], "mode": "spread",
         "reliability_percent": "150"},
    )  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert ticked_sources(html) == {source.pk}
    coder_boxes = re.findall(r'<input type="checkbox" name="coders" value="\d+"[^>]*>', html)
    assert len(coder_boxes) == 3  # coder-a, coder-b, pi-user
    assert [box for box in coder_boxes if " checked" in box] == [
        box for box in coder_boxes if f'value="{coder.pk}"' in box
    ]
    assert re.search(r'name="reliability_percent"[^>]* value="150"', html)
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and shown[0].startswith("Reliability sample: ")
    assert not Assignment.objects.exists()


def test_the_list_is_shown_with_the_filters_and_page_it_was_sent_from(client_for, project, pi):
    for n in range(53):
        SourceFactory(project=project, title=f"Piece {n:02}")
    SourceFactory(project=project, title="Other")
    on_page_2 = SourceFactory(project=project, title="Piece 99")
    client = client_for(pi)
    url = reverse("source-list", args=[project.slug])
    listed = client.get(url, {"q": "Piece", "sort": "title", "page": "2"}).content.decode()
    sent_from = re.search(r'name="next" value="([^"]*)"', listed).group(1).replace("&amp;", "&")
    response = client.post(
        reverse("source-assign", args=[project.slug]),
        {"sources": [on_page_2.pk], "next": sent_from},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Piece 99" in html and "Piece 00" not in html and "Other" not in html  # page 2 of q
    assert ticked_sources(html) == {on_page_2.pk}
    assert 'value="Piece"' in html  # the search box keeps the search
    # the filters and the pager lead to the list, not to the assign address this page is at
    assert f'action="{url}"' in html
    assert f'href="{url}?q=Piece&amp;sort=title&amp;page=1"' in html


def test_a_ticked_source_that_is_not_the_projects_is_refused_and_not_shown(
    client_for, project, pi, coder
):
    mine = SourceFactory(project=project)
    foreign = SourceFactory()
    response = client_for(pi).post(
        reverse("source-assign", args=[project.slug]),
        {"sources": [mine.pk, foreign.pk], "coders": [coder.pk]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert ticked_sources(html) == {mine.pk}
    assert f'name="sources" value="{foreign.pk}"' not in html
    assert not Assignment.objects.exists()


def test_an_accepted_assign_still_redirects_back_to_the_list(client_for, project, pi, coder):
    source = SourceFactory(project=project)
    response = client_for(pi).post(
        reverse("source-assign", args=[project.slug]),
        {"sources": [source.pk], "coders": [coder.pk], "mode": "every", "next": "q=x&page=2"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("/sources/?q=x&page=2")
    assert Assignment.objects.filter(source=source, coder=coder).exists()


def test_the_unbound_list_ticks_nothing_and_asks_every_coder(client_for, project, pi):
    SourceFactory(project=project)
    html = client_for(pi).get(reverse("source-list", args=[project.slug])).content.decode()
    assert ticked_sources(html) == set()
    assert 'name="mode" value="every" form="assign-form" checked' in html
    assert re.search(r'name="reliability_percent"[^>]* value="0"', html)

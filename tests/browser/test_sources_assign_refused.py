"""A refused Assign on the source list, in Chromium, as the PI of the demo meets it: the sources
ticked, the mode and the percentage are still there beside the reason, on the same filtered
list; "select all" still works; ticking a coder and assigning again then assigns."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from coding.demo import seed_demo
from coding.models import Assignment
from tests.factories import SourceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    project = seed_demo()
    extra = [
        SourceFactory(project=project, title=f"Quokka briefing {n}", outlet="Wire")
        for n in (1, 2, 3)
    ]
    return project, extra


def test_a_refused_assign_keeps_the_choices_then_assigns(
    page, live_server, login, screenshot, demo
):
    project, extra = demo
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    login("pi", "pi-demo-2024")
    page.goto(f"{live_server.url}/projects/{project.slug}/sources/")
    page.locator("#source-filters").get_by_label("Search title, outlet, text").fill("Quokka")
    page.locator("#source-filters").get_by_role("button", name="Apply").click()
    expect(page.locator("#sources tbody tr")).to_have_count(3)
    first, second = (page.get_by_label(f"Select {s.title}") for s in extra[:2])
    first.check()
    second.check()
    panel = page.locator(".assign-panel")
    panel.locator('input[name="mode"][value="spread"]').check()
    panel.locator('input[name="reliability_percent"]').fill("20")
    with page.expect_response(lambda r: r.url.endswith("/sources/assign/")) as refused:
        panel.get_by_role("button", name="Assign").click()
    assert refused.value.status == 400
    expect(page.get_by_text("Coders: Select at least one coder.")).to_be_visible()
    screenshot("sources-assign-refused")

    # the same filtered list, with everything as the PI left it
    expect(page.locator("#sources tbody tr")).to_have_count(3)
    expect(page.locator("#source-filters input[name=q]")).to_have_value("Quokka")
    expect(first).to_be_checked()
    expect(second).to_be_checked()
    expect(page.get_by_label(f"Select {extra[2].title}")).not_to_be_checked()
    expect(panel.locator('input[name="mode"][value="spread"]')).to_be_checked()
    expect(panel.locator('input[name="mode"][value="every"]')).not_to_be_checked()
    expect(panel.locator('input[name="reliability_percent"]')).to_have_value("20")
    assert not Assignment.objects.filter(source__in=extra).exists()

    # "select all" still ticks and unticks every source of the page
    select_all = page.locator("#select-all")
    select_all.check()
    expect(page.locator('#sources input[name="sources"]:checked')).to_have_count(3)
    select_all.uncheck()
    expect(page.locator('#sources input[name="sources"]:checked')).to_have_count(0)
    first.check()
    second.check()

    # now with a coder: assigned, back on the filtered list
    panel.get_by_label("coder1").check()
    panel.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("2 assignments made.")).to_be_visible()
    expect(page).to_have_url(
        f"{live_server.url}/projects/{project.slug}/sources/?q=Quokka&status=&coder=&sort=date"
    )
    coder1 = get_user_model().objects.get(username="coder1")
    assigned = Assignment.objects.filter(source__in=extra)
    assert sorted(assigned.values_list("source_id", "coder_id")) == [
        (extra[0].pk, coder1.pk),
        (extra[1].pk, coder1.pk),
    ]
    assert errors == []


def test_a_percentage_over_100_is_refused_and_kept(page, live_server, login, demo):
    project, extra = demo
    login("pi", "pi-demo-2024")
    page.goto(f"{live_server.url}/projects/{project.slug}/sources/")
    page.get_by_label(f"Select {extra[0].title}").check()
    panel = page.locator(".assign-panel")
    panel.get_by_label("coder2").check()
    panel.locator('input[name="mode"][value="spread"]').check()
    box = panel.locator('input[name="reliability_percent"]')
    box.fill("150")
    # the box's max="100" would stop the browser; the server's answer is what is tested
    page.locator("#assign-form").evaluate("f => f.setAttribute('novalidate', '')")
    panel.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Reliability sample:")).to_be_visible()
    expect(page.get_by_label(f"Select {extra[0].title}")).to_be_checked()
    expect(panel.get_by_label("coder2")).to_be_checked()
    expect(panel.locator('input[name="mode"][value="spread"]')).to_be_checked()
    expect(box).to_have_value("150")
    assert not Assignment.objects.filter(source__in=extra).exists()

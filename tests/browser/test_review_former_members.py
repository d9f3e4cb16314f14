"""The review page in Chromium after a coder left: the legend, the rows of the comparison table
and the span choice name them "dan (former member)" (the mark muted, as on the dashboard), and a
coder who became a PI "eve (now PI)"."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from coding.models import Activity, Membership, Role
from coding.projects import remove_member, set_member
from tests.browser.review_study import two_coders_done
from tests.factories import CodingFactory, DoneAssignmentFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = (
    "Beijing, 21 March 2023. Xi Jinping and Vladimir Putin met in Moscow and signed a joint "
    "statement on strategic coordination."
)


def test_the_review_page_marks_a_former_member(page, live_server, login, screenshot):
    project, source, coders = two_coders_done(title="Xi in Moscow", text=TEXT)
    dan, eve = UserFactory(username="dan"), UserFactory(username="eve")
    for user in (dan, eve):
        MembershipFactory(project=project, user=user, role=Role.CODER)
        DoneAssignmentFactory(source=source, coder=user)
    heads = Activity.objects.get(area__codebook=project.codebook, slug="heads_of_state")
    start, end = TEXT.index("Xi Jinping"), TEXT.index(" on strategic")
    for i, user in enumerate([*coders, dan, eve]):
        CodingFactory(
            source=source, coder=user, start=start, end=end - 4 * (3 - i), activity=heads,
            area=heads.area, event_date=dt.date(2023, 3, 21), date_precision="day",
            confidence=3 - i % 2,
        )  # fmt: skip
    remove_member(project, Membership.objects.get(project=project, user=dan))
    set_member(project, eve, Role.PI)

    login("pi")
    page.goto(f"{live_server.url}/projects/{project.slug}/review/sources/{source.pk}/")
    expect(page.locator("#coder-legend li")).to_have_text(
        ["coder1", "coder2", "dan (former member)", "eve (now PI)"]
    )
    rows = page.locator("#group-1 td.coder")
    expect(rows).to_have_text(["coder1", "coder2", "dan (former member)", "eve (now PI)"])
    mark = rows.nth(2).locator("span.muted")
    expect(mark).to_have_text("(former member)")
    name_colour = rows.nth(0).evaluate("el => getComputedStyle(el).color")
    assert mark.evaluate("el => getComputedStyle(el).color") != name_colour  # muted
    expect(page.locator("#group-1 select[name=span_from] option")).to_have_text(
        [
            f"coder1 ({start}\u2013{end - 12})",
            f"coder2 ({start}\u2013{end - 8})",
            f"dan (former member) ({start}\u2013{end - 4})",
            f"eve (now PI) ({start}\u2013{end})",
        ]
    )
    path = screenshot("review-former-member")
    assert path.stat().st_size > 0


def test_the_mark_does_not_widen_the_comparison_tables(page, live_server, login, screenshot):
    """With "coder2 (former member)" on one line the demo's groups of four columns that differ
    grew wider than their cards at 1280 px, and Accept was cut off."""
    from coding.demo import seed_demo

    project = seed_demo()
    remove_member(project, Membership.objects.get(project=project, user__username="coder2"))
    source = project.sources.get(title__startswith="Russian defence minister in Pyongyang")
    login("pi", "pi-demo-2024")
    page.goto(f"{live_server.url}/projects/{project.slug}/review/sources/{source.pk}/")
    expect(page.locator("td.coder", has_text="(former member)").first).to_be_visible()
    wide = page.evaluate(
        """() => [...document.querySelectorAll(".group, .group *")]
             .filter((el) => el.checkVisibility() && el.scrollWidth > el.clientWidth + 1)
             .map((el) => `${el.closest(".group").id} ${el.tagName}.${el.className}`)"""
    )
    screenshot("review-former-member-demo")
    assert wide == [], wide

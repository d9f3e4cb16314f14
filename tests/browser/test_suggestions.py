"""Suggestions in the workspace, in Chromium: drawn apart, accepted by keyboard into the coder's
own coding with the suggestion's offsets; none on reliability-sample sources."""

import pytest
from playwright.sync_api import expect

from coding.models import Activity, Assignment, Coding, Role
from coding.suggestions.training import start_training, train
from tests.coding.suggestions.conftest import DRILL, FILLER, SALE, TRADE, approve
from tests.factories import (
    CodingFactory,
    MembershipFactory,
    PIUserFactory,
    ProjectFactory,
    SourceFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = f"🛳️ Fresh news 🇨🇳.\n\n{TRADE} {DRILL}\n\n{FILLER}"


@pytest.fixture
def study():
    project = ProjectFactory(slug="suggest", name="Suggestions study")
    pi = PIUserFactory(username="pi")
    MembershipFactory(project=project, user=pi, role=Role.PI)
    coder = UserFactory(username="coder1")
    MembershipFactory(project=project, user=coder, role=Role.CODER)
    codebook = project.codebook
    drills = Activity.objects.get(area__codebook=codebook, slug="military_exercises")
    sales = Activity.objects.get(area__codebook=codebook, slug="arms_sales")
    rus, irn = codebook.actors.get(iso3="RUS"), codebook.actors.get(iso3="IRN")
    for n in range(12):
        text = f"Report {n}. {DRILL} {TRADE} {SALE} {FILLER}"
        source = SourceFactory(project=project, text=text)
        Assignment.objects.create(source=source, coder=coder)
        at = text.index(DRILL)
        drill = CodingFactory(source=source, coder=coder, start=at, end=at + len(DRILL),
                              activity=drills, area=drills.area)  # fmt: skip
        at = text.index(SALE)
        sale = CodingFactory(source=source, coder=coder, start=at, end=at + len(SALE),
                             activity=sales, area=sales.area, dyad_type="directed",
                             side_a=rus, side_b=irn)  # fmt: skip
        approve(project, pi, drill, n)
        approve(project, pi, sale, n)
    train(start_training(project))
    fresh = SourceFactory(project=project, title="Fresh", text=NEW)
    Assignment.objects.create(source=fresh, coder=coder)
    return project, fresh, coder


def test_accept_a_suggestion_by_keyboard(page, live_server, login, screenshot, study):
    _, fresh, coder = study
    login("coder1")
    page.goto(f"{live_server.url}/projects/suggest/sources/{fresh.pk}/code/")
    panel = page.locator("#ws-suggestions[data-ready]")
    expect(panel).to_be_visible()
    expect(panel.locator("li.suggestion")).to_have_count(1)
    expect(panel.locator("li.suggestion")).to_contain_text("Military exercises")
    assert page.evaluate("CSS.highlights.get('ws-suggestion-current').size") == 1
    screenshot("suggestions-workspace")
    page.locator("#reader").click(position={"x": 5, "y": 5})
    page.keyboard.press("a")
    expect(page.locator("#coding-form")).to_be_visible()  # opened for editing
    expect(panel.locator("li.suggestion")).to_have_count(0)
    coding = Coding.objects.get(source=fresh, coder=coder)
    start = NEW.index(DRILL)
    assert (coding.start, coding.end) == (start, start + len(DRILL))
    assert coding.quote == DRILL and coding.activity.slug == "military_exercises"
    expect(page.locator("#coding-list li")).to_have_count(1)
    screenshot("suggestions-accepted")


def test_none_on_reliability_sample_sources(page, live_server, login, study):
    project, fresh, _ = study
    second = UserFactory(username="coder2")
    MembershipFactory(project=project, user=second, role=Role.CODER)
    Assignment.objects.create(source=fresh, coder=second)
    login("coder1")
    page.goto(f"{live_server.url}/projects/suggest/sources/{fresh.pk}/code/")
    panel = page.locator("#ws-suggestions[data-ready]")
    expect(panel).to_contain_text("off on reliability-sample sources")
    expect(panel.locator("li.suggestion")).to_have_count(0)


def test_pi_sees_the_suggester_beside_the_coders(
    page, live_server, login, screenshot, study, monkeypatch
):
    from coding.suggestions import training

    project, _, _ = study
    monkeypatch.setattr(training, "held_out", lambda source_id: source_id % 2 == 0)
    train(start_training(project))
    login("pi")
    page.goto(f"{live_server.url}/projects/suggest/suggestions/")
    expect(page.locator("#machine-as-coder .machine-row")).to_contain_text("Suggester (")
    expect(page.locator("#learning-curve tbody tr").first).to_be_visible()
    screenshot("suggestions-page")
    page.goto(f"{live_server.url}/projects/suggest/reliability/")
    expect(page.locator("#machine-as-coder")).to_contain_text("not shown")

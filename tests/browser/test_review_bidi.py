"""The review page in Chromium: a group's number stays at the start of its highlight when the
text mixes English and Persian (right-to-left)."""

import pytest
from playwright.sync_api import expect

from coding.models import Activity
from tests.browser.review_study import two_coders_done
from tests.factories import (
    CodingFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DRILL = "رزمایش دریایی"
# an English line quoting Persian, and a Persian line naming the SCO in Latin letters; short,
# so that no line wraps
TEXT = f"Tehran said {DRILL} began.\n\nگفت SCO {DRILL} آغاز شد.\n\nMoscow sent observers."


@pytest.fixture
def study(db):
    project, source, coders = two_coders_done(title="Drill", text=TEXT, language="fa")
    drills = Activity.objects.get(area__codebook=project.codebook, slug="military_exercises")
    first = TEXT.index(DRILL)
    second = TEXT.index(DRILL, first + 1)
    for start in (first, second):
        for coder in coders:
            CodingFactory(source=source, coder=coder, start=start, end=start + len(DRILL),
                          activity=drills, area=drills.area)  # fmt: skip
    return project, source


def test_group_numbers_stay_at_the_start_of_right_to_left_highlights(
    page, live_server, login, screenshot, study
):
    _, source = study
    login("pi")
    page.goto(f"{live_server.url}/projects/pilot/review/sources/{source.pk}/")
    expect(page.locator("#review-text")).to_be_visible()
    page.locator("#review-text").screenshot(
        path=str(screenshot("review-bidi").with_name("review-bidi-text.png"))
    )
    for number in (1, 2):
        marker = page.locator(f"#review-text mark[data-group='{number}'] .grp-no").bounding_box()
        text = page.locator(f"#review-text mark[data-group='{number}'] .seg").bounding_box()
        # Persian reads from the right: the number sits at the right of the passage, touching it
        assert text["x"] + text["width"] - 2 <= marker["x"] <= text["x"] + text["width"] + 12, (
            number, marker, text,
        )  # fmt: skip

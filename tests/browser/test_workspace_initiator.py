"""The initiator of a multilateral coding in the panel: "Initiated by" lists the ticked
participants, is stored as side A, survives a reload, is cleared when its participant is
unticked, and an edit in the browser keeps the initiator of a coding made through the API."""

import re

import pytest
from playwright.sync_api import expect
from rest_framework.test import APIClient

from coding.models import Activity, Coding
from tests.browser import test_workspace
from tests.browser.test_workspace import TEXT, open_workspace, select_points

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

study = test_workspace.study  # the project, its source and its two coders

PASSAGE = "the navies of 中国 and Россия began a joint patrol 🚢"


def saved(page):
    expect(page.locator("#save-status")).to_have_text(re.compile("Saved|All changes saved"))


def actor_ids(project) -> dict[str, int]:
    return {a.iso3: a.pk for a in project.codebook.actors.all()}


def test_multilateral_coding_with_an_initiator(page, live_server, login, screenshot, study):
    project, source = study
    act = Activity.objects.get(slug="military_exercises", area__codebook=project.codebook)
    login("coder1")
    open_workspace(page, live_server, project, source)
    start = TEXT.index(PASSAGE)
    select_points(page, start, start + len(PASSAGE))
    form = page.locator("#coding-form")
    initiator = form.get_by_label("Initiated by")
    expect(initiator).to_be_hidden()  # a pair has actor A and B instead
    form.get_by_label("Multilateral").check()
    expect(initiator).to_be_visible()
    expect(initiator.locator("option")).to_have_text(["— nobody in particular —"])
    for iso3 in ("CHN", "RUS", "IRN"):
        form.get_by_label(iso3, exact=True).check()
    expect(initiator.locator("option")).to_have_text(
        ["— nobody in particular —", "CHN · China", "RUS · Russia", "IRN · Iran"]
    )  # in the codebook's order, as the participants
    # by keyboard: Tab from the last participant reaches it, type-ahead picks Russia
    form.get_by_label("PRK", exact=True).focus()
    page.keyboard.press("Tab")
    expect(initiator).to_be_focused()
    page.keyboard.type("R")
    expect(initiator).to_have_value(str(actor_ids(project)["RUS"]))
    form.get_by_label("Forum").fill("SCO")
    form.get_by_label("Area").select_option(str(act.area_id))
    form.get_by_label("Activity").select_option(str(act.pk))
    form.locator('input[name=confidence][value="3"]').check()
    screenshot("workspace-initiator-panel")
    form.get_by_role("button", name="Save").click()
    expect(form).to_be_hidden()
    saved(page)
    coding = Coding.objects.get()
    ids = actor_ids(project)
    assert coding.dyad_type == "multilateral" and coding.side_a_id == ids["RUS"]
    assert sorted(coding.participants.values_list("iso3", flat=True)) == ["CHN", "IRN", "RUS"]
    expect(page.locator("#coding-list li")).to_contain_text("initiated by RUS")

    # after a reload the panel shows it again
    page.reload()
    expect(page.locator("#reader[data-ready]")).to_have_count(1)
    page.locator("#coding-list li").first.click()
    expect(form).to_be_visible()
    expect(initiator).to_have_value(str(ids["RUS"]))
    expect(initiator.locator("option:checked")).to_have_text("RUS · Russia")

    # unticking the initiator's participant clears it (and the save is not refused)
    form.get_by_label("RUS", exact=True).uncheck()
    expect(initiator).to_have_value("")
    expect(initiator.locator("option")).to_have_text(
        ["— nobody in particular —", "CHN · China", "IRN · Iran"]
    )
    form.get_by_label("PRK", exact=True).check()
    form.get_by_role("button", name="Save").click()
    expect(form).to_be_hidden()
    saved(page)
    coding.refresh_from_db()
    assert coding.side_a_id is None and coding.version == 2
    assert sorted(coding.participants.values_list("iso3", flat=True)) == ["CHN", "IRN", "PRK"]

    # a pair still codes as before: actor A and B, the initiator out of sight
    select_points(page, TEXT.index("Officials said"), TEXT.index("Officials said") + 14)
    form.get_by_label("Pair").check()
    expect(initiator).to_be_hidden()
    form.get_by_label("Actor A").select_option(label="CHN · China")
    form.get_by_label("Actor B").select_option(label="IRN · Iran")
    form.locator('input[name=confidence][value="2"]').check()
    form.get_by_role("button", name="Save").click()
    expect(form).to_be_hidden()
    saved(page)
    pair = Coding.objects.get(quote="Officials said")
    assert pair.dyad_type == "undirected"
    assert (pair.side_a_id, pair.side_b_id) == (ids["CHN"], ids["IRN"])


def test_an_edit_keeps_the_initiator_of_an_api_coding(page, live_server, login, study):
    project, source = study
    coder = project.memberships.get(user__username="coder1").user
    act = Activity.objects.get(slug="military_exercises", area__codebook=project.codebook)
    ids = actor_ids(project)
    start = TEXT.index(PASSAGE)
    client = APIClient()
    client.force_authenticate(coder)
    answer = client.post(
        f"/api/projects/{project.slug}/sources/{source.pk}/codings/",
        {"start": start, "end": start + len(PASSAGE), "quote": PASSAGE,
         "dyad_type": "multilateral", "side_a": ids["CHN"], "side_b": None,
         "participants": [ids["CHN"], ids["RUS"], ids["PRK"]], "forum": "SCO",
         "area": act.area_id, "activity": act.pk, "confidence": 2, "note": "From the API."},
        format="json",
    )  # fmt: skip
    assert answer.status_code == 201, answer.content
    login("coder1")
    open_workspace(page, live_server, project, source)
    page.locator("#coding-list li").first.click()
    form = page.locator("#coding-form")
    expect(form).to_be_visible()
    expect(form.get_by_label("Initiated by")).to_have_value(str(ids["CHN"]))
    form.get_by_label("Note").fill("Edited in the browser.")
    form.get_by_role("button", name="Save").click()
    expect(form).to_be_hidden()
    saved(page)
    coding = Coding.objects.get()
    assert coding.note == "Edited in the browser." and coding.version == 2
    assert coding.side_a_id == ids["CHN"] and coding.forum == "SCO"

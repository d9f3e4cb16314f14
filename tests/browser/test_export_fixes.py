"""The export page's dyad box shows its whole hint, at desktop and phone widths."""

import pytest

from coding.models import Role
from tests.factories import MembershipFactory, PIUserFactory, ProjectFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_the_dyad_hint_shows_whole_in_the_browser(page, live_server, login, width):
    project = ProjectFactory()
    MembershipFactory(project=project, user=PIUserFactory(username="pi"), role=Role.PI)
    page.set_viewport_size({"width": width, "height": 860})
    login("pi")
    page.goto(f"{live_server.url}/projects/{project.slug}/export/")
    room, needed, right = page.locator("#filter-dyad").evaluate(
        """input => {
            const style = getComputedStyle(input);
            const context = document.createElement("canvas").getContext("2d");
            context.font = style.font;
            const room = input.clientWidth - parseFloat(style.paddingLeft)
                - parseFloat(style.paddingRight);
            return [room, context.measureText(input.placeholder).width,
                    input.getBoundingClientRect().right];
        }"""
    )
    assert needed <= room, f"the hint needs {needed:.0f}px, the input has {room:.0f}px"
    assert right <= width  # and the input stays on the screen

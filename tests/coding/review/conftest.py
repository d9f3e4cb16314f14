import datetime as dt

import pytest

from coding.models import Role
from tests.factories import (
    CodingFactory,
    DoneAssignmentFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
)

TEXT = (
    "Xi Jinping met Vladimir Putin in Moscow on 21 March 2023.\n\n"
    "Separately, Iranian drones were delivered to Russia, reports said. "
    "Сергей Шойгу visited Pyongyang; 金正恩 hosted him. 🚀"
)


@pytest.fixture
def coder_b(project):
    user = UserFactory(username="coder-b")
    MembershipFactory(project=project, user=user, role=Role.CODER)
    return user


@pytest.fixture
def source(project, coder, coder_b):
    source = SourceFactory(project=project, text=TEXT, title="Summit «Москва» 峰会")
    DoneAssignmentFactory(source=source, coder=coder)
    DoneAssignmentFactory(source=source, coder=coder_b)
    return source


@pytest.fixture
def make_coding(project):
    codebook = project.codebook

    def make(source, coder, start, end, **fields):
        if "activity" in fields and isinstance(fields["activity"], str):
            fields["activity"] = _activity(codebook, fields["activity"])
        for side in ("side_a", "side_b"):
            if isinstance(fields.get(side), str):
                fields[side] = codebook.actors.get(iso3=fields[side])
        participants = fields.pop("participants", None)
        if "activity" in fields:
            fields.setdefault("area", fields["activity"].area)
        fields.setdefault("event_date", dt.date(2023, 3, 21))
        fields.setdefault("date_precision", "day")
        coding = CodingFactory(source=source, coder=coder, start=start, end=end, **fields)
        if participants:
            coding.participants.set(codebook.actors.filter(iso3__in=participants))
        return coding

    return make


def _activity(codebook, slug):
    from coding.models import Activity

    return Activity.objects.get(area__codebook=codebook, slug=slug)

"""The report's codings are read in one snapshot: a coding saved meanwhile is not half in it."""

import pytest

from coding.reliability import data
from coding.reliability.data import Filters, load_codings
from tests.coding.reliability.study import build_study
from tests.elsewhere import elsewhere
from tests.factories import CodingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_coding_saved_after_the_sources_were_read_is_left_out(project, monkeypatch):
    study = build_study(project)
    saved = []
    record = data.SourceRecord

    def read_source_then_save(**fields):  # the sources are read before the codings
        if not saved:
            elsewhere(lambda: saved.append(CodingFactory(source=study.s2, coder=study.alice).pk))
        return record(**fields)

    monkeypatch.setattr(data, "SourceRecord", read_source_then_save)
    coding_set = load_codings(project, Filters())
    assert saved
    assert saved[0] not in {c.id for c in coding_set.codings}
    assert len(coding_set.codings) == 6  # the study's, as when the report began

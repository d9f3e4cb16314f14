"""The per-process cache of source texts that coding saves read (coding.workspace.source_texts)."""

import pytest

from coding.workspace import source_texts
from sources.models import Source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    source_texts.clear()
    yield
    source_texts.clear()


def test_a_kept_text_is_served_without_a_query(django_assert_num_queries):
    source = SourceFactory(text="中俄 🙂 سال‌های text")
    with django_assert_num_queries(1):
        assert source_texts.source_text(source.pk, source.text_hash) == source.text
    with django_assert_num_queries(0):
        assert source_texts.source_text(source.pk, source.text_hash) == source.text


def test_an_edited_text_has_a_new_key_so_the_old_one_is_never_served():
    source = SourceFactory(text="First version of the text.")
    old_hash = source.text_hash
    assert source_texts.source_text(source.pk, old_hash) == "First version of the text."
    source.text = "Second version of the text."
    source.save()
    assert source.text_hash != old_hash
    assert source_texts.source_text(source.pk, source.text_hash) == "Second version of the text."


def test_a_text_read_under_a_stale_hash_is_answered_but_not_kept(django_assert_num_queries):
    source = SourceFactory(text="Current text.")
    stale = "0" * 64
    assert source_texts.source_text(source.pk, stale) == "Current text."
    with django_assert_num_queries(1):  # not kept under the stale key
        source_texts.source_text(source.pk, stale)


def test_a_deleted_source_has_no_text():
    source = SourceFactory()
    pk, text_hash = source.pk, source.text_hash
    Source.objects.filter(pk=pk).delete()
    assert source_texts.source_text(pk, text_hash) is None


def test_the_oldest_texts_go_first_past_the_bound(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(source_texts, "MAX_CHARS", 100)
    first, second, third = (SourceFactory(text=c * 40) for c in "abc")
    for source in (first, second, third):  # 120 characters: the first one goes
        source_texts.source_text(source.pk, source.text_hash)
    with django_assert_num_queries(0):
        source_texts.source_text(third.pk, third.text_hash)
        source_texts.source_text(second.pk, second.text_hash)
    with django_assert_num_queries(1):
        source_texts.source_text(first.pk, first.text_hash)

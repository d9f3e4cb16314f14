import pytest

from sources.models import Source, TextLockedError, hash_text
from tests.factories import CodingFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_text_is_stored_canonical():
    persian = "\u0633\u0627\u0644\u200c\u0647\u0627\u06cc"  # sal-ha-ye, with its ZWNJ
    raw = f"  Cafe\u0301 talks \r\nin Tehran\rended.\n\n\n\n{persian} 👩\u200d💻\x00 "
    canonical = f"Café talks\nin Tehran\nended.\n\n{persian} 👩\u200d💻"
    source = SourceFactory(text=raw)
    source.refresh_from_db()
    assert source.text == canonical
    assert source.text_hash == hash_text(canonical)


def test_text_can_change_while_nothing_is_coded():
    source = SourceFactory(text="First draft.")
    source.text = "Second draft."
    source.save()
    source.refresh_from_db()
    assert source.text == "Second draft."


def test_text_is_locked_once_coded_but_metadata_is_not():
    coding = CodingFactory()
    source = Source.objects.get(pk=coding.source.pk)
    original = source.text
    source.title = "Corrected headline"
    source.save()
    source.text = original + " Appended."
    with pytest.raises(TextLockedError, match="cannot change: it already has codings"):
        source.save()
    source.refresh_from_db()
    assert (source.text, source.title) == (original, "Corrected headline")


def test_text_lock_also_holds_when_text_was_deferred():
    coding = CodingFactory()
    source = Source.objects.defer("text").get(pk=coding.source.pk)
    source.text = "Replaced entirely."
    with pytest.raises(TextLockedError):
        source.save()


def test_same_text_twice_in_a_project_is_refused_by_the_database():
    from django.db import IntegrityError

    first = SourceFactory(text="Same words.")
    with pytest.raises(IntegrityError):
        SourceFactory(project=first.project, text="Same words.")


def test_original_document_is_kept_compressed():
    html = ("<html><body>" + "<p>Patrol report.</p>" * 500 + "</body></html>").encode()
    source = SourceFactory()
    source.original = html
    source.save()
    source.refresh_from_db()
    assert source.original == html
    assert len(bytes(source.original_compressed)) < len(html) / 10

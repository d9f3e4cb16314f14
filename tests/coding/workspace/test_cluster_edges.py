"""Codings whose span splits a grapheme cluster: found, widened to whole clusters, recorded."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from coding.models import CodingChange
from coding.workspace.cluster_edges import cluster_bounds, find_split_codings, repair, widen
from tests.factories import CodingFactory, EventEvidenceFactory, SourceFactory

FLAG = "\U0001f1f0\U0001f1f7"  # 🇰🇷, two code points, one character as read
THUMB = "\U0001f44d\U0001f3fd"  # 👍🏽, with its skin tone
FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # 👨‍👩‍👧, five code points
KASRA = "\u0641\u0650\u0631\u0650\u0634\u062a\u0647"  # فِرِشته, letters with combining kasras
TEXT = (
    f"Seoul {FLAG} hosted Moscow's envoy. Max\u0301 talks {THUMB} then {FAMILY}. "
    f"{KASRA} گفت. 中国和俄罗斯 held drills; Россия agreed."
)


def at(part: str) -> int:
    return TEXT.index(part)


def test_cluster_bounds_keep_every_character_as_read_whole():
    bounds = cluster_bounds(TEXT)
    for part in (FLAG, THUMB, FAMILY, "x\u0301"):
        start = at(part)
        assert start in bounds and start + len(part) in bounds
        assert not any(start < b < start + len(part) for b in bounds)
    kasra = at(KASRA) + 1  # the kasra after فـ belongs to it
    assert kasra not in bounds and kasra - 1 in bounds
    for ch in "中国和俄罗斯Россия":  # one code point, one cluster
        assert at(ch) in bounds and at(ch) + 1 in bounds
    assert bounds[-1] == len(TEXT)


@pytest.mark.parametrize(
    ("start", "end", "widened"),
    [
        (at(FLAG) + 1, at("hosted"), (at(FLAG), at("hosted"))),  # starts in the flag
        (0, at(FLAG) + 1, (0, at(FLAG) + 2)),  # ends in the flag
        (at(FAMILY) + 2, at(FAMILY) + 3, (at(FAMILY), at(FAMILY) + len(FAMILY))),
        (at("x\u0301") + 1, at(" talks"), (at("x\u0301"), at(" talks"))),  # the mark alone
        (at("中国"), at("中国") + 2, (at("中国"), at("中国") + 2)),  # already whole
    ],
)
def test_widen_moves_each_edge_out_to_its_cluster(start, end, widened):
    assert widen(cluster_bounds(TEXT), start, end) == widened


@pytest.mark.django_db
def test_split_codings_are_listed_and_whole_ones_are_not():
    source = SourceFactory(text=TEXT)
    half_flag = CodingFactory(source=source, start=at(FLAG), end=at(FLAG) + 1)
    assert source.text == TEXT  # stored as written, so the offsets above hold
    thumb_only = CodingFactory(source=source, start=at(THUMB), end=at(THUMB) + 1)
    CodingFactory(source=source, start=at("Россия"), end=at("Россия") + 6)
    CodingFactory(source=source, start=at(KASRA), end=at(KASRA) + len(KASRA))

    found = {s.coding.pk: (s.start, s.end) for s in find_split_codings([source])}

    assert found == {
        half_flag.pk: (at(FLAG), at(FLAG) + 2),
        thumb_only.pk: (at(THUMB), at(THUMB) + 2),
    }


@pytest.mark.django_db
def test_repair_widens_the_span_with_its_quote_context_version_and_history():
    source = SourceFactory(text=TEXT)
    coding = CodingFactory(source=source, start=at(KASRA) + 2, end=at(KASRA) + 3)  # ر, no kasra
    [split] = find_split_codings([source])

    assert repair(split, TEXT) is None

    coding.refresh_from_db()
    assert (coding.start, coding.end) == (at(KASRA) + 2, at(KASRA) + 4)
    assert coding.quote == KASRA[2:4]
    assert coding.prefix == TEXT[coding.start - 32 : coding.start]
    assert coding.suffix == TEXT[coding.end : coding.end + 32]
    assert coding.version == 2
    change = CodingChange.objects.get(coding=coding, action=CodingChange.Action.UPDATE)
    assert change.before["quote"] == KASRA[2:3] and change.after["quote"] == KASRA[2:4]
    assert list(find_split_codings([source])) == []


@pytest.mark.django_db
def test_an_approved_coding_is_left_as_it_is():
    evidence = EventEvidenceFactory(
        coding__source=SourceFactory(text=TEXT), coding__start=0, coding__end=at(FLAG) + 1
    )
    coding = evidence.coding
    [split] = find_split_codings([coding.source])

    assert "approved" in repair(split, TEXT)

    coding.refresh_from_db()
    assert (coding.end, coding.version) == (at(FLAG) + 1, 1)
    assert not CodingChange.objects.filter(coding=coding).exists()


@pytest.mark.django_db
def test_the_command_lists_then_repairs_one_projects_codings():
    source = SourceFactory(text=TEXT)
    coding = CodingFactory(source=source, start=at(FAMILY) + 1, end=at(FAMILY) + 4)
    other = CodingFactory(source=SourceFactory(text=TEXT), start=at(FLAG), end=at(FLAG) + 1)
    out = StringIO()

    with pytest.raises(CommandError, match=r"^1 coding\(s\) split a character; --repair"):
        call_command("check_spans", "--project", source.project.slug, stdout=out)

    assert f"coding {coding.pk} by {coding.coder.username}" in out.getvalue()
    assert f"coding {other.pk} " not in out.getvalue()
    coding.refresh_from_db()
    assert coding.version == 1  # listing changes nothing

    out = StringIO()
    call_command("check_spans", "--project", source.project.slug, "--repair", stdout=out)

    assert "1 of 1 coding(s) repaired." in out.getvalue()
    out = StringIO()
    call_command("check_spans", "--project", source.project.slug, stdout=out)  # exits 0 now
    assert "No coding splits a character." in out.getvalue()
    coding.refresh_from_db()
    assert coding.quote == FAMILY
    other.refresh_from_db()
    assert other.quote == FLAG[0]  # another project's coding is not touched


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_project():
    with pytest.raises(CommandError, match="No project with the slug 'nope'"):
        call_command("check_spans", "--project", "nope", stdout=StringIO())


@pytest.mark.django_db
def test_the_command_fails_while_a_split_coding_is_left():
    evidence = EventEvidenceFactory(
        coding__source=SourceFactory(text=TEXT), coding__start=0, coding__end=at(FLAG) + 1
    )
    out = StringIO()
    with pytest.raises(CommandError, match=r"^0 of 1 coding\(s\) repaired; the rest are listed"):
        call_command("check_spans", "--repair", stdout=out)
    assert f"coding {evidence.coding.pk} " in out.getvalue() and "left (approved" in out.getvalue()

# ruff: noqa: RUF001 (Cyrillic and Persian letter forms on purpose)
"""The source list's search folds case and letter forms alike on SQLite and PostgreSQL: on
SQLite `icontains` folded only ASCII, so "тегеран" missed "Тегеран"; no database took "ايران"
(Arabic yeh) for "ایران" (Persian yeh)."""

import pytest
from django.db import connection
from django.urls import reverse

from sources.search import fold_for_search
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

SAMPLES = ["Тегеран", "ТЕГЕРАН Ёлка", "ايران كشور", "ایران کشور", "Xi JINPING", "中俄 北京", "ÀÉ"]


def test_the_database_folds_as_python_does():
    with connection.cursor() as cursor:
        for text in SAMPLES:
            cursor.execute("SELECT search_fold(%s)", [text])
            assert cursor.fetchone()[0] == fold_for_search(text), text
        cursor.execute("SELECT search_fold(NULL)")
        assert cursor.fetchone()[0] is None


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("тегеран", {"Визит в Тегеран"}),
        ("ТЕГЕРАН", {"Визит в Тегеран"}),
        ("елка", {"Новогодняя ёлка"}),  # yo and ye
        ("ايران", {"سفر به ایران"}),  # Arabic yeh finds the Persian
        ("ایران", {"سفر به ایران"}),
        ("SEOUL", {"Talks in Seoul"}),
        ("pyongyang", {"Talks in Seoul"}),  # in the text
        ("xinhua", {"Визит в Тегеран"}),  # the outlet
        ("50%", set()),  # a LIKE wildcard is a character here
        ("a_b", set()),
    ],
)
def test_the_source_list_finds_across_case_and_letter_forms(client_for, project, pi, query, found):
    SourceFactory(project=project, title="Визит в Тегеран", outlet="Xinhua", text="Текст.")
    SourceFactory(project=project, title="Новогодняя ёлка", outlet="ТАСС", text="Другой текст.")
    SourceFactory(project=project, title="سفر به ایران", outlet="ایسنا", text="متن خبر.")
    SourceFactory(project=project, title="Talks in Seoul", text="Pyongyang said 5 things.")
    response = client_for(pi).get(reverse("source-list", args=[project.slug]), {"q": query})
    assert response.status_code == 200
    assert {s.title for s in response.context["page"]} == found

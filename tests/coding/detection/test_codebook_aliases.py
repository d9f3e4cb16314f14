# ruff: noqa: RUF001 (Cyrillic, Persian and CJK text on purpose)
"""Aliases on codebooks: shipped by the data migration, copied with new versions, edited by PIs."""

import pytest

from coding.codebook_io import new_version
from coding.detection.codebooks import add_shipped_aliases, codebook_aliases, detect
from coding.models import Actor, Codebook, Role
from tests.factories import MembershipFactory, ProjectFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_migration_shipped_aliases_into_the_default_codebook():
    codebook = Codebook.objects.get(name__startswith="Security ties")
    russia = codebook.actors.get(iso3="RUS")
    assert "Россия" in russia.aliases["ru"]
    assert "俄罗斯" in russia.aliases["zh"]
    assert "روسیه" in russia.aliases["fa"]
    assert "러시아" in russia.aliases["ko"]
    assert "Kremlin" in russia.aliases["en"]
    assert codebook.actors.get(iso3="BLR").aliases["zh"][0] == "白俄罗斯"


def test_a_new_version_keeps_the_aliases():
    codebook = Codebook.objects.get(name__startswith="Security ties")
    copy = new_version(codebook, "test-copy")
    assert copy.actors.get(iso3="PRK").aliases == codebook.actors.get(iso3="PRK").aliases


def test_adding_shipped_aliases_keeps_the_pis_own(project):
    china = project.codebook.actors.get(iso3="CHN")
    china.aliases = {"en": ["Middle Kingdom"]}
    china.save()
    assert add_shipped_aliases([project.codebook.pk]) == 4  # the factory's four core actors
    china.refresh_from_db()
    assert china.aliases["en"][0] == "Middle Kingdom"
    assert "中国" in china.aliases["zh"]
    assert add_shipped_aliases([project.codebook.pk]) == 0


def test_detect_on_a_codebook_uses_the_actor_names_and_sees_edits(project):
    text = "China and Russia; the Middle Kingdom."
    assert [m.iso3 for m in detect(project.codebook, text)] == ["CHN", "RUS"]
    Actor.objects.filter(codebook=project.codebook, iso3="CHN").update(
        aliases={"en": ["Middle Kingdom"]}
    )
    assert [m.iso3 for m in detect(project.codebook, text)] == ["CHN", "RUS", "CHN"]
    assert codebook_aliases(project.codebook)["CHN"]["en"] == ["Middle Kingdom", "China"]


def url(project):
    return f"/projects/{project.slug}/codebook/names/"


def test_anonymous_is_sent_to_log_in(client, project):
    response = client.get(url(project))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_outsider_gets_404(client_for, outsider, project):
    assert client_for(outsider).get(url(project)).status_code == 404


def test_coder_reads_but_may_not_save(client_for, coder, project):
    project.codebook.actors.filter(iso3="RUS").update(aliases={"ru": ["Россия"]})
    client = client_for(coder)
    page = client.get(url(project))
    assert page.status_code == 200
    assert "Россия" in page.content.decode()
    assert "<textarea" not in page.content.decode()
    assert client.post(url(project), {}).status_code == 403


def test_pi_saves_names_one_a_line(client_for, pi, project):
    russia = project.codebook.actors.get(iso3="RUS")
    client = client_for(pi)
    assert client.get(url(project)).status_code == 200
    field = f"actor_{russia.pk}_ru"
    response = client.post(url(project), {field: "Россия\n  Кремль ; Москва\nРоссия\n"})
    assert response.status_code == 302
    russia.refresh_from_db()
    assert russia.aliases == {"ru": ["Россия", "Кремль", "Москва"]}


def test_pi_gets_a_form_error_for_a_one_letter_alias(client_for, pi, project):
    russia = project.codebook.actors.get(iso3="RUS")
    response = client_for(pi).post(url(project), {f"actor_{russia.pk}_en": "R"})
    assert response.status_code == 200
    assert "at least two characters" in response.content.decode()
    russia.refresh_from_db()
    assert russia.aliases == {}


def test_pi_adds_the_shipped_names(client_for, pi, project):
    response = client_for(pi).post(url(project), {"action": "add-shipped"})
    assert response.status_code == 302
    assert "Кремль" in project.codebook.actors.get(iso3="RUS").aliases["ru"]


def test_shared_codebook_is_announced(client_for, pi, project):
    ProjectFactory(codebook=project.codebook)
    page = client_for(pi).get(url(project)).content.decode()
    assert "shared with 1 other project" in page


def test_pi_of_another_project_cannot_edit(client_for, project):
    other_pi = UserFactory(username="other-pi")
    MembershipFactory(project=ProjectFactory(), user=other_pi, role=Role.PI)
    assert client_for(other_pi).post(url(project), {"action": "add-shipped"}).status_code == 404


def test_pi_saves_compound_forms_of_one_character(client_for, pi, project):
    russia = project.codebook.actors.get(iso3="RUS")
    client = client_for(pi)
    page = client.get(url(project)).content.decode()
    assert f"actor_{russia.pk}_zh_short" in page and "in compounds" in page
    response = client.post(url(project), {f"actor_{russia.pk}_zh_short": "俄罗斯"})
    assert response.status_code == 200
    assert "one character" in response.content.decode()
    response = client.post(
        url(project), {f"actor_{russia.pk}_zh_short": "俄", f"actor_{russia.pk}_ko_short": "러"}
    )
    assert response.status_code == 302
    russia.refresh_from_db()
    assert russia.aliases == {"zh_short": ["俄"], "ko_short": ["러"]}


def test_persian_and_chinese_semicolons_separate_names(client_for, pi, project):
    china = project.codebook.actors.get(iso3="CHN")
    response = client_for(pi).post(
        url(project), {f"actor_{china.pk}_fa": "پکن؛ بیجینگ", f"actor_{china.pk}_zh": "中国；中华"}
    )
    assert response.status_code == 302
    china.refresh_from_db()
    assert china.aliases == {"fa": ["پکن", "بیجینگ"], "zh": ["中国", "中华"]}


def test_a_compound_form_is_in_its_columns_script(client_for, pi, project):
    """The Korean column took 中 (a Chinese character), replacing 중, without a word."""
    china = project.codebook.actors.get(iso3="CHN")
    client = client_for(pi)
    response = client.post(url(project), {f"actor_{china.pk}_ko_short": "中\n華"})
    assert response.status_code == 200
    assert "A Korean compound form is a Hangul syllable (북, 러, 중), not 中, 華." in (
        response.content.decode()
    )
    response = client.post(url(project), {f"actor_{china.pk}_zh_short": "중"})
    assert "A Chinese compound form is a Chinese character (中, 俄), not 중." in (
        response.content.decode()
    )
    china.refresh_from_db()
    assert china.aliases == {}

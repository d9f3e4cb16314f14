import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.test import RequestFactory

from coding.demo import DEMO_ACCOUNTS, demo_articles, seed_demo
from coding.models import Assignment, Membership, Project, Role
from sources.models import Source

pytestmark = pytest.mark.django_db

# django-axes counts logins per request (address), so authenticate() needs one
REQUEST = RequestFactory().post("/accounts/login/")


def test_seed_demo_creates_study_accounts_and_assignments(capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    project = Project.objects.get(slug="demo")
    sources = Source.objects.filter(project=project)
    assert sources.count() == len(demo_articles()) >= 8
    for account in DEMO_ACCOUNTS:
        assert f"{account.username:<8} {account.password}" in out
        user = authenticate(REQUEST, username=account.username, password=account.password)
        assert user is not None
        assert Membership.objects.get(project=project, user=user).role == account.role
    coders = [a.username for a in DEMO_ACCOUNTS if a.role == Role.CODER]
    assert Assignment.objects.filter(
        source__project=project, coder__username__in=coders
    ).count() == (len(coders) * sources.count())
    pi = authenticate(REQUEST, username="pi", password="pi-demo-2024")
    assert pi.has_perm("coding.add_project")


def test_seed_demo_is_idempotent_and_keeps_changes():
    project = seed_demo()
    source = project.sources.first()
    source.title = "Edited by the PI"
    source.save()
    seed_demo()
    assert Project.objects.filter(slug="demo").count() == 1
    assert Source.objects.filter(project=project).count() == len(demo_articles())
    source.refresh_from_db()
    assert source.title == "Edited by the PI"


def test_demo_texts_cover_the_scripts_the_study_meets():
    texts = "\n".join(article.body for article in demo_articles())
    assert any("\u4e00" <= ch <= "\u9fff" for ch in texts), "Chinese"
    assert any("\u0400" <= ch <= "\u04ff" for ch in texts), "Cyrillic"
    assert any("\u0600" <= ch <= "\u06ff" for ch in texts), "Persian"
    assert "\u200c" in texts, "Persian zero-width non-joiner"
    assert any(ord(ch) > 0xFFFF for ch in texts), "an emoji outside the BMP"
    assert "“" in texts and "”" in texts

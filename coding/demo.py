"""The demo study that `make run` loads: three accounts, one project, eight short articles.

Idempotent: a second run finds everything in place and changes nothing.
"""

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from sources.models import Origin, Source, hash_text, normalize_text

from .access import PI_GROUP
from .codebook_io import import_codebook, load_default_codebook_data
from .models import Assignment, Membership, Project, Role

ARTICLES_DIR = Path(__file__).parent / "demo" / "articles"
DEMO_SLUG = "demo"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: str


DEMO_ACCOUNTS = (
    DemoAccount("pi", "pi-demo-2024", Role.PI),
    DemoAccount("coder1", "coder1-demo-2024", Role.CODER),
    DemoAccount("coder2", "coder2-demo-2024", Role.CODER),
)


@dataclass(frozen=True)
class DemoArticle:
    filename: str
    title: str
    outlet: str
    author: str
    published: date | None
    url: str
    language: str
    body: str


FRONT_MATTER = re.compile(r"\A---\n(?P<meta>.*?)\n---\n\n?(?P<body>.*)\Z", re.S)


def parse_article(path: Path) -> DemoArticle:
    raw = path.read_text(encoding="utf-8").replace("\r\n", "\n")
    match = FRONT_MATTER.match(raw)
    if match is None:
        raise ValueError(f"{path.name}: expected a '---' front-matter block")
    meta = dict(line.split(":", 1) for line in match["meta"].splitlines() if ":" in line)
    meta = {key.strip(): value.strip() for key, value in meta.items()}
    published = meta.get("published")
    return DemoArticle(
        filename=path.name,
        title=meta.get("title", path.stem),
        outlet=meta.get("outlet", ""),
        author=meta.get("author", ""),
        published=date.fromisoformat(published) if published else None,
        url=meta.get("url", ""),
        language=meta.get("language", ""),
        body=normalize_text(match["body"]).strip(),
    )


def demo_articles() -> list[DemoArticle]:
    return [parse_article(path) for path in sorted(ARTICLES_DIR.glob("*.md"))]


@transaction.atomic
def seed_demo() -> Project:
    codebook = import_codebook(load_default_codebook_data())
    users = {account.username: _account(account) for account in DEMO_ACCOUNTS}
    project, _ = Project.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults={
            "name": "Security ties pilot (demo)",
            "description": "Demo study: eight short articles on security ties among China, "
            "Russia, Iran and North Korea, assigned to both demo coders.",
            "codebook": codebook,
            "created_by": users["pi"],
        },
    )
    for account in DEMO_ACCOUNTS:
        Membership.objects.get_or_create(
            project=project, user=users[account.username], defaults={"role": account.role}
        )
    coders = [users[a.username] for a in DEMO_ACCOUNTS if a.role == Role.CODER]
    for article in demo_articles():
        source, _ = Source.objects.get_or_create(
            project=project,
            text_hash=hash_text(article.body),
            defaults={
                "title": article.title,
                "outlet": article.outlet,
                "author": article.author,
                "published_date": article.published,
                "url": article.url,
                "language": article.language,
                "origin": Origin.TEXT,
                "original_filename": article.filename,
                "text": article.body,
                "ingested_by": users["pi"],
            },
        )
        for coder in coders:
            Assignment.objects.get_or_create(
                source=source, coder=coder, defaults={"assigned_by": users["pi"]}
            )
    return project


def _account(account: DemoAccount):
    User = get_user_model()
    user, created = User.objects.get_or_create(username=account.username)
    if created:
        user.set_password(account.password)
        if account.role == Role.PI:
            user.is_staff = True
            user.is_superuser = True
        user.save()
    if account.role == Role.PI:
        user.groups.add(Group.objects.get(name=PI_GROUP))
    return user

"""The demo study that `make run` loads: three accounts, one project, eight short articles.

Idempotent: a second run finds everything in place and changes nothing.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from coding.access import PI_GROUP
from coding.codebook_io import import_codebook, load_default_codebook_data
from coding.models import Activity, Assignment, CodingChange, Membership, Project, Role
from coding.review.decisions import bulk_accept
from coding.workspace.codings import create_coding
from coding.workspace.queue import mark_done
from sources.models import Origin, Source, hash_text
from sources.text import canonicalize

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
        body=canonicalize(match["body"]),
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
    if seed_demo_codings(project, users):
        # The PI has approved what both coders agree on; the disagreements wait for review.
        for source in project.sources.filter(assignments__status="done").distinct():
            bulk_accept(users["pi"], project, source)
    return project


DEMO_CODINGS = Path(__file__).parent / "demo" / "demo_codings.json"


def seed_demo_codings(project: Project, users: dict) -> int:
    """The example codings of coding/demo/demo_codings.json, stored through create_coding (so
    every rule applies). Each quote is looked up in its article to get the offsets. A coder's
    codings on a source are seeded only if that coder never coded it (no history), so a second
    run, or codings the coder deleted or changed, are left alone. The seeded sources are marked
    done for their coders, so the review queue and the reliability report have something to
    show. Returns how many codings were created."""
    codebook = project.codebook
    areas = {a.slug: a for a in codebook.areas.all()}
    activities = {(x.area_id, x.slug): x for x in Activity.objects.filter(area__codebook=codebook)}
    actors = {a.iso3: a.pk for a in codebook.actors.all()}
    sources = {s.original_filename: s for s in project.sources.all()}
    touched = set(
        CodingChange.objects.filter(source__project=project)
        .values_list("source_id", "user_id")
        .distinct()
    )
    created = 0
    seeded = set()
    for item in json.loads(DEMO_CODINGS.read_text(encoding="utf-8")):
        source, coder = sources.get(item["article"]), users.get(item["coder"])
        if source is None or coder is None or (source.pk, coder.pk) in touched:
            continue
        start = source.text.find(item["quote"])
        if start < 0:
            raise ValueError(f"{item['article']}: demo quote not found: {item['quote'][:60]}")
        end = start + len(item["quote"])
        area = areas[item["area"]]
        side = actors.get
        create_coding(
            source,
            coder,
            {
                "start": start,
                "end": end,
                "quote": item["quote"],
                "dyad_type": item["dyad_type"],
                "side_a": side(item["side_a"]) if item["side_a"] else None,
                "side_b": side(item["side_b"]) if item["side_b"] else None,
                "participants": [actors[iso] for iso in item["participants"]],
                "forum": item["forum"],
                "area": area.pk,
                "activity": activities[(area.pk, item["activity"])].pk,
                "confidence": item["confidence"],
                "event_date": date.fromisoformat(item["event_date"])
                if item["event_date"]
                else None,
                "date_precision": item["date_precision"],
                "note": item["note"],
            },
        )
        created += 1
        seeded.add((source.pk, coder.pk))
    for source_pk, coder_pk in seeded:
        mark_done(Assignment.objects.get(source_id=source_pk, coder_id=coder_pk))
    return created


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
        user.groups.add(Group.objects.get_or_create(name=PI_GROUP)[0])
    return user

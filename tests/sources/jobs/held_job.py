"""The tester's job with an item held for an encoding choice, shared by the counting tests: a
mis-declared KOI8-R page and a windows-1251 letter stored, a six-letter windows-1251 note held."""

from __future__ import annotations

from sources.inputs import file_specs
from sources.jobs.ingest import create_job, ingest_item
from sources.models import IngestJob, ItemStatus
from tests.sources.fetching.encoding_corpus import TEXTS

RU = TEXTS["ru"]
PAGE = (
    '<html><head><meta charset="windows-1251"><title>Визит в Пхеньян</title></head>'
    f"<body><article><p>{RU}</p></article></body></html>"
).encode("koi8_r")  # declared windows-1251, written in KOI8-R
LETTER = ("Письмо из Москвы\n\n" + RU[::-1]).encode("cp1251")
NOTE = "Привет".encode("cp1251")  # six letters: windows-1251 or another script, unsure


def held_job(project, user) -> IngestJob:
    """The job, its three items run: two stored, the note held."""
    specs = [
        *file_specs("visit.html", PAGE),
        *file_specs("letter.txt", LETTER),
        *file_specs("note.txt", NOTE),
    ]
    job = create_job(project, user, specs, enqueue=False)
    for item in job.items.order_by("position"):
        ingest_item(item)
    statuses = list(job.items.order_by("position").values_list("status", flat=True))
    assert statuses == [ItemStatus.OK, ItemStatus.OK, ItemStatus.HELD]
    return job


def counts(job: IngestJob) -> tuple[str, int, int, int]:
    job.refresh_from_db()
    return job.status, job.total, job.done, job.failed

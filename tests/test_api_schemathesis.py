"""schemathesis against the API, as a coder and as a PI of the seeded demo project.

The schema is the one drf-spectacular generates; every operation gets a bounded number of
generated requests (valid and invalid ones), sent through the real WSGI application (every
middleware included) with the user's API token. Asserted: never a server error; for valid
requests, a status code the schema declares and a body that matches it. Hypothesis runs
derandomized (a fixed seed per test), so a run is the same every time.

Path parameters are drawn from the project's real slug and ids half the time (else every
request would be a 404), and each request runs in a savepoint rolled back afterwards, so every
operation starts from the seeded project.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from coding.demo import seed_demo
from coding.models import Coding, Event
from config.wsgi import application
from sources.inputs import paste_spec
from sources.jobs.ingest import create_job

pytestmark = pytest.mark.django_db

# examples per operation and role; API_FUZZ_EXAMPLES=N runs N of each for a deeper local search
DEEPER = int(os.environ.get("API_FUZZ_EXAMPLES", "0"))
EXAMPLES = {GenerationMode.POSITIVE: DEEPER or 5, GenerationMode.NEGATIVE: DEEPER or 3}
CHECKS = {
    GenerationMode.POSITIVE: [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ],
    GenerationMode.NEGATIVE: [not_a_server_error],
}


@pytest.fixture(scope="module")
def api_schema():
    raw = SchemaGenerator().get_schema(request=None, public=True)
    return schemathesis.openapi.from_dict(raw)


@pytest.fixture
def in_process_requests():
    """Keep the test's transaction across requests (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def demo(in_process_requests):
    project = seed_demo()
    job = create_job(project, project.created_by, [paste_spec("A", "Text.")], enqueue=False)
    sources = list(project.sources.values_list("pk", flat=True))
    members = list(project.memberships.values_list("pk", flat=True))
    return {
        "project": project,
        "slug": [project.slug],
        "source": sources,
        "coding": list(Coding.objects.filter(source__project=project).values_list("pk", flat=True)),
        "event": list(Event.objects.filter(project=project).values_list("event_id", flat=True)),
        "job": [job.pk],
        "member": members,
        "codebook": [project.codebook_id],
    }


def known_values(path: str, name: str, demo: dict) -> list:
    """The real values a path parameter may take in the seeded project."""
    if name in ("slug", "project_slug"):
        return demo["slug"]
    if name == "source_pk":
        return demo["source"]
    kind = {
        "/sources/{id}/": "source",
        "/codings/{id}/": "coding",
        "/events/{event_id}/": "event",
        "/ingest-jobs/{id}/": "job",
        "/members/{id}/": "member",
        "/codebooks/{id}/": "codebook",
    }
    for suffix, key in kind.items():
        if path.endswith(suffix):
            return demo[key]
    return []


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def run_operation(operation, mode, demo, token: str) -> None:
    params = [p.name for p in operation.path_parameters]
    known = {name: known_values(operation.path, name, demo) for name in params}

    @settings(
        max_examples=EXAMPLES[mode],
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def check(case, data):
        for name, values in known.items():
            if values and data.draw(st.booleans(), label=f"real {name}"):
                case.path_parameters[name] = str(data.draw(st.sampled_from(values), label=name))
        with rolled_back():
            response = case.call(
                base_url="http://testserver",
                app=application,
                headers={"Authorization": f"Token {token}"},
            )
        case.validate_response(response, checks=CHECKS[mode])

    check()


@pytest.mark.parametrize("username", ["pi", "coder1"])
def test_no_server_error_and_answers_match_the_schema(api_schema, demo, username):
    project = demo["project"]
    user = project.memberships.get(user__username=username).user
    token = Token.objects.create(user=user).key
    failures = []
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for mode in EXAMPLES:
            try:
                run_operation(operation, mode, demo, token)
            except (
                Exception,
                BaseExceptionGroup,
            ) as exc:  # collect every operation's failure, then report them all
                failures.append(
                    f"{operation.method.upper()} {operation.path} ({mode.value}): {exc}"
                )
    assert not failures, "\n\n".join(failures)

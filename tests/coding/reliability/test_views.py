"""The reliability page, downloads, progress, cache and command: per role and end to end."""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.urls import reverse

from coding.demo import seed_demo
from coding.reliability import jobs as reliability_jobs
from coding.reliability.data import Filters
from coding.reliability.report import SEED
from tests.coding.reliability.study import build_study


@pytest.fixture(autouse=True)
def few_resamples(monkeypatch):
    """The page uses 10,000 resamples; a few hundred keep these tests quick."""
    monkeypatch.setattr(reliability_jobs, "N_RESAMPLES", 300)
    original = reliability_jobs.compute

    def compute(project, filters, *, n_resamples=300, seed=SEED, key=None, method="units"):
        return original(
            project, filters, n_resamples=n_resamples, seed=seed, key=key, method=method
        )

    monkeypatch.setattr(reliability_jobs, "compute", compute)


@pytest.fixture
def study(project):
    return build_study(project)


def url(project, name="reliability", **kwargs):
    return reverse(name, kwargs={"slug": project.slug, **kwargs})


def test_anonymous_is_sent_to_log_in(client, project):
    for target in (url(project), url(project, "reliability-status"),
                   url(project, "reliability-download", fmt="csv")):  # fmt: skip
        response = client.get(target)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_coder_gets_403_and_outsider_404(client_for, project, coder, outsider):
    for target in (url(project), url(project, "reliability-status"),
                   url(project, "reliability-download", fmt="pdf")):  # fmt: skip
        assert client_for(coder).get(target).status_code == 403
        assert client_for(outsider).get(target).status_code == 404


def test_pi_sees_the_alpha_table_heatmaps_and_downloads(client_for, pi, study):
    response = client_for(pi).get(url(study.project))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="alpha-table"' in html
    report = response.context["report"]
    assert report["counts"] == {"sources": 2, "coders": 3, "codings": 6, "sentences": 7}
    # coder pairs and confusion matrix, as images (no inline SVG: CSP)
    assert html.count('src="data:image/svg+xml;base64,') == 2 and "<svg" not in html
    for fmt in ("md", "txt", "tex", "csv", "json", "pdf"):
        assert url(study.project, "reliability-download", fmt=fmt) in html
    assert "is below 0.667" in html  # warnings
    first = report["rows"][0]
    assert f"{first['alpha']:.3f}" in html


def test_page_escapes_labels(client_for, pi, study):
    from coding.models import Activity

    Activity.objects.filter(slug="arms_sales").update(label="<b>Arms</b> sales")
    html = client_for(pi).get(url(study.project)).content.decode()
    assert "&lt;b&gt;Arms&lt;/b&gt; sales" in html
    assert "<b>Arms</b>" not in html


def test_filters_change_the_report(client_for, pi, study):
    client = client_for(pi)
    response = client.get(url(study.project), {"coders": [study.alice.pk, study.bob.pk]})
    assert response.context["report"]["counts"]["coders"] == 2
    assert response.context["report"]["counts"]["codings"] == 5
    response = client.get(url(study.project), {"sources": [study.s2.pk], "heatmap": "area"})
    assert response.context["report"]["counts"]["sources"] == 1
    assert response.context["heatmap_variable"] == "area"


def test_bad_filters_are_a_form_error_not_a_500(client_for, pi, study):
    client = client_for(pi)
    response = client.get(url(study.project), {"date_from": "2025-05-02", "date_to": "2025-05-01"})
    assert response.status_code == 400
    assert "must not be after" in response.content.decode()
    response = client.get(url(study.project), {"date_from": "yesterday"})
    assert response.status_code == 400
    assert "Enter a valid date" in response.content.decode()
    response = client.get(url(study.project, "reliability-download", fmt="csv"), {"coders": "x"})
    assert response.status_code == 400
    assert "coders" in response.json()["errors"]
    assert client.get(url(study.project, "reliability-download", fmt="docx")).status_code == 404


def test_dates_that_match_nothing_or_reach_the_calendars_end_are_answered(db, client_for, settings):
    settings.CACHES = {  # not a report cached by another run
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rel"}
    }
    project = seed_demo()  # sources two coders finished: with no coding in range, no unit
    client = client_for(get_user_model().objects.get(username="pi"))
    for dates in ({"date_from": "2030-01-01"}, {"date_to": "2000-01-01"}):
        for target in (url(project), url(project, "reliability-download", fmt="csv")):
            response = client.get(target, dates)
            assert response.status_code == 200, (dates, target)
        assert client.get(url(project), dates).context["report"]["counts"]["codings"] == 0
    everything = client.get(url(project), {"date_to": "9999-12-31"})  # the calendar's last day
    assert everything.status_code == 200
    assert (
        everything.context["report"]["counts"]["codings"]
        == (client.get(url(project)).context["report"]["counts"]["codings"])
    )


def test_downloads(client_for, pi, study):
    client = client_for(pi)
    expected = {
        "md": "text/markdown", "txt": "text/plain", "tex": "application/x-tex",
        "csv": "text/csv", "json": "application/json", "pdf": "application/pdf",
    }  # fmt: skip
    for fmt, content_type in expected.items():
        response = client.get(url(study.project, "reliability-download", fmt=fmt))
        assert response.status_code == 200
        assert response["Content-Type"].startswith(content_type)
        assert f'reliability-{study.project.slug}.{fmt}"' in response["Content-Disposition"]
    pdf = client.get(url(study.project, "reliability-download", fmt="pdf")).content
    assert pdf.startswith(b"%PDF")
    data = json.loads(client.get(url(study.project, "reliability-download", fmt="json")).content)
    assert data["counts"]["sources"] == 2
    assert data["meta"]["project"] == study.project.name
    text = client.get(url(study.project, "reliability-download", fmt="csv")).content.decode()
    assert any(r["table"] == "coder_pairs" for r in csv.DictReader(io.StringIO(text)))


def test_large_project_goes_to_celery_with_progress(client_for, pi, study, monkeypatch):
    from coding.reliability import tasks

    sent = []
    monkeypatch.setattr(
        tasks.compute_reliability,
        "apply_async",
        lambda args, kwargs=None, **_: sent.append(tuple(args)),
    )
    monkeypatch.setattr(reliability_jobs, "INLINE_MAX_CODINGS", 0)
    client = client_for(pi)
    response = client.get(url(study.project))
    assert response.status_code == 200
    assert response.context["report"] is None
    assert 'id="reliability-progress"' in response.content.decode()
    assert len(sent) == 1
    project_id, params, key = sent[0]
    status = client.get(url(study.project, "reliability-status")).json()
    assert status.pop("at") > 0  # when it last moved: the page restarts it if that is long ago
    assert status == {"ready": False, "state": "queued", "done": 0, "total": 1,
                      "message": "waiting for a worker"}  # fmt: skip
    client.get(url(study.project))
    assert len(sent) == 1  # not enqueued twice while queued

    tasks.compute_reliability.run(project_id, params, key)  # what the worker does

    status = client.get(url(study.project, "reliability-status")).json()
    assert status["ready"] is True and status["state"] == "done"
    response = client.get(url(study.project))
    assert response.context["report"]["counts"]["codings"] == 6
    assert len(sent) == 1


def test_failed_task_is_reported_and_retried(study, monkeypatch):
    from coding.reliability import tasks

    key = reliability_jobs.fingerprint(study.project, Filters(), reliability_jobs.N_RESAMPLES, SEED)

    def boom(*args, **kwargs):
        raise RuntimeError("worker died")

    monkeypatch.setattr(reliability_jobs, "load_codings", boom)
    with pytest.raises(RuntimeError):
        tasks.compute_reliability.run(study.project.pk, Filters().as_params(), key)
    assert reliability_jobs.progress_of(key)["state"] == "failed"

    sent = []
    monkeypatch.setattr(
        tasks.compute_reliability,
        "apply_async",
        lambda args, kwargs=None, **_: sent.append(tuple(args)),
    )
    monkeypatch.setattr(reliability_jobs, "INLINE_MAX_CODINGS", 0)
    again_key, report, progress = reliability_jobs.report_or_start(study.project, Filters())
    assert again_key == key and report is None
    assert progress["state"] == "queued" and len(sent) == 1  # enqueued again


def test_cache_is_used_until_a_coding_changes(study, monkeypatch):
    project = study.project
    first = reliability_jobs.report_or_start(project, Filters())
    calls = []
    original = reliability_jobs.build_report
    monkeypatch.setattr(
        reliability_jobs, "build_report", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    again = reliability_jobs.report_or_start(project, Filters())
    assert again[0] == first[0] and calls == []  # served from the cache
    assert again[1]["meta"]["generated_at"] == first[1]["meta"]["generated_at"]

    coding = study.codings["b2"]
    coding.confidence = 3
    coding.save()
    changed = reliability_jobs.report_or_start(project, Filters())
    assert changed[0] != first[0] and calls == [1]

    study.codings["b1"].delete()
    after_delete = reliability_jobs.report_or_start(project, Filters())
    assert after_delete[0] != changed[0]
    assert after_delete[1]["counts"]["codings"] == 5


def test_cache_key_follows_done_state_and_filters(study):
    project = study.project
    key = reliability_jobs.fingerprint(project, Filters(), 10, 1)
    assert reliability_jobs.fingerprint(project, Filters(sources=(study.s1.pk,)), 10, 1) != key
    assert reliability_jobs.fingerprint(project, Filters(), 11, 1) != key
    study.s1.assignments.filter(coder=study.bob).update(status="in_progress")
    assert reliability_jobs.fingerprint(project, Filters(), 10, 1) != key


def test_command_json_and_text_formats(study):
    out = io.StringIO()
    call_command("reliability", "--project", study.project.slug, "--format", "json",
                 "--resamples", "200", stdout=out)  # fmt: skip
    data = json.loads(out.getvalue())
    assert data["counts"] == {"sources": 2, "coders": 3, "codings": 6, "sentences": 7}
    assert data["settings"]["n_resamples"] == 200
    assert data["settings"]["method"] == "units"
    out = io.StringIO()
    call_command("reliability", "--project", study.project.slug, "--format", "json",
                 "--resamples", "200", "--method", "kalpha", stdout=out)  # fmt: skip
    assert json.loads(out.getvalue())["settings"]["method"] == "kalpha"
    assert reliability_jobs.fingerprint(study.project, Filters(), 200, 1, "kalpha") != (
        reliability_jobs.fingerprint(study.project, Filters(), 200, 1, "units")
    )
    out = io.StringIO()
    call_command("reliability", "--project", study.project.slug, "--format", "md",
                 "--resamples", "200", "--coders", "alice,bob", stdout=out)  # fmt: skip
    assert "2 sources coded independently by 2 coders" in out.getvalue()
    out = io.StringIO()
    call_command("reliability", "--project", study.project.slug, "--format", "tex",
                 "--resamples", "50", stdout=out)  # fmt: skip
    assert "\\begin{tabular}" in out.getvalue()


def test_command_writes_pdf_and_csv_files(study, tmp_path):
    pdf = tmp_path / "r.pdf"
    call_command("reliability", "--project", study.project.slug, "--format", "pdf",
                 "--resamples", "50", "--out", str(pdf), stderr=io.StringIO())  # fmt: skip
    assert pdf.read_bytes().startswith(b"%PDF")
    target = tmp_path / "r.csv"
    call_command("reliability", "--project", study.project.slug, "--format", "csv",
                 "--resamples", "50", "--out", str(target), "--sources", str(study.s2.pk),
                 stderr=io.StringIO())  # fmt: skip
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    assert {r["value"] for r in rows if r["row"] == "sources"} == {"1"}


def test_command_bad_input(study):
    with pytest.raises(CommandError, match="no project"):
        call_command("reliability", "--project", "nope")
    with pytest.raises(CommandError, match="not coders of"):
        call_command("reliability", "--project", study.project.slug, "--coders", "mallory")
    with pytest.raises(CommandError, match="source ids"):
        call_command("reliability", "--project", study.project.slug, "--sources", "a,b")


DEAD_REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1: "Redis is down"
        "OPTIONS": {"socket_connect_timeout": 0.5},
    }
}


def test_with_the_cache_down_the_page_computes_the_report_and_the_dashboard_works(
    client_for, pi, study, settings
):
    settings.CACHES = DEAD_REDIS
    client = client_for(pi)
    response = client.get(url(study.project))
    assert response.status_code == 200
    assert response.context["report"]["counts"]["codings"] == 6
    status = client.get(url(study.project, "reliability-status"))
    assert status.status_code == 200 and status.json()["ready"] is False
    assert client.get(url(study.project, "reliability-download", fmt="csv")).status_code == 200
    dashboard = client.get(reverse("dashboard", kwargs={"slug": study.project.slug}))
    assert dashboard.status_code == 200


def test_a_large_report_is_computed_here_when_its_task_cannot_be_sent(
    pi, study, settings, monkeypatch
):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "broker-down"}}  # fmt: skip

    def broker_down(*args):
        raise ConnectionError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(reliability_jobs, "enqueue", broker_down)
    key, report, progress = reliability_jobs.report_or_start(study.project, Filters(), inline_max=0)
    assert report is not None and progress is None
    assert reliability_jobs.cached(key) == report


def test_a_computation_whose_worker_died_is_started_again(pi, study, settings, monkeypatch):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "stale"}}  # fmt: skip
    sent = []
    monkeypatch.setattr(reliability_jobs, "enqueue", lambda *args: sent.append(args))
    project = study.project
    key, _, progress = reliability_jobs.report_or_start(project, Filters(), inline_max=0)
    assert progress["state"] == "queued" and len(sent) == 1
    reliability_jobs.report_or_start(project, Filters(), inline_max=0)
    assert len(sent) == 1  # one task per key while it is alive
    reliability_jobs.set_progress(key, "running", 3, 10, "bootstrapping")
    import time

    monkeypatch.setattr(time, "time", lambda: 10**10)  # far later: no progress since
    reliability_jobs.report_or_start(project, Filters(), inline_max=0)
    assert len(sent) == 2


def test_each_bad_filter_value_is_named_with_a_message(client_for, pi, study):
    client = client_for(pi)
    for params, value in (
        ({"coders": "999"}, "999"),
        ({"codebook": "999"}, "999"),
        ({"codebook": "99999999999999999999"}, "99999999999999999999"),  # wider than SQLite's ints
        ({"heatmap": "foo"}, "foo"),
        ({"sources": "abc"}, "abc"),
    ):
        response = client.get(url(study.project), params)
        assert response.status_code == 400, params
        html = response.content.decode()
        assert f"Select a valid choice. {value} is not one of the available choices." in html
    response = client.get(url(study.project), {"coders": "999", "heatmap": "foo"})
    html = response.content.decode()
    assert "999 is not one" in html and "foo is not one" in html  # both, each by its field


def test_a_former_member_s_codings_stay_choosable(client_for, pi, study):
    """carol left the project; her codings on S2 are still in the report, so the filter lists
    her (marked as a former member) and a bookmarked ?coders=<carol> still works."""
    from coding.models import Membership, Role
    from coding.projects import remove_member, set_member

    project = study.project
    remove_member(project, Membership.objects.get(project=project, user=study.carol))
    set_member(project, study.bob, Role.PI)  # bob became a PI: listed too
    client = client_for(pi)
    response = client.get(url(project))
    assert response.context["report"]["counts"]["coders"] == 3
    html = response.content.decode()
    assert "carol (former member)" in html and "bob (now PI)" in html
    response = client.get(url(project), {"coders": [study.alice.pk, study.carol.pk]})
    assert response.status_code == 200
    assert response.context["report"]["coders"] == ["alice", "carol"]
    assert response.context["report"]["meta"]["filters_text"] == "coders alice, carol"
    download = client.get(url(project, "reliability-download", fmt="csv"),
                          {"coders": [study.carol.pk, study.bob.pk]})  # fmt: skip
    assert download.status_code == 200
    out = io.StringIO()  # and the command takes her too
    call_command("reliability", "--project", project.slug, "--format", "json",
                 "--resamples", "50", "--coders", "alice,carol", stdout=out)  # fmt: skip
    assert json.loads(out.getvalue())["coders"] == ["alice", "carol"]


def test_the_kappa_header_keeps_its_greek_letter(client_for, pi, study):
    html = client_for(pi).get(url(study.project)).content.decode()
    assert '<th class="num greek">κ</th>' in html  # th is upper-cased by CSS, .greek is not


def test_the_page_claims_no_interval_where_there_is_none(client_for, pi, study):
    """Two sources: no interval anywhere. The summary and the methods paragraph do not claim
    any; a row whose alpha is undefined says why in the CI column too."""
    response = client_for(pi).get(url(study.project), {"sources": [study.s2.pk]})
    html = response.content.decode()
    assert "95% CIs from" not in html
    assert "no confidence interval could be computed" in html
    assert "<strong>1</strong> source · <strong>3</strong> coders" in html  # not "1 sources"
    assert "assessed on 1 source coded independently by 3 coders" in response.context["methods"]
    assert "bias-corrected and accelerated, Efron" not in response.context["methods"]
    row = next(r for r in response.context["report"]["rows"]
               if (r["view"], r["category"]) == ("presence", "preparations_for_war"))  # fmt: skip
    assert row["alpha"] is None
    assert (
        '<span class="muted small">no interval: alpha is undefined (no variation: every coder '
        "coded this category in every source)</span>" in html
    )


def test_the_reference_leaves_out_undecided_groups_and_says_how_many(client_for, pi, study):
    from coding.review import decisions

    a1, b1 = study.codings["a1"], study.codings["b1"]
    client = client_for(pi)
    before = reliability_jobs.fingerprint(study.project, Filters(), 10, 1)
    decisions.accept(pi, study.project, [a1, b1], a1)
    # a decision changes the reference: a new cache key, not yesterday's clinic
    assert reliability_jobs.fingerprint(study.project, Filters(), 10, 1) != before
    response = client.get(url(study.project))
    reference = response.context["reference"]
    assert reference["sources"] == 1 and reference["left_out"] == 1
    html = response.content.decode()
    assert (
        "1 coding in groups the review has not decided yet was left out of this comparison "
        "(bob: 1); it counts once the PI decides its group." in html
    )
    assert "coded, not in the reference" not in html

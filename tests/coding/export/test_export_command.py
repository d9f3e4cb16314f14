import csv
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command


def test_export_events_command_writes_the_zip_with_filters(project, dataset, tmp_path):
    out = tmp_path / "events.zip"
    stdout = io.StringIO()
    call_command(
        "export_events", "--project", project.slug, "--out", str(out), "--dyad", "CHN-RUS",
        "--min-confidence", "3", stdout=stdout,
    )  # fmt: skip
    assert "Wrote 1 events" in stdout.getvalue()
    with zipfile.ZipFile(out) as archive:
        rows = list(csv.DictReader(io.TextIOWrapper(archive.open("events.csv"), "utf-8")))
        readme = archive.read("README.md").decode()
    assert len(rows) == 1 and rows[0]["number_of_sources"] == "2"
    assert "dyad = CHN-RUS" in readme and "min_confidence = 3" in readme


def test_export_events_command_refuses_bad_input(project, dataset, tmp_path):
    with pytest.raises(CommandError, match="No project"):
        call_command("export_events", "--project", "nope", "--out", str(tmp_path / "x.zip"))
    with pytest.raises(CommandError, match="since"):
        call_command(
            "export_events", "--project", project.slug, "--out", str(tmp_path / "x.zip"),
            "--since", "last week",
        )  # fmt: skip


def test_export_events_command_can_leave_out_the_xlsx(project, dataset, tmp_path):
    import json

    out = tmp_path / "events.zip"
    call_command("export_events", "--project", project.slug, "--out", str(out), "--no-xlsx",
                 stdout=io.StringIO())  # fmt: skip
    with zipfile.ZipFile(out) as archive:
        assert "events.xlsx" not in archive.namelist() and "events.csv" in archive.namelist()
        package = json.loads(archive.read("datapackage.json"))
    assert all(r["path"] != "events.xlsx" for r in package["resources"])

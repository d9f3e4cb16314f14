"""W3C Web Annotations and REFI-QDA exports."""

import io
import json
import re
import zipfile
from xml.etree import ElementTree as ET

from django.urls import reverse

from coding.export.annotations import iter_annotations_jsonld
from coding.export.refi import codebook_qdc, write_qdpx
from coding.models import Coding

QDC = "{urn:QDA-XML:codebook:1.0}"
QDE = "{urn:QDA-XML:project:1.0}"


def test_annotations_are_w3c_json_ld_with_both_selectors(project, dataset):
    data = json.loads("".join(iter_annotations_jsonld(project)))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert data["type"] == "AnnotationCollection"
    items = data["first"]["items"]
    assert len(items) == data["total"] == Coding.objects.count()
    for item in items:
        coding = Coding.objects.get(pk=int(item["id"].rsplit(":", 1)[1]))
        assert item["type"] == "Annotation" and item["motivation"] == "classifying"
        quote, position = item["target"]["selector"]
        assert quote == {"type": "TextQuoteSelector", "exact": coding.quote,
                         "prefix": coding.prefix, "suffix": coding.suffix}  # fmt: skip
        assert position == {"type": "TextPositionSelector", "start": coding.start,
                            "end": coding.end}  # fmt: skip
        assert coding.source.text[position["start"] : position["end"]] == quote["exact"]
        purposes = {b["purpose"] for b in item["body"]}
        assert {"classifying", "tagging"} <= purposes
    assert any("习近平" in i["target"]["selector"][0]["exact"] for i in items)
    tagged = [b["value"] for i in items for b in i["body"] if b.get("value", "").startswith("ev")]
    assert any(v.startswith(f"event:{project.slug.upper()}-") for v in tagged)


def test_annotation_identifiers_are_urns_not_links_that_answer_404(project, dataset):
    """Annotation, creator, codebook terms and a source without a URL are named by URNs
    (RFC 8141: no spaces, no unescaped '>' or '/'); a source with a URL keeps it."""
    source = dataset.first().evidence.first().coding.source
    source.url = source.canonical_url = ""
    source.save(update_fields=["url", "canonical_url"])
    items = json.loads("".join(iter_annotations_jsonld(project)))["first"]["items"]
    urn = re.compile(r"urn:tiesdb:[A-Za-z0-9\-._~!$&'()*+,;=@%:]+")
    for item in items:
        coding = Coding.objects.select_related("coder", "area").get(
            pk=int(item["id"].rsplit(":", 1)[1])
        )
        assert item["id"] == f"urn:tiesdb:{project.slug}:coding:{coding.pk}"
        assert urn.fullmatch(item["creator"]["id"]) and item["creator"]["id"].startswith(
            "urn:tiesdb:user:"
        )
        terms = [b["source"] for b in item["body"] if b["type"] == "SpecificResource"]
        assert all(urn.fullmatch(t) for t in terms), terms
        assert f"urn:tiesdb:codebook:{coding.area.codebook_id}:area:{coding.area.slug}" in terms
        target = item["target"]["source"]
        if coding.source_id == source.pk:
            assert target == f"urn:tiesdb:{project.slug}:source:{source.pk}"
        else:
            assert target == coding.source.url
    assert any("%3E" in t for i in items for b in i["body"] if (t := b.get("source", "")))


def test_codebook_qdc_parses_and_has_stable_guids(project):
    first, second = codebook_qdc(project.codebook), codebook_qdc(project.codebook)
    assert first == second
    root = ET.fromstring(first)
    assert root.tag == f"{QDC}CodeBook"
    categories = root.find(f"{QDC}Codes").findall(f"{QDC}Code")
    assert [c.get("name") for c in categories] == ["Area", "Activity", "Confidence", "Dyad"]
    assert all(c.get("isCodable") == "false" for c in categories)
    areas = [c.get("name") for c in categories[0].findall(f"{QDC}Code")]
    assert areas == ["Contacts", "Preparations for war"]
    guids = [c.get("guid") for c in root.iter(f"{QDC}Code")]
    assert len(guids) == len(set(guids)) and all(len(g) == 36 and g.isupper() for g in guids)


def test_qdpx_holds_project_and_source_texts(project, dataset):
    buffer = io.BytesIO()
    write_qdpx(project, buffer)
    archive = zipfile.ZipFile(buffer)
    root = ET.fromstring(archive.read("project.qde"))
    assert root.tag == f"{QDE}Project"
    codes = {c.get("guid") for c in root.find(f"{QDE}CodeBook").iter(f"{QDE}Code")}
    users = {u.get("guid") for u in root.find(f"{QDE}Users")}
    selections = list(root.iter(f"{QDE}PlainTextSelection"))
    assert len(selections) == Coding.objects.count()
    for text_source in root.find(f"{QDE}Sources"):
        path = text_source.get("plainTextPath").removeprefix("internal://")
        text = archive.read(f"sources/{path}").decode("utf-8")
        for selection in text_source.findall(f"{QDE}PlainTextSelection"):
            assert selection.get("creatingUser") in users
            start, end = int(selection.get("startPosition")), int(selection.get("endPosition"))
            coding = Coding.objects.get(source__text=text, start=start, end=end)
            assert text[start:end] == coding.quote
            refs = [r.get("targetGUID") for r in selection.iter(f"{QDE}CodeRef")]
            assert len(refs) == 4 and set(refs) <= codes
    again = io.BytesIO()
    write_qdpx(project, again)
    assert zipfile.ZipFile(again).read("project.qde") == archive.read("project.qde")


def test_download_views_serve_the_files(client_for, pi, project, dataset):
    client = client_for(pi)
    response = client.get(reverse("export-annotations", args=[project.slug]))
    assert response["Content-Type"].startswith("application/ld+json")
    json.loads(b"".join(response.streaming_content))
    response = client.get(reverse("export-qdpx", args=[project.slug]))
    assert (
        "project.qde"
        in zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    )
    response = client.get(reverse("export-zip", args=[project.slug]) + "?dyad=RUS>PRK")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.read("events.csv").decode().count("\r\n") == 2  # header + 1 event
    bad = client.get(reverse("export-zip", args=[project.slug]) + "?since=soon")
    assert bad.status_code == 400 and b"since" in bad.content
    page = client.get(reverse("export", args=[project.slug]) + "?min_confidence=x")
    assert page.status_code == 400 and b"filter-errors" in page.content
    assert "<li>Minimum confidence: Enter a number.</li>" in page.content.decode()  # its label

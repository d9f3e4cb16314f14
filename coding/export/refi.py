"""REFI-QDA exchange: the codebook as .qdc and the project as .qdpx (ATLAS.ti, MAXQDA, NVivo,
QualCoder). GUIDs are uuid5 of a fixed namespace and a path naming the thing, so re-exports of
the same codebook and codings give the same GUIDs."""

import uuid
import zipfile
from collections.abc import Iterable
from typing import IO
from xml.etree import ElementTree as ET

from coding.models import Activity, Codebook, Coding, Project
from coding.reliability.training import training_q
from config.snapshot import one_snapshot

NAMESPACE = uuid.UUID("6f1c1c1e-3b57-5a53-9d0e-5ec0717e5c11")
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
ORIGIN = "Security-ties coder"


def guid(path: str) -> str:
    return str(uuid.uuid5(NAMESPACE, path)).upper()


def dyad_label(coding) -> str:
    if coding.dyad_type == "directed" and coding.side_a and coding.side_b:
        return f"{coding.side_a.iso3}>{coding.side_b.iso3}"
    if coding.dyad_type == "undirected" and coding.side_a and coding.side_b:
        return "-".join(sorted([coding.side_a.iso3, coding.side_b.iso3]))
    members = sorted({p.iso3 for p in coding.participants.all()})
    return "+".join(members) or "multilateral"


def code_paths(coding) -> list[str]:
    """The code paths a coding is coded with: area, activity, dyad, confidence."""
    cb = coding.area.codebook_id
    return [
        f"codebook/{cb}/area/{coding.area.slug}",
        f"codebook/{cb}/activity/{coding.area.slug}/{coding.activity.slug}",
        f"codebook/{cb}/dyad/{dyad_label(coding)}",
        f"codebook/{cb}/confidence/{coding.confidence}",
    ]


def _codes(parent: ET.Element, codebook: Codebook, dyads: Iterable[str]) -> None:
    codes = ET.SubElement(parent, "Codes")
    cb = codebook.pk

    def category(name: str) -> ET.Element:
        return ET.SubElement(
            codes, "Code", guid=guid(f"codebook/{cb}/{name.lower()}"), name=name, isCodable="false"
        )

    def code(under: ET.Element, path: str, name: str, description: str = "", color: str = ""):
        attrs = {"guid": guid(path), "name": name, "isCodable": "true"}
        if color:
            attrs["color"] = color
        element = ET.SubElement(under, "Code", attrs)
        if description:
            ET.SubElement(element, "Description").text = description
        return element

    areas = category("Area")
    for area in codebook.areas.order_by("order", "label"):
        code(areas, f"codebook/{cb}/area/{area.slug}", area.label, area.definition, area.color)
    activities = category("Activity")
    for activity in (
        Activity.objects.filter(area__codebook=codebook)
        .select_related("area")
        .order_by("area__order", "order", "label")
    ):
        code(
            activities,
            f"codebook/{cb}/activity/{activity.area.slug}/{activity.slug}",
            activity.label,
            activity.definition,
        )
    confidence = category("Confidence")
    for level in codebook.confidence_levels.order_by("value"):
        code(confidence, f"codebook/{cb}/confidence/{level.value}",
             f"{level.value} {level.label}", level.definition)  # fmt: skip
    dyad_category = category("Dyad")
    for label in sorted(set(dyads)):
        code(dyad_category, f"codebook/{cb}/dyad/{label}", label)


def codebook_qdc(codebook: Codebook, dyads: Iterable[str] = ()) -> bytes:
    root = ET.Element("CodeBook", xmlns=CODEBOOK_NS, origin=ORIGIN)
    _codes(root, codebook, dyads)
    return _xml(root)


def _xml(root: ET.Element) -> bytes:
    ET.indent(root, space=" ")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _iso(value) -> str:
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


@one_snapshot()
def write_qdpx(project: Project, out: IO[bytes]) -> None:
    """A .qdpx (zip of project.qde and sources/<GUID>.txt) with every coding of the project,
    read in one snapshot (the codings, then the sources they are on)."""
    codings = list(
        Coding.objects.filter(source__project=project)
        .exclude(training_q())
        .select_related("coder", "area", "activity", "side_a", "side_b", "source")
        .prefetch_related("participants")
        .order_by("source_id", "start", "end", "pk")
    )
    codebook = project.codebook
    root = ET.Element("Project", xmlns=PROJECT_NS, name=project.name, origin=ORIGIN)
    users = ET.SubElement(root, "Users")
    for user in sorted({c.coder for c in codings}, key=lambda u: u.get_username()):
        ET.SubElement(users, "User", guid=guid(f"user/{user.get_username()}"),
                      name=user.get_username())  # fmt: skip
    book = ET.SubElement(root, "CodeBook")
    _codes(book, codebook, (dyad_label(c) for c in codings))
    sources_el = ET.SubElement(root, "Sources")
    by_source: dict[int, list[Coding]] = {}
    for coding in codings:
        by_source.setdefault(coding.source_id, []).append(coding)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for source in project.sources.exclude(training_q("")).order_by("pk"):
            source_guid = guid(f"project/{project.slug}/source/{source.pk}")
            text_source = ET.SubElement(
                sources_el, "TextSource", guid=source_guid, name=source.title,
                plainTextPath=f"internal://{source_guid}.txt",
            )  # fmt: skip
            archive.writestr(f"sources/{source_guid}.txt", source.text.encode("utf-8"))
            for coding in by_source.get(source.pk, []):
                selection = ET.SubElement(
                    text_source, "PlainTextSelection",
                    guid=guid(f"project/{project.slug}/coding/{coding.pk}"),
                    name=coding.quote[:60], startPosition=str(coding.start),
                    endPosition=str(coding.end),
                    creatingUser=guid(f"user/{coding.coder.get_username()}"),
                    creationDateTime=_iso(coding.created_at),
                )  # fmt: skip
                if coding.note:
                    ET.SubElement(selection, "Description").text = coding.note
                for path in code_paths(coding):
                    element = ET.SubElement(
                        selection, "Coding",
                        guid=guid(f"project/{project.slug}/coding/{coding.pk}/{path}"),
                    )  # fmt: skip
                    ET.SubElement(element, "CodeRef", targetGUID=guid(path))
        archive.writestr("project.qde", _xml(root))

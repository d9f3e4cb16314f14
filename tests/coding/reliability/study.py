"""A small hand-built study for the reliability tests, with reliability data known by hand.

Coders alice, bob, carol. Sources:
- S1 (done: alice, bob; carol still in progress, her coding does not count)
- S2 (done: alice, bob, carol)
- S3 (done: alice only: not counted)

Codings that count (6): on S1 alice heads_of_state (sentence 1, CHN-RUS, confidence 3), bob
heads_of_state (sentence 1, CHN-RUS, 2) and military_exercises (sentence 2, CHN-RUS, 2); on S2
alice arms_sales (sentence 1, IRN->RUS, 3), bob military_exercises (sentence 1, IRN-RUS, 3),
carol arms_sales (sentence 1, IRN->RUS, 2).
"""

from dataclasses import dataclass

from coding.models import Activity, Role
from coding.models.assignments import AssignmentStatus
from tests.factories import (
    AssignmentFactory,
    CodingFactory,
    MembershipFactory,
    SourceFactory,
    UserFactory,
)

S1_SENTENCES = [
    "China and Russia met in Beijing.",
    "They agreed on new naval drills!",
    "中国和俄罗斯举行了联合巡逻。",
    "Iran watched closely؟",
    "Nothing else happened.",
]
S1_TEXT = " ".join(S1_SENTENCES[:3]) + S1_SENTENCES[3] + "\n" + S1_SENTENCES[4]
S2_SENTENCES = ["Iran sold drones to Russia.", "North Korea sent shells."]
S2_TEXT = " ".join(S2_SENTENCES)


@dataclass
class Study:
    project: object
    s1: object
    s2: object
    s3: object
    alice: object
    bob: object
    carol: object
    codings: dict


def span(text: str, sentence: str) -> tuple[int, int]:
    start = text.index(sentence)
    return start, start + len(sentence)


def code(source, coder, sentence, activity, confidence=2, dyad=("CHN", "RUS"), dyad_type=None):
    start, end = span(source.text, sentence)
    codebook = source.project.codebook
    act = Activity.objects.get(area__codebook=codebook, slug=activity)
    return CodingFactory(
        source=source, coder=coder, start=start, end=end, activity=act, area=act.area,
        confidence=confidence,
        dyad_type=dyad_type or ("directed" if act.directed else "undirected"),
        side_a=codebook.actors.get(iso3=dyad[0]), side_b=codebook.actors.get(iso3=dyad[1]),
    )  # fmt: skip


def build_study(project) -> Study:
    alice, bob, carol = (UserFactory(username=n) for n in ("alice", "bob", "carol"))
    for user in (alice, bob, carol):
        MembershipFactory(project=project, user=user, role=Role.CODER)
    s1 = SourceFactory(project=project, title="S1", text=S1_TEXT)
    s2 = SourceFactory(project=project, title="S2", text=S2_TEXT)
    s3 = SourceFactory(project=project, title="S3")
    done = AssignmentStatus.DONE
    for source, coder, status in [
        (s1, alice, done), (s1, bob, done), (s1, carol, AssignmentStatus.IN_PROGRESS),
        (s2, alice, done), (s2, bob, done), (s2, carol, done), (s3, alice, done),
    ]:  # fmt: skip
        AssignmentFactory(source=source, coder=coder, status=status)
    codings = {
        "a1": code(s1, alice, S1_SENTENCES[0], "heads_of_state", 3),
        "b1": code(s1, bob, S1_SENTENCES[0], "heads_of_state", 2),
        "b2": code(s1, bob, S1_SENTENCES[1], "military_exercises", 2),
        "c1_not_done": code(s1, carol, S1_SENTENCES[0], "arms_sales", 1, ("IRN", "RUS")),
        "a3": code(s2, alice, S2_SENTENCES[0], "arms_sales", 3, ("IRN", "RUS")),
        "b3": code(s2, bob, S2_SENTENCES[0], "military_exercises", 3, ("IRN", "RUS")),
        "c3": code(s2, carol, S2_SENTENCES[0], "arms_sales", 2, ("IRN", "RUS")),
        "a_s3": CodingFactory(source=s3, coder=alice),
    }
    return Study(project, s1, s2, s3, alice, bob, carol, codings)

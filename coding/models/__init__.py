from .assignments import Assignment
from .codebook import Activity, Actor, Area, Codebook, ConfidenceLevel
from .codings import Coding, CodingChange
from .events import DatePrec, Event, EventEvidence, EventSequence
from .health import WorkerHeartbeat
from .projects import Membership, Project, Role
from .review import DecisionKind, ReviewDecision

__all__ = [
    "Activity",
    "Actor",
    "Area",
    "Assignment",
    "Codebook",
    "Coding",
    "CodingChange",
    "ConfidenceLevel",
    "DatePrec",
    "DecisionKind",
    "Event",
    "EventEvidence",
    "EventSequence",
    "Membership",
    "Project",
    "ReviewDecision",
    "Role",
    "WorkerHeartbeat",
]

from .assignments import Assignment
from .codebook import Activity, Actor, Area, Codebook, ConfidenceLevel
from .codings import Coding, CodingChange
from .health import WorkerHeartbeat
from .projects import Membership, Project, Role

__all__ = [
    "Activity",
    "Actor",
    "Area",
    "Assignment",
    "Codebook",
    "Coding",
    "CodingChange",
    "ConfidenceLevel",
    "Membership",
    "Project",
    "Role",
    "WorkerHeartbeat",
]

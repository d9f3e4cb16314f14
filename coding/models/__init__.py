from coding.models.assignments import Assignment
from coding.models.calibration import CalibrationRound, TrainingSource
from coding.models.codebook import Activity, Actor, Area, Codebook, ConfidenceLevel
from coding.models.codings import Coding, CodingChange
from coding.models.events import DatePrec, Event, EventEvidence, EventSequence
from coding.models.health import WorkerHeartbeat
from coding.models.projects import Membership, Project, Role
from coding.models.review import DecisionKind, ReviewDecision
from coding.models.screening import ScreeningDecision, ScreeningStatus, SourceScreening
from coding.models.suggestions import (
    ModelStatus,
    Suggestion,
    SuggestionDecision,
    SuggestionModel,
)

__all__ = [
    "Activity",
    "Actor",
    "Area",
    "Assignment",
    "CalibrationRound",
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
    "ModelStatus",
    "Project",
    "ReviewDecision",
    "Role",
    "ScreeningDecision",
    "ScreeningStatus",
    "SourceScreening",
    "Suggestion",
    "SuggestionDecision",
    "SuggestionModel",
    "TrainingSource",
    "WorkerHeartbeat",
]

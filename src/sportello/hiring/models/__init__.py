"""Hiring-call models, split by concern."""

from sportello.hiring.models.applications import (
    Application,
    ApplicationRevision,
    Attachment,
    ProtocolCounter,
)
from sportello.hiring.models.calls import Call, RuleSetVersion
from sportello.hiring.models.ranking import Appeal, Candidate, RankingEntry
from sportello.hiring.models.requests import StaffingRequest

__all__ = [
    "Appeal",
    "Application",
    "ApplicationRevision",
    "Attachment",
    "Call",
    "Candidate",
    "ProtocolCounter",
    "RankingEntry",
    "RuleSetVersion",
    "StaffingRequest",
]

"""ACD: the pure call-distribution core, its simulator, metrics and Erlang C staffing."""

from .core import Acd
from .model import (
    MISSED,
    AcdSettings,
    AcdStateError,
    AgentProfile,
    AgentState,
    AgentStateChanged,
    CancelOffer,
    CancelReason,
    Command,
    ExitAction,
    ExitQueue,
    ExitReason,
    OfferCall,
    OverflowRule,
    PlayPosition,
    QueueConfig,
)

__all__ = [
    "MISSED",
    "Acd",
    "AcdSettings",
    "AcdStateError",
    "AgentProfile",
    "AgentState",
    "AgentStateChanged",
    "CancelOffer",
    "CancelReason",
    "Command",
    "ExitAction",
    "ExitQueue",
    "ExitReason",
    "OfferCall",
    "OverflowRule",
    "PlayPosition",
    "QueueConfig",
]

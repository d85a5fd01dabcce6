"""What a report covers: a bounded time range, some queues, a granularity and a grouping."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from sportello.switchboard.reports.intervals import Granularity

MAX_RANGE = timedelta(days=400)


class GroupBy(StrEnum):
    NONE = "none"
    QUEUE = "queue"
    LANGUAGE = "language"
    AGENT = "agent"
    WRAP_UP = "wrap_up"

    @property
    def label(self) -> str:
        return str(GROUP_LABELS[self])


GROUP_LABELS = {
    GroupBy.NONE: _("Nothing (all queues together)"),
    GroupBy.QUEUE: _("Queue"),
    GroupBy.LANGUAGE: _("Language"),
    GroupBy.AGENT: _("Agent"),
    GroupBy.WRAP_UP: _("Wrap-up code"),
}


class RangeError(ValueError):
    """A range no report may cover (inverted, empty or longer than ``MAX_RANGE``)."""


@dataclass(frozen=True)
class Filters:
    """``start`` inclusive, ``end`` exclusive. No queue ids means every queue the viewer may
    see; ``agent_id`` narrows to one agent's calls."""

    start: datetime
    end: datetime
    granularity: Granularity = Granularity.INTERVAL
    group_by: GroupBy = GroupBy.NONE
    queue_ids: tuple[int, ...] = field(default_factory=tuple)
    agent_id: int | None = None

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise RangeError("the end of a report range must come after its start")
        if self.end - self.start > MAX_RANGE:
            raise RangeError("a report range may cover at most 400 days")

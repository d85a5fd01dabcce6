"""SIP timer values (RFC 3261 §17, table 4) and the scheduler the transactions use.

An asyncio event loop is a `Scheduler` as it is; `ManualScheduler` lets tests move time by hand.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class TimerConfig:
    t1: float = 0.5
    t2: float = 4.0
    t4: float = 5.0
    timer_d: float = 32.0

    @property
    def timeout(self) -> float:
        """Timers B, F, H, J (unreliable), L and M: 64*T1."""
        return 64 * self.t1

    def wait_acks(self, reliable: bool) -> float:
        """Timer D: how long a completed INVITE client transaction absorbs retransmissions."""
        return 0.0 if reliable else self.timer_d

    def linger(self, reliable: bool) -> float:
        """Timers I and K: T4 over UDP, zero over a reliable transport."""
        return 0.0 if reliable else self.t4


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Scheduler(Protocol):
    def call_later(self, delay: float, callback: Callable[[], object]) -> TimerHandle: ...

    def time(self) -> float: ...


class _ManualHandle:
    def __init__(self) -> None:
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True


class ManualScheduler:
    """A scheduler whose clock only moves when `advance` is called."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self._queue: list[tuple[float, int, _ManualHandle, Callable[[], object]]] = []
        self._order = itertools.count()

    def time(self) -> float:
        return self.now

    def call_later(self, delay: float, callback: Callable[[], object]) -> TimerHandle:
        handle = _ManualHandle()
        entry = (self.now + max(0.0, delay), next(self._order), handle, callback)
        heapq.heappush(self._queue, entry)
        return handle

    def advance(self, seconds: float) -> None:
        """Run, in time order, every callback due within `seconds` from now."""
        until = self.now + seconds
        while self._queue and self._queue[0][0] <= until:
            when, _, handle, callback = heapq.heappop(self._queue)
            self.now = when
            if not handle.cancelled:
                callback()
        self.now = until

    @property
    def pending(self) -> int:
        return sum(1 for entry in self._queue if not entry[2].cancelled)

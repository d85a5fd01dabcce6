"""Mutable bookkeeping of the ACD core: agent pools, waiting lines, calls, agents.

Available agents sit in one heap per (skill, language, level), keyed by the
time they became idle. An agent who stops being available is not searched for
in the heaps: its token is cleared, stale entries are skipped when they reach
the top, and swept when they outnumber the live ones.

Waiting calls sit in one sorted list per (queue, priority), keyed by
(enqueued_at, sequence): the head of each list is its oldest call, a callback
or a re-queued call goes back to its original place, and a caller's position
is a bisection.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Hashable
from heapq import heapify, heappop, heappush

from .model import AgentProfile, AgentState, QueueConfig

WAITING, RINGING, CONNECTED, ENDED = range(4)


class Pool:
    """Available agents with one skill, language and level, longest idle on top."""

    __slots__ = ("level", "heap", "live")

    def __init__(self, level: int) -> None:
        self.level = level
        self.heap: list[tuple[float, int, Agent]] = []
        self.live = 0

    def push(self, idle_since: float, token: int, agent: Agent) -> None:
        heap = self.heap
        heappush(heap, (idle_since, token, agent))
        self.live += 1
        if len(heap) > 2 * self.live + 64:
            heap[:] = [entry for entry in heap if entry[2].token == entry[1]]
            heapify(heap)

    def peek(self) -> Agent | None:
        heap = self.heap
        while heap:
            entry = heap[0]
            if entry[2].token == entry[1]:
                return entry[2]
            heappop(heap)
        return None


class Agent:
    __slots__ = (
        "id",
        "profile",
        "state",
        "reason",
        "call",
        "idle_since",
        "token",
        "misses",
        "pools",
        "links",
        "after_call",
        "after_call_reason",
        "timer_token",
    )

    def __init__(self, profile: AgentProfile) -> None:
        self.id = profile.id
        self.profile = profile
        self.state = AgentState.OFFLINE
        self.reason = ""
        self.call: Call | None = None
        self.idle_since = 0.0
        self.token = 0  # non-zero while available: matches its entries in the pools
        self.misses = 0
        self.pools: list[Pool] = []
        # (queue, seconds a call must have waited before this agent may take it, level)
        self.links: list[tuple[Queue, float, int]] = []
        self.after_call: AgentState | None = None
        self.after_call_reason = ""
        self.timer_token = 0  # of the wrap-up timer


class Call:
    __slots__ = (
        "id",
        "queue",
        "priority",
        "enqueued_at",
        "seq",
        "state",
        "callback",
        "agent",
        "timer_token",
        "answered_at",
        "timed",
    )

    def __init__(
        self,
        call_id: Hashable,
        queue: Queue,
        priority: int,
        enqueued_at: float,
        seq: int,
        callback: bool,
    ) -> None:
        self.id = call_id
        self.queue = queue
        self.priority = priority
        self.enqueued_at = enqueued_at
        self.seq = seq
        self.state = WAITING
        self.callback = callback
        self.agent: Agent | None = None
        self.timer_token = 0  # of the ring timer
        self.answered_at = 0.0
        self.timed = False  # overflow, maximum-wait and announcement timers are set


class Queue:
    """A queue's waiting line and routing steps."""

    __slots__ = ("config", "steps", "buckets", "prios", "callers", "aht", "serving")

    def __init__(self, config: QueueConfig, steps: list[tuple[float, tuple[Pool, ...]]]) -> None:
        self.config = config
        # (seconds waited, pools it opens): pools in order of preference, best level first
        self.steps = steps
        self.buckets: dict[int, list[tuple[float, int, Call]]] = {}
        self.prios: list[int] = []  # keys of buckets, highest priority first
        self.callers = 0  # callers on the line (callbacks excluded)
        self.aht = config.expected_handle_time
        self.serving = 0  # logged-in, unpaused agents linked to this queue

    def insert(self, call: Call) -> None:
        bucket = self.buckets.get(call.priority)
        if bucket is None:
            bucket = self.buckets[call.priority] = []
            self.prios.append(call.priority)
            self.prios.sort(reverse=True)
        insort(bucket, (call.enqueued_at, call.seq, call))
        if not call.callback:
            self.callers += 1

    def remove(self, call: Call) -> None:
        bucket = self.buckets[call.priority]
        del bucket[bisect_left(bucket, (call.enqueued_at, call.seq))]
        if not bucket:
            del self.buckets[call.priority]
            self.prios.remove(call.priority)
        if not call.callback:
            self.callers -= 1

    def position(self, call: Call) -> int:
        """1 for the next call to be served."""
        ahead = 0
        for prio in self.prios:
            bucket = self.buckets[prio]
            if prio > call.priority:
                ahead += len(bucket)
            else:
                return ahead + bisect_left(bucket, (call.enqueued_at, call.seq)) + 1
        raise AssertionError("call is not waiting")

    def length(self) -> int:
        return sum(len(bucket) for bucket in self.buckets.values())

    def ordered(self) -> list[Call]:
        return [entry[2] for prio in self.prios for entry in self.buckets[prio]]

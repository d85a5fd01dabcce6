"""The ACD core: decides which call goes to which agent.

A pure state machine. Every event method takes ``now`` (seconds on any
monotonic clock; it must not go backwards), changes the state and returns the
commands the driver must carry out. Nothing here does I/O or reads a clock.
The driver calls ``tick(now)`` when ``next_due()`` comes.

Routing (after every event, no waiting call has an available agent allowed to take it):

- a call goes to the available agent with the best (lowest) level among those
  its queue allows so far, longest idle first; each overflow rule of the queue
  widens the allowed agents once the call has waited long enough;
- an agent who becomes available takes, among the calls it is allowed to take,
  the highest priority, then the one where its level is best, then the oldest.
  Within a queue calls are served by priority then enqueue time; callbacks and
  re-queued calls keep their original time, hence their place.

Estimated wait = position × the queue's moving-average handle time ÷ agents
serving the queue (logged in and not paused).
"""

from collections.abc import Iterable
from heapq import heappop

from ._machine import WRAP, Machine
from ._state import CONNECTED, WAITING, Agent, Call
from .model import (
    AcdSettings,
    AcdStateError,
    AgentId,
    AgentProfile,
    AgentState,
    CallId,
    CancelOffer,
    CancelReason,
    Command,
    ExitQueue,
    ExitReason,
    QueueConfig,
    QueueId,
)

_AVAILABLE = AgentState.AVAILABLE


class Acd(Machine):
    """Automatic call distribution over queues and agents (see module doc)."""

    def __init__(self, queues: Iterable[QueueConfig] = (), settings: AcdSettings | None = None):
        super().__init__(settings or AcdSettings())
        for config in queues:
            self.add_queue(config)

    # -- calls -------------------------------------------------------------

    def call_arrived(
        self,
        now: float,
        call_id: CallId,
        queue_id: QueueId,
        priority: int = 0,
        *,
        callback: bool = False,
        enqueued_at: float | None = None,
    ) -> list[Command]:
        """A call enters a queue. ``enqueued_at`` (earlier than ``now``) puts a
        callback or a returning call back at its original place."""
        if call_id in self._calls:
            raise AcdStateError(f"call {call_id!r} is already in the ACD")
        queue = self._queue(queue_id)
        if enqueued_at is not None and enqueued_at > now:
            raise AcdStateError(f"call {call_id!r}: enqueued_at {enqueued_at} is after now {now}")
        out = self._out = []
        since = now if enqueued_at is None else enqueued_at
        self._seq += 1
        call = Call(call_id, queue, priority, since, self._seq, callback)
        agent = self._best_agent(queue, since, now)
        if agent is not None:
            self._calls[call_id] = call
            self._offer(call, agent, now)
            return out
        config = queue.config
        if not callback and config.max_length is not None and queue.callers >= config.max_length:
            out.append(ExitQueue(call_id, ExitReason.QUEUE_FULL, config.full_action))
            return out
        if not callback and config.max_wait is not None and since + config.max_wait <= now:
            out.append(ExitQueue(call_id, ExitReason.MAX_WAIT, config.timeout_action))
            return out
        self._calls[call_id] = call
        queue.insert(call)
        self._schedule_call_timers(call, now)
        return out

    def call_directed(
        self, now: float, call_id: CallId, queue_id: QueueId, agent_id: AgentId,
        *, enqueued_at: float | None = None,
    ) -> list[Command]:  # fmt: skip
        """A call transferred to one named agent, who must be available. If that agent rejects
        it or does not answer, the call waits in ``queue_id`` at its place (``enqueued_at``)."""
        if call_id in self._calls:
            raise AcdStateError(f"call {call_id!r} is already in the ACD")
        agent = self._agent(agent_id)
        if agent.state is not _AVAILABLE:
            raise AcdStateError(f"agent {agent_id!r} is {agent.state}: cannot take a transfer")
        queue = self._queue(queue_id)
        if enqueued_at is not None and enqueued_at > now:
            raise AcdStateError(f"call {call_id!r}: enqueued_at {enqueued_at} is after now {now}")
        out = self._out = []
        self._seq += 1
        since = now if enqueued_at is None else enqueued_at
        call = self._calls[call_id] = Call(call_id, queue, 0, since, self._seq, False)
        self._offer(call, agent, now)
        return out

    def call_taken(
        self, now: float, call_id: CallId, queue_id: QueueId, agent_id: AgentId
    ) -> list[Command]:
        """An attended transfer completed: ``agent_id`` (available, or paused while it was
        consulted) has the call at once, without ringing."""
        if call_id in self._calls:
            raise AcdStateError(f"call {call_id!r} is already in the ACD")
        agent = self._agent(agent_id)
        if agent.state is not _AVAILABLE and agent.state is not AgentState.PAUSED:
            raise AcdStateError(f"agent {agent_id!r} is {agent.state}: cannot take a transfer")
        queue = self._queue(queue_id)
        out = self._out = []
        self._leave_pools(agent)
        self._seq += 1
        call = self._calls[call_id] = Call(call_id, queue, 0, now, self._seq, False)
        call.state, call.agent, call.answered_at = CONNECTED, agent, now
        agent.call, agent.after_call, agent.misses = call, None, 0
        self._set_state(agent, AgentState.ON_CALL, "transfer")
        return out

    def callback_requested(self, now: float, call_id: CallId) -> list[Command]:
        """The caller hangs up but keeps their place: the call stays as a callback."""
        call = self._call(call_id)
        if call.state != WAITING or call.callback:
            raise AcdStateError(f"call {call_id!r} is not a caller waiting in queue")
        call.callback = True
        call.queue.callers -= 1
        self._out = []
        return self._out

    def call_abandoned(self, now: float, call_id: CallId) -> list[Command]:
        """The caller hung up (or a callback was cancelled) before an agent answered."""
        call = self._call(call_id)
        if call.state == CONNECTED:
            raise AcdStateError(f"call {call_id!r} is connected: use call_ended")
        out = self._out = []
        if call.state == WAITING:
            call.queue.remove(call)
        else:
            agent = call.agent
            assert agent is not None
            out.append(CancelOffer(call_id, agent.id, CancelReason.CALLER_ABANDONED))
            agent.call = None
            self._make_available(agent, now, agent.idle_since, "caller_abandoned")
        self._forget(call)
        return out

    def offer_accepted(self, now: float, call_id: CallId) -> list[Command]:
        call = self._ringing(call_id)
        agent = call.agent
        assert agent is not None
        out = self._out = []
        call.state = CONNECTED
        call.timer_token = 0
        call.answered_at = now
        agent.misses = 0
        self._set_state(agent, AgentState.ON_CALL, "answered")
        return out

    def offer_rejected(self, now: float, call_id: CallId) -> list[Command]:
        """The agent declined; the call goes back to its place and on to the next agent."""
        call = self._ringing(call_id)
        self._out = []
        return self._miss(call, now, "rejected")

    def ring_no_answer(self, now: float, call_id: CallId) -> list[Command]:
        """The driver's ring timer ran out (when ``settings.ring_timeout`` is None)."""
        call = self._ringing(call_id)
        self._out = []
        return self._miss(call, now, "no_answer")

    def call_ended(
        self, now: float, call_id: CallId, wrap_up: float | None = None
    ) -> list[Command]:
        """A connected call ended; the agent wraps up for ``wrap_up`` seconds
        (default: the queue's) or, with 0, is available at once."""
        call = self._call(call_id)
        if call.state != CONNECTED:
            raise AcdStateError(f"call {call_id!r} is not connected: use call_abandoned")
        out = self._out = []
        queue = call.queue
        wrap = queue.config.wrap_up if wrap_up is None else wrap_up
        weight = self._settings.aht_weight
        queue.aht += weight * ((now - call.answered_at) + wrap - queue.aht)
        self._forget(call)
        agent = call.agent
        assert agent is not None
        agent.call = None
        if agent.after_call is AgentState.OFFLINE:
            self._logout(agent, now)
        elif wrap > 0:
            self._set_state(agent, AgentState.WRAP_UP, "call_ended")
            self._seq += 1
            agent.timer_token = token = self._seq
            self._push_timer(now + wrap, WRAP, agent, token)
        else:
            self._after_work(agent, now, "call_ended")
        return out

    # -- agents ------------------------------------------------------------

    def agent_login(self, now: float, profile: AgentProfile) -> list[Command]:
        agent = self._agents.get(profile.id)
        if agent is not None and agent.state is not AgentState.OFFLINE:
            raise AcdStateError(f"agent {profile.id!r} is already logged in")
        out = self._out = []
        agent = self._agents[profile.id] = Agent(profile)
        self._link(agent)
        self._make_available(agent, now, now, "login")
        return out

    def agent_logout(self, now: float, agent_id: AgentId) -> list[Command]:
        """Leave now; an agent on a call leaves when the call ends."""
        agent = self._agent(agent_id)
        if agent.state is AgentState.OFFLINE:
            raise AcdStateError(f"agent {agent_id!r} is not logged in")
        out = self._out = []
        if agent.state is AgentState.ON_CALL:
            agent.after_call = AgentState.OFFLINE
        elif agent.state is AgentState.RINGING:
            call = self._withdraw(agent, now, CancelReason.AGENT_LOGOUT)
            self._logout(agent, now)
            self._requeue(call, now)
        else:
            self._logout(agent, now)
        return out

    def agent_paused(self, now: float, agent_id: AgentId, reason: str) -> list[Command]:
        """Pause now; an agent on a call pauses when the call and wrap-up end."""
        agent = self._agent(agent_id)
        if agent.state is AgentState.OFFLINE:
            raise AcdStateError(f"agent {agent_id!r} is not logged in")
        out = self._out = []
        if agent.state is AgentState.ON_CALL:
            agent.after_call, agent.after_call_reason = AgentState.PAUSED, reason
        elif agent.state is AgentState.RINGING:
            call = self._withdraw(agent, now, CancelReason.AGENT_PAUSED)
            self._pause(agent, reason)
            self._requeue(call, now)
        else:
            self._pause(agent, reason)
        return out

    def agent_available(self, now: float, agent_id: AgentId) -> list[Command]:
        """Ready for calls: ends a pause or wrap-up; on a call, cancels a pending pause."""
        agent = self._agent(agent_id)
        state = agent.state
        out = self._out = []
        if state is AgentState.PAUSED or state is AgentState.WRAP_UP:
            agent.misses = 0
            self._make_available(agent, now, now, "ready")
        elif state is AgentState.ON_CALL:
            if agent.after_call is AgentState.PAUSED:
                agent.after_call = None
        elif state is not _AVAILABLE:
            raise AcdStateError(f"agent {agent_id!r} is {state}: cannot become available")
        return out

    # -- timers ------------------------------------------------------------

    def next_due(self) -> float | None:
        """When ``tick`` next has work to do, or None."""
        timers = self._timers
        while timers and not self._timer_valid(timers[0]):
            heappop(timers)
        return timers[0][0] if timers else None

    def tick(self, now: float) -> list[Command]:
        out = self._out = []
        timers = self._timers
        while timers and timers[0][0] <= now:
            entry = heappop(timers)
            if self._timer_valid(entry):
                self._fire(entry, now)
        return out

    # -- queries -----------------------------------------------------------

    def agent_state(self, agent_id: AgentId) -> AgentState:
        agent = self._agents.get(agent_id)
        return AgentState.OFFLINE if agent is None else agent.state

    def queue_length(self, queue_id: QueueId) -> int:
        """Calls waiting (callers and callbacks), not counting those ringing an agent."""
        return self._queue(queue_id).length()

    def waiting(self, queue_id: QueueId) -> list[CallId]:
        """Waiting calls in the order they will be served."""
        return [call.id for call in self._queue(queue_id).ordered()]

    def position(self, call_id: CallId) -> int | None:
        call = self._call(call_id)
        return call.queue.position(call) if call.state == WAITING else None

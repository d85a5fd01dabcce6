"""Transitions, routing and timers of the ACD core (see ``core`` for the rules)."""

from __future__ import annotations

from heapq import heappush

from ._registry import Registry
from ._state import CONNECTED, RINGING, WAITING, Agent, Call, Queue
from .model import (
    MISSED,
    AgentState,
    AgentStateChanged,
    CancelOffer,
    CancelReason,
    Command,
    ExitQueue,
    ExitReason,
    OfferCall,
    PlayPosition,
)

STEP, MAX_WAIT, ANNOUNCE, RING, WRAP = range(5)
_NOT_SERVING = (AgentState.OFFLINE, AgentState.PAUSED)
_AVAILABLE = AgentState.AVAILABLE


class Machine(Registry):
    # -- timers ------------------------------------------------------------

    @staticmethod
    def _timer_valid(entry: tuple) -> bool:
        """Ring and wrap-up timers carry a token cleared when the offer or wrap-up
        ends; the others live while the call waits or rings."""
        token, target = entry[4], entry[3]
        if token:
            return target.timer_token == token
        return target.state < CONNECTED and (entry[2] == STEP or not target.callback)

    def _fire(self, entry: tuple, now: float) -> None:
        due, kind, target = entry[0], entry[2], entry[3]
        if kind == STEP:
            if target.state != WAITING:
                return  # ringing: if it comes back, requeueing tries every step open by then
            agent = self._best_agent(target.queue, target.enqueued_at, now)
            if agent is not None:
                target.queue.remove(target)
                self._offer(target, agent, now)
        elif kind == MAX_WAIT:
            if target.state == WAITING:  # a ringing call is judged if it comes back
                target.queue.remove(target)
                self._exit(target, ExitReason.MAX_WAIT)
        elif kind == ANNOUNCE:
            if target.state == WAITING:
                self._announce(target)
            # a late tick announces once, not once per period missed
            every = target.queue.config.announce_every
            self._push_timer(max(due, now) + every, ANNOUNCE, target, 0)
        elif kind == RING:
            agent = target.agent
            self._out.append(CancelOffer(target.id, agent.id, CancelReason.RING_TIMEOUT))
            self._miss(target, now, "ring_timeout")
        else:
            self._after_work(target, now, "wrap_up_done")

    # -- transitions -------------------------------------------------------

    def _offer(self, call: Call, agent: Agent, now: float) -> None:
        self._leave_pools(agent)
        call.state = RINGING
        call.agent = agent
        self._seq += 1
        call.timer_token = token = self._seq
        agent.call = call
        self._set_state(agent, AgentState.RINGING, "offer")
        self._out.append(OfferCall(call.id, agent.id, call.queue.config.id, call.callback))
        ring_timeout = self._settings.ring_timeout
        if ring_timeout is not None:
            self._push_timer(now + ring_timeout, RING, call, token)

    def _withdraw(self, agent: Agent, now: float, reason: CancelReason) -> Call:
        call = agent.call
        assert call is not None
        self._out.append(CancelOffer(call.id, agent.id, reason))
        agent.call = None
        call.agent = None
        call.timer_token = 0
        return call

    def _miss(self, call: Call, now: float, reason: str) -> list[Command]:
        agent = call.agent
        assert agent is not None
        agent.call = None
        call.agent = None
        call.timer_token = 0
        agent.misses += 1
        if agent.misses >= self._settings.max_misses:
            agent.misses = 0
            self._pause(agent, MISSED)
            self._requeue(call, now)
        else:
            # the agent stays ringing while the call looks for the next agent
            self._requeue(call, now)
            self._make_available(agent, now, now, reason)
        return self._out

    def _requeue(self, call: Call, now: float) -> None:
        call.state = WAITING
        config = call.queue.config
        if not call.callback and config.max_wait is not None:
            if call.enqueued_at + config.max_wait <= now:
                self._exit(call, ExitReason.MAX_WAIT)
                return
        agent = self._best_agent(call.queue, call.enqueued_at, now)
        if agent is not None:
            self._offer(call, agent, now)
            return
        call.queue.insert(call)
        if not call.timed:  # offered on arrival, waiting for the first time
            self._schedule_call_timers(call, now)

    def _exit(self, call: Call, reason: ExitReason) -> None:
        """The call leaves the ACD; the caller must already be out of the waiting line."""
        config = call.queue.config
        action = config.full_action if reason is ExitReason.QUEUE_FULL else config.timeout_action
        self._forget(call)
        self._out.append(ExitQueue(call.id, reason, action))

    def _announce(self, call: Call) -> None:
        queue = call.queue
        position = queue.position(call)
        wait = position * queue.aht / queue.serving if queue.serving else None
        self._out.append(PlayPosition(call.id, position, wait))

    def _after_work(self, agent: Agent, now: float, reason: str) -> None:
        if agent.after_call is AgentState.PAUSED:
            self._pause(agent, agent.after_call_reason)
        else:
            self._make_available(agent, now, now, reason)

    def _make_available(self, agent: Agent, now: float, idle_since: float, reason: str) -> None:
        agent.after_call = None
        agent.idle_since = idle_since
        self._set_state(agent, _AVAILABLE, reason)
        call = self._best_call(agent, now)
        if call is not None:
            call.queue.remove(call)
            self._offer(call, agent, now)
            return
        self._seq += 1
        agent.token = token = self._seq
        for pool in agent.pools:
            pool.push(idle_since, token, agent)

    def _pause(self, agent: Agent, reason: str) -> None:
        self._leave_pools(agent)
        agent.after_call = None
        self._set_state(agent, AgentState.PAUSED, reason)

    def _logout(self, agent: Agent, now: float) -> None:
        self._leave_pools(agent)
        agent.after_call = None
        self._set_state(agent, AgentState.OFFLINE, "logout")

    def _leave_pools(self, agent: Agent) -> None:
        if agent.token:
            agent.token = 0
            for pool in agent.pools:
                pool.live -= 1

    def _set_state(self, agent: Agent, new: AgentState, reason: str) -> None:
        old = agent.state
        if old is new and agent.reason == reason:
            return
        if old is AgentState.WRAP_UP:
            agent.timer_token = 0
        agent.state, agent.reason = new, reason
        was_serving, serving = old not in _NOT_SERVING, new not in _NOT_SERVING
        if was_serving != serving:
            delta = 1 if serving else -1
            for queue, _, _ in agent.links:
                queue.serving += delta
        self._out.append(AgentStateChanged(agent.id, old, new, reason))

    # -- routing -----------------------------------------------------------

    @staticmethod
    def _best_agent(queue: Queue, enqueued_at: float, now: float) -> Agent | None:
        for after, pools in queue.steps:
            if enqueued_at + after > now:
                return None
            for pool in pools:
                agent = pool.peek()
                if agent is not None:
                    return agent
        return None

    @staticmethod
    def _best_call(agent: Agent, now: float) -> Call | None:
        best: Call | None = None
        best_key: tuple = ()
        for queue, after, level in agent.links:
            buckets = queue.buckets
            for prio in queue.prios:
                since, seq, call = buckets[prio][0]
                if since + after <= now:
                    key = (-prio, level, since, seq)
                    if best is None or key < best_key:
                        best, best_key = call, key
                    break
        return best

    def _schedule_call_timers(self, call: Call, now: float) -> None:
        call.timed = True
        queue = call.queue
        since = call.enqueued_at
        for after, _ in queue.steps:
            if since + after > now:
                self._push_timer(since + after, STEP, call, 0)
        config = queue.config
        if call.callback:
            return
        if config.max_wait is not None:
            self._push_timer(since + config.max_wait, MAX_WAIT, call, 0)
        if config.announce_every is not None:
            self._announce(call)
            self._push_timer(now + config.announce_every, ANNOUNCE, call, 0)

    def _push_timer(self, due: float, kind: int, target: object, token: int) -> None:
        self._seq += 1
        heappush(self._timers, (due, self._seq, kind, target, token))

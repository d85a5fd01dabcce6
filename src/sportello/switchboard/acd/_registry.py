"""Who and what the ACD core knows: queues, agent pools, calls, agents, timers."""

from __future__ import annotations

from collections.abc import Hashable

from ._state import ENDED, RINGING, Agent, Call, Pool, Queue
from .model import AcdSettings, AcdStateError, AgentState, Command, QueueConfig

PoolKey = tuple[str, str | None, int]  # skill, language (None: any), level


class Registry:
    def __init__(self, settings: AcdSettings) -> None:
        self._settings = settings
        self._queues: dict[Hashable, Queue] = {}
        self._pools: dict[PoolKey, Pool] = {}
        self._calls: dict[Hashable, Call] = {}
        self._agents: dict[Hashable, Agent] = {}
        self._timers: list[tuple] = []
        self._seq = 0
        self._out: list[Command] = []

    def _next_seq(self) -> int:
        self._seq += 1
        return self._seq

    def add_queue(self, config: QueueConfig) -> None:
        """Add a queue; logged-in agents who qualify start serving it at once."""
        if config.id in self._queues:
            raise AcdStateError(f"queue {config.id!r} already exists")
        self._queues[config.id] = Queue(config, self._steps(config))
        for agent in self._agents.values():
            if agent.state is not AgentState.OFFLINE:
                self._relink(agent)

    def _steps(self, config: QueueConfig) -> list[tuple[float, tuple[Pool, ...]]]:
        steps: list[tuple[float, tuple[Pool, ...]]] = []
        seen: set[PoolKey] = set()
        for rule in config.rules():
            fresh = []
            for level in range(1, rule.max_level + 1):
                key = (rule.skill, config.language, level)
                if key not in seen:
                    seen.add(key)
                    fresh.append(self._pools.setdefault(key, Pool(level)))
            if not fresh:
                continue
            if steps and steps[-1][0] == rule.after:
                steps[-1] = (rule.after, steps[-1][1] + tuple(fresh))
            else:
                steps.append((rule.after, tuple(fresh)))
        return steps

    def _link(self, agent: Agent) -> None:
        """Compute the pools an agent joins when available and the queues it serves."""
        profile = agent.profile
        languages = (None, *sorted(profile.languages))
        keys = {
            (skill, language, level)
            for skill, level in profile.skills.items()
            for language in languages
        }
        agent.pools = [pool for key, pool in self._pools.items() if key in keys]
        mine = set(map(id, agent.pools))
        agent.links = []
        for queue in self._queues.values():
            link = next(
                (
                    (queue, after, pool.level)
                    for after, pools in queue.steps
                    for pool in pools
                    if id(pool) in mine
                ),
                None,
            )
            if link is not None:
                agent.links.append(link)

    def _relink(self, agent: Agent) -> None:
        serving = agent.state is not AgentState.PAUSED
        if serving:
            for queue, _, _ in agent.links:
                queue.serving -= 1
        token = agent.token
        if token:
            for pool in agent.pools:
                pool.live -= 1
        self._link(agent)
        if serving:
            for queue, _, _ in agent.links:
                queue.serving += 1
        if token:
            agent.token = token = self._next_seq()
            for pool in agent.pools:
                pool.push(agent.idle_since, token, agent)

    def _queue(self, queue_id: Hashable) -> Queue:
        try:
            return self._queues[queue_id]
        except KeyError:
            raise AcdStateError(f"unknown queue {queue_id!r}") from None

    def _call(self, call_id: Hashable) -> Call:
        try:
            return self._calls[call_id]
        except KeyError:
            raise AcdStateError(f"unknown call {call_id!r}") from None

    def _agent(self, agent_id: Hashable) -> Agent:
        try:
            return self._agents[agent_id]
        except KeyError:
            raise AcdStateError(f"unknown agent {agent_id!r}") from None

    def _ringing(self, call_id: Hashable) -> Call:
        call = self._call(call_id)
        if call.state != RINGING:
            raise AcdStateError(f"call {call_id!r} is not being offered to an agent")
        return call

    def _forget(self, call: Call) -> None:
        del self._calls[call.id]
        call.state = ENDED
        call.timer_token = 0

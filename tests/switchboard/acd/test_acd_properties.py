"""Property tests: random event sequences against the ACD core's invariants.

A small "world" plays the driver: it sends only events a real engine could
send, carries out the commands and checks, after every step, that no call is
offered to two agents, no agent holds two calls, the core's agent states match
the commands it issued, no waiting call has an available agent allowed to take
it, and calls are conserved. At the end every arrived call has ended exactly once.
"""

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from sportello.switchboard.acd import (
    Acd,
    AcdSettings,
    AgentProfile,
    AgentState,
    AgentStateChanged,
    CancelOffer,
    ExitQueue,
    OfferCall,
    OverflowRule,
    PlayPosition,
    QueueConfig,
)

QUEUES = [
    QueueConfig(
        "q1",
        "a",
        "it",
        overflow=(OverflowRule(30, "a", 2), OverflowRule(60, "b", 1)),
        max_wait=120,
        max_length=3,
        announce_every=20,
        wrap_up=10,
    ),
    QueueConfig("q2", "b", None, max_level=2),
]
AGENTS = [
    AgentProfile("x", {"a": 1}, frozenset({"it"})),
    AgentProfile("y", {"a": 2, "b": 1}, frozenset({"it", "fr"})),
    AgentProfile("z", {"b": 2}, frozenset()),
    AgentProfile("w", {"a": 1, "b": 1}, frozenset({"fr"})),
]
OPS = (
    "arrive",
    "arrive_callback",
    "callback",
    "abandon",
    "login",
    "logout",
    "pause",
    "available",
    "accept",
    "reject",
    "no_answer",
    "end",
    "wait",
    "until_due",
)


class World:
    def __init__(self):
        self.acd = Acd(QUEUES, AcdSettings(ring_timeout=15, max_misses=2))
        self.now = 0.0
        self.arrived = {}  # call -> (queue, enqueued_at)
        self.ended = Counter()
        self.ringing = {}  # call -> agent
        self.connected = {}  # call -> agent
        self.holding = {}  # agent -> call
        self.callbacks = set()
        self.states = {agent.id: AgentState.OFFLINE for agent in AGENTS}
        self.next_call = 0

    # -- carrying out commands ----------------------------------------------

    def apply(self, commands):
        for command in commands:
            if isinstance(command, OfferCall):
                assert command.call in self.arrived and command.call not in self.ended
                assert command.call not in self.ringing and command.call not in self.connected
                assert command.agent not in self.holding
                assert self.states[command.agent] is AgentState.RINGING
                assert self.may_take(self.profile(command.agent), command.call)
                self.ringing[command.call] = command.agent
                self.holding[command.agent] = command.call
            elif isinstance(command, CancelOffer):
                assert self.ringing.pop(command.call) == command.agent
                del self.holding[command.agent]
            elif isinstance(command, ExitQueue):
                assert command.call not in self.ringing and command.call not in self.connected
                self.end(command.call)
            elif isinstance(command, AgentStateChanged):
                assert self.states[command.agent] is command.old
                self.states[command.agent] = command.new
            else:
                assert isinstance(command, PlayPosition) and command.position >= 1

    def end(self, call):
        self.ended[call] += 1

    def send(self, event, *args, **kwargs):
        self.apply(getattr(self.acd, event)(self.now, *args, **kwargs))

    # -- driver actions -----------------------------------------------------

    def live(self):
        return [call for call in self.arrived if call not in self.ended]

    def pick(self, items, n):
        items = sorted(items, key=str)
        return items[n % len(items)] if items else None

    def step(self, op, n, m):
        due = self.acd.next_due()
        if due is not None and due <= self.now:
            self.apply(self.acd.tick(self.now))
        getattr(self, "do_" + op)(n, m)

    def do_wait(self, n, m):
        """Time passes; the engine's timer calls tick at each due time."""
        until = self.now + (n % 50) + m / 10
        due = self.acd.next_due()
        while due is not None and due <= until:
            self.now = max(self.now, due)
            self.apply(self.acd.tick(self.now))
            due = self.acd.next_due()
        self.now = until

    def do_until_due(self, n, m):
        due = self.acd.next_due()
        if due is not None:
            self.now = max(self.now, due)
            self.apply(self.acd.tick(self.now))

    def do_arrive(self, n, m):
        self.next_call += 1
        call, queue = f"c{self.next_call}", QUEUES[n % 2].id
        self.arrived[call] = (queue, self.now)
        self.send("call_arrived", call, queue, m % 3)

    def do_arrive_callback(self, n, m):
        """A callback entered again at its original time, e.g. after a failed dial-out."""
        self.next_call += 1
        call, queue, since = f"c{self.next_call}", QUEUES[n % 2].id, self.now - 10 * m
        self.arrived[call] = (queue, since)
        self.callbacks.add(call)
        self.send("call_arrived", call, queue, callback=True, enqueued_at=since)

    def do_callback(self, n, m):
        waiting = [c for c in self.live() if c not in self.ringing and c not in self.connected]
        call = self.pick(waiting, n)
        if call is not None and call not in self.callbacks:
            self.callbacks.add(call)
            self.send("callback_requested", call)

    def do_abandon(self, n, m):
        call = self.pick([c for c in self.live() if c not in self.connected], n)
        if call is not None:
            self.end(call)
            self.send("call_abandoned", call)

    def do_login(self, n, m):
        profile = AGENTS[n % len(AGENTS)]
        if self.states[profile.id] is AgentState.OFFLINE:
            self.send("agent_login", profile)

    def do_logout(self, n, m):
        self.agent_event(n, "agent_logout")

    def do_pause(self, n, m):
        self.agent_event(n, "agent_paused", "break")

    def do_available(self, n, m):
        agent = AGENTS[n % len(AGENTS)].id
        if self.states[agent] not in (AgentState.OFFLINE, AgentState.RINGING):
            self.send("agent_available", agent)

    def agent_event(self, n, event, *args):
        agent = AGENTS[n % len(AGENTS)].id
        if self.states[agent] is not AgentState.OFFLINE:
            self.send(event, agent, *args)

    def do_accept(self, n, m):
        call = self.pick(self.ringing, n)
        if call is not None:
            self.connected[call] = self.ringing.pop(call)
            self.send("offer_accepted", call)

    def do_reject(self, n, m):
        self.miss(n, "offer_rejected")

    def do_no_answer(self, n, m):
        self.miss(n, "ring_no_answer")

    def miss(self, n, event):
        call = self.pick(self.ringing, n)
        if call is not None:
            del self.holding[self.ringing.pop(call)]
            self.send(event, call)

    def do_end(self, n, m):
        call = self.pick(self.connected, n)
        if call is not None:
            self.end_call(call)

    def end_call(self, call):
        del self.holding[self.connected.pop(call)]
        self.end(call)
        self.send("call_ended", call)

    # -- invariants ---------------------------------------------------------

    def check(self):
        for agent, state in self.states.items():
            assert self.acd.agent_state(agent) is state
            assert (agent in self.holding) == (state in (AgentState.RINGING, AgentState.ON_CALL))
        waiting = [call for queue in QUEUES for call in self.acd.waiting(queue.id)]
        assert len(waiting) == len(set(waiting))
        live = self.live()
        assert sorted(waiting + list(self.ringing) + list(self.connected)) == sorted(live)
        assert all(count == 1 for count in self.ended.values())
        assert len(self.arrived) == len(self.ended) + len(live)
        for call in waiting:
            for profile in AGENTS:
                if self.states[profile.id] is AgentState.AVAILABLE:
                    assert not self.may_take(profile, call), (profile.id, call)

    def profile(self, agent_id):
        return next(profile for profile in AGENTS if profile.id == agent_id)

    def may_take(self, profile, call):
        queue_id, since = self.arrived[call]
        queue = next(q for q in QUEUES if q.id == queue_id)
        speaks = queue.language is None or queue.language in profile.languages
        return speaks and any(
            profile.skills.get(rule.skill, 99) <= rule.max_level and since + rule.after <= self.now
            for rule in queue.rules()
        )

    def drain(self):
        for call in list(self.connected):
            self.end_call(call)
        for call in sorted(self.live(), key=str):
            self.end(call)
            self.send("call_abandoned", call)
        self.check()
        assert set(self.ended) == set(self.arrived)


operations = st.lists(
    st.tuples(st.sampled_from(OPS), st.integers(0, 1000), st.integers(0, 9)),
    max_size=120,
)


@settings(max_examples=300, deadline=None)
@given(operations)
def test_every_call_ends_once_and_no_agent_or_call_is_double_booked(ops):
    world = World()
    for op, n, m in ops:
        world.step(op, n, m)
        world.check()
    world.drain()


@settings(max_examples=300, deadline=None)
@given(operations)
def test_time_alone_lets_callers_out_after_the_maximum_wait(ops):
    world = World()
    for op, n, m in ops:
        world.step(op, n, m)
    world.now += 1000
    world.step("wait", 0, 0)
    world.check()

    assert world.acd.next_due() is None or world.acd.next_due() > world.now
    # q1 lets callers out after 120 s; callbacks and q2 (no maximum wait) stay
    assert all(call in world.callbacks for call in world.acd.waiting("q1"))


def test_the_world_rejects_a_double_booking():
    world = World()
    world.states["x"] = AgentState.RINGING
    world.arrived["c1"] = world.arrived["c2"] = ("q1", 0.0)
    world.apply([OfferCall("c1", "x", "q1")])

    try:
        world.apply([OfferCall("c2", "x", "q1")])
    except AssertionError:
        return
    raise AssertionError("the checker let an agent hold two calls")

"""Routing rules of the ACD core, driven by hand with an explicit clock."""

import pytest

from sportello.switchboard.acd import (
    MISSED,
    Acd,
    AcdSettings,
    AcdStateError,
    AgentProfile,
    AgentState,
    AgentStateChanged,
    CancelOffer,
    CancelReason,
    ExitAction,
    ExitQueue,
    ExitReason,
    OfferCall,
    OverflowRule,
    PlayPosition,
    QueueConfig,
)

JOBS = QueueConfig("jobs", "jobs", language="it", max_level=2)


def agent(agent_id, level=1, skill="jobs", languages=("it",)):
    return AgentProfile(agent_id, {skill: level}, frozenset(languages))


def offers(commands):
    return [(c.call, c.agent) for c in commands if isinstance(c, OfferCall)]


def only(commands, kind):
    return [c for c in commands if isinstance(c, kind)]


def acd_with(*agents, queue=JOBS, settings=None, at=0.0):
    acd = Acd([queue], settings or AcdSettings(ring_timeout=None))
    for offset, profile in enumerate(agents):
        acd.agent_login(at + offset, profile)
    return acd


def answer_and_end(acd, now, call_id, end_at):
    acd.offer_accepted(now, call_id)
    return acd.call_ended(end_at, call_id)


def test_it_offers_the_call_to_the_longest_idle_agent():
    acd = acd_with(agent("a"), agent("b"), agent("c"))

    assert offers(acd.call_arrived(10, "c1", "jobs")) == [("c1", "a")]
    answer_and_end(acd, 11, "c1", 20)  # a is idle again since 20, b since 1

    assert offers(acd.call_arrived(30, "c2", "jobs")) == [("c2", "b")]
    assert offers(acd.call_arrived(31, "c3", "jobs")) == [("c3", "c")]
    assert offers(acd.call_arrived(32, "c4", "jobs")) == [("c4", "a")]


def test_it_prefers_the_best_skill_level_over_idle_time():
    acd = acd_with(agent("novice", level=2), agent("expert", level=1))

    assert offers(acd.call_arrived(10, "c1", "jobs")) == [("c1", "expert")]
    assert offers(acd.call_arrived(11, "c2", "jobs")) == [("c2", "novice")]


def test_it_serves_only_agents_who_speak_the_queue_language():
    acd = acd_with(agent("fr", languages=("fr",)), agent("it", languages=("it", "fr")))

    assert offers(acd.call_arrived(10, "c1", "jobs")) == [("c1", "it")]
    assert acd.call_arrived(11, "c2", "jobs") == []
    assert acd.waiting("jobs") == ["c2"]


def test_it_overflows_to_lower_levels_after_the_queue_overflow_wait():
    queue = QueueConfig("jobs", "jobs", max_level=1, overflow=(OverflowRule(30, "jobs", 3),))
    acd = acd_with(agent("backup", level=3, languages=()), queue=queue)

    assert acd.call_arrived(100, "c1", "jobs") == []
    assert acd.next_due() == 130
    assert acd.tick(129.9) == []

    assert offers(acd.tick(130)) == [("c1", "backup")]


def test_it_overflows_to_another_skill_and_a_returning_agent_takes_the_overflowed_call():
    queue = QueueConfig("jobs", "jobs", overflow=(OverflowRule(60, "general", 1),))
    acd = acd_with(queue=queue)
    acd.call_arrived(0, "c1", "jobs")
    acd.call_arrived(50, "c2", "jobs")

    acd.tick(70)  # c1 may go to general agents now, c2 not yet
    commands = acd.agent_login(75, agent("gen", skill="general", languages=()))

    assert offers(commands) == [("c1", "gen")]
    assert acd.waiting("jobs") == ["c2"]


def test_an_agent_becoming_available_waits_for_the_overflow_time_of_a_call():
    queue = QueueConfig("jobs", "jobs", overflow=(OverflowRule(30, "jobs", 2),))
    acd = acd_with(queue=queue)
    acd.call_arrived(0, "c1", "jobs")

    assert acd.agent_login(10, agent("backup", level=2, languages=())) == [
        AgentStateChanged("backup", AgentState.OFFLINE, AgentState.AVAILABLE, "login")
    ]
    assert offers(acd.tick(30)) == [("c1", "backup")]


def test_a_call_ringing_when_its_overflow_time_comes_is_not_offered_twice():
    queue = QueueConfig("jobs", "jobs", overflow=(OverflowRule(30, "jobs", 2),))
    acd = acd_with(queue=queue)
    acd.call_arrived(0, "c1", "jobs")
    acd.agent_login(5, agent("backup", level=2, languages=()))
    acd.agent_login(20, agent("expert", languages=()))

    assert acd.tick(30) == []  # c1 is ringing the expert
    assert offers(acd.ring_no_answer(35, "c1")) == [("c1", "backup")]


def test_it_serves_calls_first_in_first_out():
    acd = acd_with()
    for second, call_id in enumerate(["c1", "c2", "c3"]):
        acd.call_arrived(second, call_id, "jobs")

    acd.agent_login(10, agent("a"))
    acd.agent_login(11, agent("b"))

    assert acd.waiting("jobs") == ["c3"]
    assert acd.position("c3") == 1


def test_a_callback_keeps_the_callers_place_in_the_queue():
    acd = acd_with()
    acd.call_arrived(0, "c1", "jobs")
    acd.call_arrived(1, "c2", "jobs")
    acd.callback_requested(5, "c1")
    acd.call_arrived(6, "c3", "jobs")

    assert acd.waiting("jobs") == ["c1", "c2", "c3"]
    assert offers(acd.agent_login(10, agent("a"))) == [("c1", "a")]


def test_a_callback_entered_later_goes_back_to_its_original_time():
    acd = acd_with()
    acd.call_arrived(10, "c2", "jobs")
    acd.call_arrived(20, "c3", "jobs")

    acd.call_arrived(30, "cb1", "jobs", callback=True, enqueued_at=5)

    assert acd.waiting("jobs") == ["cb1", "c2", "c3"]
    assert acd.position("c2") == 2


def test_it_serves_higher_priority_first():
    acd = acd_with()
    acd.call_arrived(0, "normal", "jobs")
    acd.call_arrived(5, "urgent", "jobs", priority=5)

    assert acd.position("urgent") == 1
    assert offers(acd.agent_login(10, agent("a"))) == [("urgent", "a")]


def test_an_agent_takes_the_highest_priority_call_across_its_queues():
    queues = [QueueConfig("jobs", "jobs"), QueueConfig("spid", "spid")]
    acd = Acd(queues, AcdSettings(ring_timeout=None))
    acd.call_arrived(0, "old", "jobs")
    acd.call_arrived(5, "urgent", "spid", priority=1)
    acd.call_arrived(6, "newer", "spid")

    both = AgentProfile("a", {"jobs": 1, "spid": 1})
    assert offers(acd.agent_login(10, both)) == [("urgent", "a")]
    answer_and_end(acd, 10, "urgent", 20)
    # same priority: the oldest call, whatever its queue
    assert acd.waiting("jobs") == [] and acd.waiting("spid") == ["newer"]


def test_it_refuses_a_caller_when_the_queue_is_full():
    queue = QueueConfig("jobs", "jobs", max_length=2, full_action=ExitAction.CALLBACK_OFFER)
    acd = acd_with(queue=queue)
    acd.call_arrived(0, "c1", "jobs")
    acd.call_arrived(1, "c2", "jobs")

    assert acd.call_arrived(2, "c3", "jobs") == [
        ExitQueue("c3", ExitReason.QUEUE_FULL, ExitAction.CALLBACK_OFFER)
    ]
    acd.call_arrived(3, "cb", "jobs", callback=True)  # callbacks hold no line
    assert acd.waiting("jobs") == ["c1", "c2", "cb"]


def test_it_lets_a_caller_out_after_the_maximum_wait():
    queue = QueueConfig("jobs", "jobs", max_wait=60, timeout_action=ExitAction.VOICEMAIL)
    acd = acd_with(queue=queue)
    acd.call_arrived(0, "c1", "jobs")
    acd.call_arrived(10, "c2", "jobs")

    assert acd.tick(59) == []
    assert acd.tick(60) == [ExitQueue("c1", ExitReason.MAX_WAIT, ExitAction.VOICEMAIL)]
    assert acd.waiting("jobs") == ["c2"]
    with pytest.raises(AcdStateError):
        acd.call_abandoned(61, "c1")


def test_a_callback_is_not_let_out_by_the_maximum_wait():
    acd = acd_with(queue=QueueConfig("jobs", "jobs", max_wait=60))
    acd.call_arrived(0, "c1", "jobs")
    acd.callback_requested(30, "c1")

    assert acd.tick(600) == []
    assert acd.waiting("jobs") == ["c1"]


def test_ring_no_answer_moves_the_call_to_the_next_agent():
    acd = acd_with(agent("a"), agent("b"))
    acd.call_arrived(10, "c1", "jobs")

    commands = acd.ring_no_answer(30, "c1")

    assert offers(commands) == [("c1", "b")]
    assert acd.agent_state("a") is AgentState.AVAILABLE


def test_the_core_ring_timeout_cancels_the_offer_and_tries_the_next_agent():
    acd = acd_with(agent("a"), agent("b"), settings=AcdSettings(ring_timeout=20))
    acd.call_arrived(10, "c1", "jobs")

    commands = acd.tick(30)

    assert commands[0] == CancelOffer("c1", "a", CancelReason.RING_TIMEOUT)
    assert offers(commands) == [("c1", "b")]


def test_an_agent_who_misses_n_offers_in_a_row_is_paused_as_missed():
    acd = acd_with(agent("a"), settings=AcdSettings(ring_timeout=None, max_misses=2))
    acd.call_arrived(10, "c1", "jobs")

    assert offers(acd.offer_rejected(15, "c1")) == [("c1", "a")]  # the only agent
    commands = acd.ring_no_answer(35, "c1")

    assert only(commands, AgentStateChanged)[-1] == AgentStateChanged(
        "a", AgentState.RINGING, AgentState.PAUSED, MISSED
    )
    assert acd.waiting("jobs") == ["c1"]
    assert offers(acd.agent_available(50, "a")) == [("c1", "a")]


def test_an_answered_offer_resets_the_missed_count():
    acd = acd_with(agent("a"), settings=AcdSettings(ring_timeout=None, max_misses=2))
    acd.call_arrived(10, "c1", "jobs")
    acd.ring_no_answer(30, "c1")
    answer_and_end(acd, 31, "c1", 40)
    acd.call_arrived(50, "c2", "jobs")

    acd.ring_no_answer(70, "c2")

    assert acd.agent_state("a") is AgentState.RINGING


def test_wrap_up_ends_on_its_timer_and_the_agent_takes_the_next_call():
    acd = acd_with(agent("a"), queue=QueueConfig("jobs", "jobs", wrap_up=30))
    acd.call_arrived(0, "c1", "jobs")
    acd.offer_accepted(1, "c1")
    acd.call_arrived(50, "c2", "jobs")

    acd.call_ended(100, "c1")

    assert acd.agent_state("a") is AgentState.WRAP_UP
    assert acd.next_due() == 130
    assert acd.tick(129) == []
    assert offers(acd.tick(130)) == [("c2", "a")]


def test_an_agent_may_end_wrap_up_early_or_skip_it():
    acd = acd_with(agent("a"), queue=QueueConfig("jobs", "jobs", wrap_up=30))
    acd.call_arrived(0, "c1", "jobs")
    acd.offer_accepted(1, "c1")
    acd.call_ended(100, "c1")
    acd.agent_available(105, "a")
    acd.call_arrived(110, "c2", "jobs")
    acd.offer_accepted(111, "c2")

    acd.call_ended(120, "c2", wrap_up=0)

    assert acd.agent_state("a") is AgentState.AVAILABLE
    assert acd.tick(1000) == []  # the first wrap-up timer is stale


def test_logout_while_ringing_requeues_the_call_at_its_original_place():
    acd = acd_with(agent("a"))
    acd.call_arrived(10, "c1", "jobs")
    acd.call_arrived(11, "c2", "jobs")

    commands = acd.agent_logout(12, "a")

    assert commands[0] == CancelOffer("c1", "a", CancelReason.AGENT_LOGOUT)
    assert acd.agent_state("a") is AgentState.OFFLINE
    assert acd.waiting("jobs") == ["c1", "c2"]
    assert offers(acd.agent_login(20, agent("b"))) == [("c1", "b")]


def test_a_caller_hanging_up_while_ringing_gives_the_agent_back_its_idle_place():
    acd = acd_with(agent("a"), agent("b"))
    acd.call_arrived(10, "c1", "jobs")

    commands = acd.call_abandoned(12, "c1")

    assert commands[0] == CancelOffer("c1", "a", CancelReason.CALLER_ABANDONED)
    assert offers(acd.call_arrived(20, "c2", "jobs")) == [("c2", "a")]


def test_pause_and_logout_on_a_call_take_effect_when_the_call_ends():
    acd = acd_with(agent("a"), agent("b"), queue=QueueConfig("jobs", "jobs", wrap_up=10))
    acd.call_arrived(10, "c1", "jobs")
    acd.call_arrived(10, "c2", "jobs")
    acd.offer_accepted(11, "c1")
    acd.offer_accepted(11, "c2")

    acd.agent_paused(20, "a", "lunch")
    acd.agent_logout(20, "b")
    acd.call_ended(30, "c1")
    commands = acd.call_ended(30, "c2")

    assert commands == [AgentStateChanged("b", AgentState.ON_CALL, AgentState.OFFLINE, "logout")]
    assert acd.agent_state("a") is AgentState.WRAP_UP
    acd.tick(40)
    assert acd.agent_state("a") is AgentState.PAUSED


def test_it_announces_position_and_estimated_wait():
    queue = QueueConfig("jobs", "jobs", announce_every=30, expected_handle_time=120)
    acd = acd_with(queue=queue)
    acd.agent_login(0, agent("a"))
    acd.agent_login(0, agent("b"))
    acd.call_arrived(1, "c1", "jobs")
    acd.call_arrived(1, "c2", "jobs")

    (first,) = acd.call_arrived(2, "c3", "jobs")
    acd.call_arrived(3, "c4", "jobs")
    later = acd.tick(32)

    assert (first.call, first.position, first.estimated_wait) == ("c3", 1, 60.0)
    assert [(p.call, p.position) for p in later] == [("c3", 1)]
    assert acd.next_due() == 33


def test_it_rejects_events_that_do_not_fit_the_state_and_changes_nothing():
    acd = acd_with(agent("a"))
    acd.call_arrived(0, "c1", "jobs")

    with pytest.raises(AcdStateError):
        acd.call_arrived(1, "c1", "jobs")
    with pytest.raises(AcdStateError):
        acd.call_ended(1, "c1")
    with pytest.raises(AcdStateError):
        acd.call_arrived(1, "c2", "nowhere")
    with pytest.raises(AcdStateError):
        acd.agent_login(1, agent("a"))
    assert acd.agent_state("a") is AgentState.RINGING
    assert acd.offer_accepted(2, "c1")[0].new is AgentState.ON_CALL


def test_a_callback_offer_says_it_is_a_callback():
    acd = acd_with()
    acd.call_arrived(0, "c1", "jobs")
    acd.callback_requested(5, "c1")

    (offer,) = only(acd.agent_login(10, agent("a")), OfferCall)

    assert offer == OfferCall("c1", "a", "jobs", callback=True)


def test_a_queue_added_later_is_served_by_agents_already_logged_in():
    acd = acd_with(agent("a", skill="spid"))

    acd.add_queue(QueueConfig("spid", "spid", announce_every=60))

    assert offers(acd.call_arrived(10, "c1", "spid")) == [("c1", "a")]
    (announcement,) = acd.call_arrived(11, "c2", "spid")
    assert announcement.estimated_wait == pytest.approx(180.0)  # 1 caller × 180 s ÷ 1 agent


def test_without_serving_agents_the_estimated_wait_is_unknown():
    acd = acd_with(queue=QueueConfig("jobs", "jobs", announce_every=60))

    (announcement,) = acd.call_arrived(0, "c1", "jobs")

    assert (announcement.position, announcement.estimated_wait) == (1, None)


def test_a_call_cannot_have_entered_the_queue_in_the_future():
    with pytest.raises(AcdStateError, match="enqueued_at"):
        acd_with().call_arrived(10, "c1", "jobs", enqueued_at=11)


def test_a_late_tick_announces_once_and_keeps_the_rhythm_from_then():
    acd = acd_with(queue=QueueConfig("jobs", "jobs", announce_every=30))
    acd.call_arrived(0, "c1", "jobs")

    assert len(acd.tick(100)) == 1
    assert acd.next_due() == 130


def test_a_call_offered_on_arrival_and_missed_still_leaves_after_the_maximum_wait():
    queue = QueueConfig("jobs", "jobs", max_wait=60, announce_every=20)
    acd = acd_with(agent("a"), queue=queue, settings=AcdSettings(ring_timeout=15, max_misses=1))
    acd.call_arrived(0, "c1", "jobs")

    assert PlayPosition("c1", 1, None) in acd.tick(15)  # back in queue, a paused
    assert acd.tick(60)[-1] == ExitQueue("c1", ExitReason.MAX_WAIT, ExitAction.VOICEMAIL)

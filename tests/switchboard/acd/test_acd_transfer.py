"""A call transferred to a named agent (ACD core, explicit clock)."""

import pytest

from sportello.switchboard.acd import AcdStateError, AgentState
from tests.switchboard.acd.test_acd_routing import acd_with, agent, offers


def test_a_directed_call_rings_the_named_agent_not_the_longest_idle():
    acd = acd_with(agent("a"), agent("b"))

    assert offers(acd.call_directed(10, "c1", "jobs", "b")) == [("c1", "b")]
    assert acd.agent_state("b") == AgentState.RINGING
    assert acd.agent_state("a") == AgentState.AVAILABLE


def test_a_directed_call_not_answered_waits_in_its_queue_at_its_original_place():
    acd = acd_with(agent("a"), agent("b"))
    acd.agent_paused(1, "a", "break")
    acd.call_directed(10, "c1", "jobs", "b", enqueued_at=2)
    acd.call_arrived(11, "c2", "jobs")  # nobody free: waits

    # back at its place, before c2: the queue's next free agent (here b again) gets it first
    assert offers(acd.ring_no_answer(20, "c1")) == [("c1", "b")]
    acd.agent_paused(21, "b", "break")
    assert acd.waiting("jobs") == ["c1", "c2"]
    assert offers(acd.agent_available(22, "a")) == [("c1", "a")]


def test_a_directed_call_needs_an_available_agent_and_changes_nothing_otherwise():
    acd = acd_with(agent("a"), agent("b"))
    acd.agent_paused(1, "b", "break")

    with pytest.raises(AcdStateError):
        acd.call_directed(10, "c1", "jobs", "b")
    with pytest.raises(AcdStateError):
        acd.call_directed(10, "c1", "jobs", "nobody")
    acd.call_arrived(11, "c2", "jobs")
    with pytest.raises(AcdStateError):
        acd.call_directed(12, "c2", "jobs", "a")  # already in the ACD

    assert acd.agent_state("b") == AgentState.PAUSED
    assert offers(acd.call_arrived(13, "c1", "jobs")) == []  # a is ringing with c2


def test_an_agent_consulted_while_paused_takes_the_call_without_ringing():
    acd = acd_with(agent("a"), agent("b"))
    acd.call_arrived(10, "c1", "jobs")
    acd.offer_accepted(11, "c1")
    acd.agent_paused(12, "b", "consult")
    acd.call_ended(20, "c1", wrap_up=30)

    acd.call_taken(20, "c1", "jobs", "b")

    assert acd.agent_state("b") == AgentState.ON_CALL
    assert acd.agent_state("a") == AgentState.WRAP_UP
    assert offers(acd.call_arrived(21, "c2", "jobs")) == []  # b is busy, a wraps up
    assert offers(acd.call_ended(30, "c1", wrap_up=0)) == [("c2", "b")]


def test_a_call_cannot_be_taken_by_an_agent_on_another_call():
    acd = acd_with(agent("a"), agent("b"))
    acd.call_arrived(10, "c1", "jobs")
    acd.offer_accepted(11, "c1")

    with pytest.raises(AcdStateError):
        acd.call_taken(12, "c2", "jobs", "a")
    assert acd.agent_state("a") == AgentState.ON_CALL

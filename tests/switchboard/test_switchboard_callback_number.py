"""The keypad steps of a callback request: which number, typed, read back, confirmed."""

import pytest

from sportello.switchboard.callback_number import (
    CHOICE_SECONDS,
    FIRST_DIGIT_SECONDS,
    Chosen,
    GiveUp,
    NumberEntry,
    dialable,
    withheld,
)
from sportello.switchboard.ivr import Collect, Play

OWN = "3331234567"
CANCELLED = Play("callback_number_cancelled", "en")


def entry(own=OWN, **kwargs) -> NumberEntry:
    return NumberEntry(own, "en", **kwargs)


def type_keys(session: NumberEntry, keys: str) -> list:
    actions: list = []
    for key in keys:
        actions = session.digit(key)
    return actions


def read_back(digits: str) -> list:
    return [
        Play("callback_number_read_back", "en"),
        *[Play(f"digit_{d}", "en") for d in digits],
        Play("callback_number_confirm", "en"),
        Collect(CHOICE_SECONDS),
    ]


def asked_to_type(prompt="callback_number_type") -> list:
    return [Play(prompt, "en"), Collect(FIRST_DIGIT_SECONDS)]


def test_it_offers_the_number_called_from_or_another():
    session = entry()
    assert session.start() == [Play("callback_number_choice", "en"), Collect(CHOICE_SECONDS)]
    assert session.digit("1") == [Chosen(OWN, typed=False)]


@pytest.mark.parametrize("own", ["anonymous", "", "Anonymous", "12"])
def test_a_withheld_number_goes_straight_to_typing(own):
    assert withheld(own)
    assert entry(own).start() == asked_to_type("callback_number_withheld")


def test_a_typed_number_is_read_back_and_confirmed():
    session = entry()
    session.start()
    assert session.digit("2") == asked_to_type()
    assert session.digit("3") == [Collect(5.0)]
    assert type_keys(session, "471234567#") == read_back("3471234567")
    assert session.digit("1") == [Chosen("+393471234567", typed=True)]


def test_a_pause_ends_the_number_after_the_configured_seconds():
    session = entry(digit_seconds=2.5)
    session.start()
    session.digit("2")
    assert type_keys(session, "0612345678") == [Collect(2.5)]
    assert session.timeout() == read_back("0612345678")
    assert session.digit("1") == [Chosen("+390612345678", typed=True)]


def test_two_retypes_the_number_and_counts_as_a_try():
    session = entry()
    session.start()
    session.digit("2")
    type_keys(session, "3471234567#")
    assert session.digit("2") == asked_to_type()
    assert type_keys(session, "3479876543#") == read_back("3479876543")
    assert session.digit("1") == [Chosen("+393479876543", typed=True)]
    assert session.mistakes == 1


def test_a_bad_number_is_announced_and_the_caller_types_again():
    session = entry("anonymous")
    session.start()
    assert type_keys(session, "123#") == [
        Play("callback_number_invalid", "en"),
        *asked_to_type(),
    ]
    assert type_keys(session, "3471234567#") == read_back("3471234567")
    assert session.digit("1") == [Chosen("+393471234567", typed=True)]


def test_after_three_tries_the_caller_gives_up_and_nothing_is_chosen():
    session = entry("anonymous")
    session.start()
    type_keys(session, "123#")
    assert session.timeout() == [*asked_to_type()]  # silence: a second try
    assert type_keys(session, "899123456#") == [
        Play("callback_number_invalid", "en"),
        CANCELLED,
        GiveUp(),
    ]
    assert session.digit("1") == []  # over: later keys change nothing


def test_a_wrong_key_repeats_the_choice_then_gives_up():
    session = entry()
    session.start()
    choice = [Play("callback_number_choice", "en"), Collect(CHOICE_SECONDS)]
    assert session.digit("7") == [Play("invalid_choice", "en"), *choice]
    assert session.timeout() == choice
    assert session.digit("9") == [Play("invalid_choice", "en"), CANCELLED, GiveUp()]


def test_a_wrong_key_or_silence_at_the_read_back_reads_it_again():
    session = entry()
    session.start()
    session.digit("2")
    type_keys(session, "3471234567#")
    assert session.digit("5") == [Play("invalid_choice", "en"), *read_back("3471234567")]
    assert session.timeout() == read_back("3471234567")
    assert session.digit("1") == [Chosen("+393471234567", typed=True)]


def test_star_starts_the_number_again():
    session = entry()
    session.start()
    session.digit("2")
    type_keys(session, "347*")
    assert type_keys(session, "0612345678#") == read_back("0612345678")


def test_hash_alone_is_no_number():
    session = entry("anonymous")
    session.start()
    assert session.digit("#") == asked_to_type()
    assert session.mistakes == 1


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("3471234567", "+393471234567"),  # mobile
        ("0612345678", "+390612345678"),  # fixed line
        ("00393471234567", "+393471234567"),  # with the international prefix
        ("123", None),
        ("800123456", None),  # toll free
        ("899123456", None),  # premium rate
        ("0033612345678", None),  # abroad
    ],
)
def test_only_national_lines_a_person_answers_are_dialable(typed, e164):
    assert dialable(typed) == e164

import datetime

from django.utils import translation

from sportello.switchboard import hours, ivr
from sportello.switchboard.ivr import Collect, EnterQueue, Hangup, IvrSession, LeaveVoicemail, Play


def test_the_default_flow_is_valid():
    assert ivr.validate(ivr.DEFAULT_FLOW) == []


def test_it_explains_what_is_wrong_with_a_flow():
    bad = {
        "start": "x",
        "nodes": {
            "a": {"type": "menu", "prompt": "m", "options": {"12": "nowhere"}},
            "b": {"type": "teleport"},
            "c": {"type": "queue"},
        },
    }
    with translation.override("en"):  # the messages are checked in English
        errors = ivr.validate(bad)
    assert any("start step" in e for e in errors)
    assert any("'nowhere'" in e for e in errors)
    assert any("unknown type" in e for e in errors)
    assert any("needs a service" in e for e in errors)
    assert ivr.validate("not a dict")


def test_a_caller_picks_a_language_and_a_service():
    session = IvrSession(ivr.DEFAULT_FLOW, is_open=True)
    assert session.start() == [Play("choose_language", "multi"), Collect(5.0)]
    assert session.digit("2") == [Play("main_menu", "fr"), Collect(5.0)]
    assert session.digit("3") == [EnterQueue("helpdesk", "fr")]
    assert session.path == ["hours", "lang", "menu", "helpdesk"]


def test_a_wrong_key_repeats_the_menu_then_falls_back():
    session = IvrSession(ivr.DEFAULT_FLOW, is_open=True)
    session.start()
    session.timeout()  # no language chosen: Italian
    assert session.digit("7") == [
        Play("invalid_choice", "it"),
        Play("main_menu", "it"),
        Collect(5.0),
    ]
    session.timeout()
    assert session.timeout() == [EnterQueue("jobs", "it")]


def test_outside_hours_the_caller_leaves_a_voicemail():
    session = IvrSession(ivr.DEFAULT_FLOW, is_open=False)
    assert session.start() == [Play("closed", "it")]
    assert session.prompt_ended() == [LeaveVoicemail("jobs", "it")]


def test_a_play_step_without_next_hangs_up():
    flow = {"start": "p", "nodes": {"p": {"type": "play", "prompt": "goodbye"}}}
    session = IvrSession(flow, is_open=True)
    session.start()
    assert session.prompt_ended() == [Hangup("flow_end")]


def test_easter_monday_and_fixed_holidays():
    days = dict(hours.national_holidays(2026))
    assert datetime.date(2026, 4, 6) in days  # Easter Sunday 2026 is 5 April
    assert datetime.date(2026, 6, 2) in days
    assert hours.easter_sunday(2027) == datetime.date(2027, 3, 28)


def test_opening_hours_in_rome_time():
    windows = [hours.Window(0, datetime.time(8, 30), datetime.time(17, 0))]
    monday_9_rome = datetime.datetime(2026, 11, 23, 8, 0, tzinfo=datetime.UTC)  # 09:00 in Rome
    assert hours.is_open(monday_9_rome, windows, set())
    assert not hours.is_open(monday_9_rome, windows, {datetime.date(2026, 11, 23)})
    assert not hours.is_open(monday_9_rome + datetime.timedelta(hours=9), windows, set())

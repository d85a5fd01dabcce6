"""Outside hours the helpline caller presses 1 and gets a call-back appointment with a mediator."""

import datetime

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from sportello.helpdesk.models import Booking
from sportello.switchboard.hours import ROME
from sportello.switchboard.models import Call, IvrFlow, OpeningHours
from tests.helpdesk import twilio_server
from tests.helpdesk.factories import PlaceFactory, make_mediator
from tests.switchboard.engine import engine_fixtures
from tests.switchboard.engine.conftest import make_switchboard
from tests.switchboard.engine.engine_fixtures import media_args, reload, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
engine, sipp = engine_fixtures.engine, engine_fixtures.sipp

CALLER = "+393331234567"  # the From user of trunk_callback_request.xml, in E.164
CLOSED_HELPLINE = {
    "start": "hours",
    "nodes": {
        "hours": {"type": "hours", "open": "jobs", "closed": "closed_menu"},
        "jobs": {"type": "queue", "skill": "jobs"},
        "closed_menu": {
            "type": "menu",
            "prompt": "helpline_closed_menu",
            "options": {"1": "book"},
            "fallback": "bye",
            "timeout": 10,
        },
        "book": {"type": "book_appointment", "need": "spid", "next": "bye", "failed": "bye"},
        "bye": {"type": "hangup"},
    },
}


def closed_today() -> None:
    other_day = (timezone.now().astimezone(ROME).weekday() + 3) % 7
    OpeningHours.objects.create(
        flow=IvrFlow.objects.get(), weekday=other_day, opens=datetime.time(9),
        closes=datetime.time(10),
    )  # fmt: skip


def prompts_played(engine) -> list[str]:
    played, resolve = [], engine.settings.prompt_resolver

    def resolver(key, language):
        played.append(key)
        return resolve(key, language)

    engine.settings.prompt_resolver = resolver
    return played


gateway = twilio_server.gateway


@pytest.fixture
async def closed(engine):
    await sync_to_async(make_switchboard)(flow=CLOSED_HELPLINE)
    await sync_to_async(closed_today)()
    await reload(engine)


def mediator_speaking(*languages):
    return make_mediator(PlaceFactory(), languages=languages)


async def call_and_press_1(sipp):
    code, log = await sipp.run("trunk_callback_request.xml", *media_args())
    assert code == 0, log  # the engine hung up after the announcement, and SIPp saw the BYE


async def ended_call():
    await wait_until(lambda: Call.objects.filter(ended_at__isnull=False).exists())
    return await sync_to_async(Call.objects.get)()


async def test_the_caller_books_a_call_back_appointment(engine, sipp, closed, gateway):
    mediator = await sync_to_async(mediator_speaking)("it")
    played = prompts_played(engine)

    await call_and_press_1(sipp)

    made = await sync_to_async(Booking.objects.get)()
    assert made.phone == CALLER and made.channel == "phone" and made.language == "it"
    assert made.need == "spid" and made.mediator_id == mediator.pk
    assert "appointment_booked" in played and "appointment_failed" not in played
    assert played.index("helpline_closed_menu") < played.index("appointment_booked")
    call = await ended_call()
    assert call.ivr_path == ["hours", "closed_menu", "book"]
    assert call.end_reason != Call.EndReason.FAILED
    assert [m["To"] for m in gateway.received] == [CALLER]  # the SMS confirmation


async def test_with_no_mediator_free_nothing_is_booked_and_the_caller_is_told(
    engine, sipp, closed, gateway
):
    await sync_to_async(mediator_speaking)("fr")  # nobody speaks the caller's Italian
    played = prompts_played(engine)

    await call_and_press_1(sipp)

    assert not await sync_to_async(Booking.objects.exists)()
    assert "appointment_failed" in played and "appointment_booked" not in played
    call = await ended_call()
    assert call.end_reason != Call.EndReason.FAILED
    assert gateway.received == []

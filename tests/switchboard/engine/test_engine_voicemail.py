"""Outside opening hours the caller hears the closed prompt and leaves a voicemail."""

import datetime
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.core import mail
from django.utils import timezone

from sportello.switchboard.engine.media.pcap_audio import rms
from sportello.switchboard.hours import ROME
from sportello.switchboard.models import Call, IvrFlow, OpeningHours, Voicemail
from tests.switchboard.engine import engine_fixtures
from tests.switchboard.engine.conftest import make_switchboard
from tests.switchboard.engine.engine_fixtures import media_args, reload, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
engine, sipp = engine_fixtures.engine, engine_fixtures.sipp

CLOSED_FLOW = {
    "start": "hours",
    "nodes": {
        "hours": {"type": "hours", "open": "jobs", "closed": "closed"},
        "closed": {"type": "play", "prompt": "closed", "next": "voicemail"},
        "voicemail": {"type": "voicemail", "skill": "jobs"},
        "jobs": {"type": "queue", "skill": "jobs"},
    },
}


def closed_today() -> None:
    """Open only on another weekday, so now is outside every window."""
    other_day = (timezone.now().astimezone(ROME).weekday() + 3) % 7
    flow = IvrFlow.objects.get()
    OpeningHours.objects.create(
        flow=flow, weekday=other_day, opens=datetime.time(9), closes=datetime.time(10)
    )


@pytest.fixture
async def closed(engine):
    setup = await sync_to_async(make_switchboard)(flow=CLOSED_FLOW, mailbox_email="jobs@test.it")
    await sync_to_async(closed_today)()
    await reload(engine)
    return setup


async def test_a_caller_outside_hours_leaves_a_voicemail_that_is_mailed(engine, sipp, closed):
    code, log = await sipp.run("trunk_talker.xml", *media_args("-d", "14000"))
    assert code == 0, log

    await wait_until(lambda: Voicemail.objects.exists())
    message = await sync_to_async(Voicemail.objects.select_related("call").get)()
    assert message.queue_id == closed.queue.id
    assert message.call.ivr_path == ["hours", "closed", "voicemail"]
    assert message.call.end_reason == Call.EndReason.CALLER_HANGUP
    assert rms(Path(message.file)) > 0.05  # the caller's tone, not silence

    await wait_until(lambda: Voicemail.objects.get().delivered_at is not None)
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["jobs@test.it"]
    name, content, mimetype = sent.attachments[0]
    assert mimetype == "audio/wav" and content[:4] == b"RIFF"
    assert not list(Path(message.file).parent.parent.glob("pcaps/*.pcap"))

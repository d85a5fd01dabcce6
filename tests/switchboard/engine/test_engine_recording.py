"""Queues that record calls: consent prompt, rtpengine pcap, a WAV and a Recording row."""

import datetime
from pathlib import Path

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from sportello.switchboard.engine.media.pcap_audio import rms
from sportello.switchboard.models import Call, Recording
from tests.switchboard.engine import engine_fixtures
from tests.switchboard.engine.conftest import free_port, make_switchboard
from tests.switchboard.engine.engine_fixtures import media_args, media_port, reload, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]
engine, sipp = engine_fixtures.engine, engine_fixtures.sipp


async def answered_call(engine, sipp, *, record_calls: bool) -> Call:
    await sync_to_async(make_switchboard)(record_calls=record_calls, recording_retention_days=7)
    await reload(engine)
    agent_port = free_port()
    await sipp.register("agent1", agent_port)
    phone = sipp.answer("agent_answer.xml", agent_port, media_port())
    code, log = await sipp.run("trunk_caller_patient.xml", *media_args("-d", "4000"))
    assert code == 0, log
    assert (await phone)[0] == 0
    call = await sync_to_async(Call.objects.get)()
    await wait_until(lambda: Call.objects.get(pk=call.pk).ended_at is not None)
    return await sync_to_async(Call.objects.get)(pk=call.pk)


async def test_a_recorded_queue_keeps_a_wav_of_the_conversation(engine, sipp):
    call = await answered_call(engine, sipp, record_calls=True)
    assert call.answered_at is not None
    await wait_until(lambda: Recording.objects.exists())
    recording = await sync_to_async(Recording.objects.get)()
    assert recording.call_id == call.id
    assert rms(Path(recording.file)) > 0.05
    expected = timezone.now() + datetime.timedelta(days=7)
    assert abs((recording.delete_after - expected).total_seconds()) < 120
    assert recording.deleted_at is None


async def test_a_queue_that_does_not_record_keeps_nothing(engine, sipp):
    call = await answered_call(engine, sipp, record_calls=False)
    assert call.answered_at is not None
    recordings = Path(engine.settings.recording_dir)
    assert not await sync_to_async(Recording.objects.exists)()
    assert not list(recordings.glob("pcaps/*")) and not list(recordings.glob("call/*"))

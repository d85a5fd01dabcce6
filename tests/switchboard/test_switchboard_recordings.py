"""Call recordings: retention purge, and listening only with the right role (audited)."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from sportello.switchboard.engine.media.pcap_audio import DECODERS, PCMA, PCMU
from sportello.switchboard.models import Call, Recording
from tests.factories import login_staff, make_staff

pytestmark = pytest.mark.django_db


def make_recording(tmp_path, name: str, days: int) -> Recording:
    path = tmp_path / f"{name}.wav"
    path.write_bytes(b"RIFF....WAVEfmt ")
    call = Call.objects.create(
        sip_call_id=name, caller_number="3331234567", called_number="800123456",
        started_at=timezone.now(),
    )  # fmt: skip
    return Recording.objects.create(
        call=call, file=str(path), delete_after=timezone.now() + datetime.timedelta(days=days)
    )


def test_purge_deletes_expired_recordings_and_keeps_the_rest(tmp_path):
    expired = make_recording(tmp_path, "old", days=-1)
    kept = make_recording(tmp_path, "new", days=5)
    call_command("purge_recordings")
    expired.refresh_from_db()
    kept.refresh_from_db()
    assert expired.deleted_at is not None and not (tmp_path / "old.wav").exists()
    assert kept.deleted_at is None and (tmp_path / "new.wav").exists()


def test_an_agent_may_not_listen_to_a_recording(client, tmp_path):
    recording = make_recording(tmp_path, "call", days=5)
    login_staff(client, make_staff(Role.AGENT))
    response = client.get(reverse("switchboard:recording_audio", args=[recording.pk]))
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="switchboard.recording_listened").exists()


def test_a_supervisor_listens_and_the_listen_is_audited(client, tmp_path):
    recording = make_recording(tmp_path, "call", days=5)
    supervisor = make_staff(Role.SUPERVISOR)
    login_staff(client, supervisor)
    response = client.get(reverse("switchboard:recording_audio", args=[recording.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/wav"
    assert b"".join(response.streaming_content).startswith(b"RIFF")
    event = AuditEvent.objects.get(action="switchboard.recording_listened")
    assert event.actor == supervisor and event.object_id == str(recording.pk)


def test_a_purged_recording_is_gone_for_everyone(client, tmp_path):
    recording = make_recording(tmp_path, "call", days=-1)
    call_command("purge_recordings")
    login_staff(client, make_staff(Role.ADMINISTRATOR))
    response = client.get(reverse("switchboard:recording_audio", args=[recording.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("payload_type", "byte", "sample"),
    [(PCMA, 0xD5, 8), (PCMA, 0x55, -8), (PCMU, 0xFF, 0), (PCMU, 0x00, -32124), (PCMU, 0x80, 32124)],
)
def test_g711_decoding_matches_the_standard(payload_type, byte, sample):
    assert DECODERS[payload_type][byte] == sample

import json

import pytest

from sportello.accounts.roles import Role
from sportello.switchboard import setup
from sportello.switchboard.models import IvrFlow, Queue, Trunk
from tests.factories import login_staff, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    login_staff(client, make_staff(Role.ADMINISTRATOR))
    return client


def test_the_default_configuration_has_a_queue_per_service_and_language():
    setup.ensure_default_configuration()
    setup.ensure_default_configuration()  # idempotent
    assert Queue.objects.count() == 15
    assert Queue.objects.filter(code="helpdesk-fr", language="fr").exists()
    assert IvrFlow.objects.get(name="Default").current_version().number == 1


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMINISTRATOR])
def test_only_administrators_configure_the_switchboard(client, role):
    login_staff(client, make_staff(role))
    assert client.get("/en/switchboard/config/queues/").status_code == 403


def test_a_trunk_with_a_bad_source_address_is_refused(admin_client):
    response = admin_client.post(
        "/en/switchboard/config/trunks/new/",
        {
            "name": "Carrier",
            "host": "sip.example.org",
            "port": 5060,
            "transport": "udp",
            "allowed_sources": "192.0.2.10\nnot-an-ip",
            "active": "on",
        },
    )
    assert response.status_code == 200
    assert "is not an IP address or network" in response.content.decode()
    assert not Trunk.objects.exists()


def test_a_valid_trunk_is_saved(admin_client):
    admin_client.post(
        "/en/switchboard/config/trunks/new/",
        {
            "name": "Carrier",
            "host": "sip.example.org",
            "port": 5060,
            "transport": "udp",
            "allowed_sources": "192.0.2.0/24",
            "active": "on",
        },
    )
    assert Trunk.objects.get().source_networks() == ["192.0.2.0/24"]


def test_a_new_flow_version_applies_to_new_calls_only(admin_client):
    flow = setup.ensure_default_configuration()
    definition = {"start": "q", "nodes": {"q": {"type": "queue", "skill": "jobs"}}}
    response = admin_client.post(
        f"/en/switchboard/config/flows/{flow.pk}/versions/",
        {"name": flow.name, "definition": json.dumps(definition)},
    )
    assert response.status_code == 302
    assert flow.current_version().number == 2
    assert flow.versions.get(number=1).definition["start"] == "hours"  # old version kept


@pytest.mark.parametrize("text", ["{not json", json.dumps({"start": "x", "nodes": {}})])
def test_a_broken_flow_is_refused_and_nothing_changes(admin_client, text):
    flow = setup.ensure_default_configuration()
    response = admin_client.post(
        f"/en/switchboard/config/flows/{flow.pk}/versions/", {"name": flow.name, "definition": text}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert flow.versions.count() == 1


@pytest.mark.slow
def test_an_uploaded_recording_is_converted(admin_client, tmp_path, settings):
    import subprocess

    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    mp3 = tmp_path / "hello.mp3"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "sine=frequency=440:duration=1", str(mp3)],
        check=True,
    )
    upload = SimpleUploadedFile("hello.mp3", mp3.read_bytes(), content_type="audio/mpeg")
    response = admin_client.post(
        "/en/switchboard/config/prompts/", {"key": "welcome", "language": "it", "audio": upload}
    )
    assert response.status_code == 302
    assert (tmp_path / "prompts" / "it" / "welcome.wav").exists()


def test_a_text_file_is_not_a_recording(admin_client, tmp_path, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("notes.mp3", b"this is not audio", content_type="audio/mpeg")
    response = admin_client.post(
        "/en/switchboard/config/prompts/", {"key": "welcome", "language": "it", "audio": upload}
    )
    assert response.status_code == 200
    assert "is not a sound we can use" in response.content.decode()


@pytest.mark.parametrize(("target", "saved"), [("0", False), ("101", False), ("90", True)])
def test_a_queue_service_level_target_is_a_percentage(admin_client, target, saved):
    from django.forms.models import model_to_dict

    from sportello.switchboard.forms import QueueForm

    setup.ensure_default_configuration()
    queue = Queue.objects.get(code="helpdesk-fr")
    data = {
        k: v for k, v in model_to_dict(queue, fields=QueueForm.Meta.fields).items() if v is not None
    }
    data["record_calls"] = "on" if queue.record_calls else ""
    data["service_level_target"] = target
    response = admin_client.post(f"/en/switchboard/config/queues/{queue.pk}/", data)
    queue.refresh_from_db()
    assert (queue.service_level_target == int(target)) is saved
    if not saved:
        assert response.status_code == 200
        assert "Ensure this value is" in response.content.decode()

"""Attachments: sniffed type, capped size, stored outside the web root, served with checks."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from sportello.accounts.roles import Role
from sportello.audit.models import AuditEvent
from sportello.hiring.models import Application, Attachment
from tests.factories import CitizenFactory, OfficeFactory, login_staff, make_staff
from tests.hiring.factories import make_call
from tests.hiring.test_hiring_apply import form_data

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def citizen(client):
    user = CitizenFactory()
    client.force_login(user)
    return user


def post(client, call, citizen, upload):
    data = form_data(call, citizen, attachment=upload)
    return client.post(f"/en/calls/{call.pk}/apply/", data)


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [("isee.pdf", PDF, "application/pdf"), ("id.jpg", JPEG, "image/jpeg")],
)
def test_a_pdf_or_jpeg_is_stored_and_served_to_its_owner(
    client, citizen, media, name, content, mime
):
    call = make_call()
    post(client, call, citizen, SimpleUploadedFile(name, content, "application/octet-stream"))
    item = Attachment.objects.get()
    assert (item.content_type, item.original_name, item.size) == (mime, name, len(content))
    assert str(media) in item.file.path
    response = client.get(f"/en/calls/attachments/{item.pk}/")
    assert b"".join(response.streaming_content) == content
    assert AuditEvent.objects.filter(action="hiring.attachment_viewed", actor=citizen).exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf at all", "application/pdf"),
        SimpleUploadedFile("page.pdf", b"<html><script>x</script></html>", "application/pdf"),
        SimpleUploadedFile("image.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, "image/png"),
    ],
)
def test_malformed_attachments_are_refused_and_nothing_changes(client, citizen, upload):
    call = make_call()
    response = post(client, call, citizen, upload)
    assert "Only PDF or JPEG files are accepted." in response.content.decode()
    assert not Application.objects.exists() and not Attachment.objects.exists()


def test_oversized_attachments_are_refused(client, citizen, settings):
    settings.HIRING_ATTACHMENT_MAX_BYTES = 1024
    call = make_call()
    response = post(client, call, citizen, SimpleUploadedFile("big.pdf", PDF + b"0" * 2048))
    assert "The file is too big" in response.content.decode()
    assert not Application.objects.exists()


def test_others_cannot_download_but_office_staff_in_scope_can(client, citizen):
    call = make_call()
    post(client, call, citizen, SimpleUploadedFile("isee.pdf", PDF))
    item = Attachment.objects.get()
    url = f"/en/calls/attachments/{item.pk}/"
    client.force_login(CitizenFactory())
    assert client.get(url).status_code == 404
    login_staff(client, make_staff(Role.OPERATOR, office=OfficeFactory()))
    assert client.get(url).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied").count() == 2
    operator = make_staff(Role.OPERATOR, office=call.office)
    login_staff(client, operator, verified=False)
    assert client.get(url).status_code == 404  # second factor first
    login_staff(client, operator)
    assert client.get(url).status_code == 200
    assert AuditEvent.objects.filter(action="hiring.attachment_viewed", actor=operator).exists()

"""The citizen applies: drafts, submission, receipt, idempotency, corrections, withdrawal."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from sportello.audit.models import AuditEvent
from sportello.helpdesk.models import Tutorial
from sportello.hiring.forms.application import new_key
from sportello.hiring.models import Application, ApplicationRevision
from tests.factories import CitizenFactory
from tests.hiring.factories import make_call

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def form_data(call, citizen, action="submit", **overrides):
    data = {
        "submit_key": new_key(call, citizen),
        "birth_date": "1980-05-01",
        "isee_value": "12000",
        "isee_year": str(YEAR),
        "did_date": "2020-01-01",
        "declaration": "on",
        "action": action,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def citizen(client):
    user = CitizenFactory(language="fr")
    client.force_login(user)
    return user


def url(call, name="apply"):
    return f"/en/calls/{call.pk}/{name}/"


def test_it_asks_only_what_the_rule_set_needs(client, citizen):
    call = make_call()
    body = client.get(url(call)).content.decode()
    assert 'name="isee_value"' in body and 'name="did_date"' in body
    assert 'name="french_test"' not in body and 'name="dependants"' not in body
    vda = make_call(rules="valle-d-aosta")
    body = client.get(url(vda)).content.decode()
    assert 'name="french_test"' in body and 'name="centre_1"' in body
    assert 'name="employment_status"' in body


def test_the_form_and_my_applications_link_their_video_guides(client, citizen):
    for slug, page in [("apply", "hiring:apply"), ("follow", "hiring:my_applications")]:
        Tutorial.objects.create(
            slug=slug, title=f"Guide {slug}", need="jobs", explains=page, status="ready"
        )
    assert 'href="/en/help/tutorials/apply/"' in client.get(url(make_call())).content.decode()
    mine = client.get("/en/calls/mine/").content.decode()
    assert 'href="/en/help/tutorials/follow/"' in mine and "/tutorials/apply/" not in mine


def test_it_submits_with_a_protocol_and_mails_a_pdf_receipt(client, citizen, committed):
    call = make_call()
    with committed():
        response = client.post(url(call), form_data(call, citizen))
    app = Application.objects.get(citizen=citizen)
    assert response.status_code == 303 and response.url == f"/en/calls/applications/{app.pk}/"
    assert app.status == "submitted"
    assert re.fullmatch(rf"{YEAR}/\d{{6}}", app.protocol)
    assert app.data["isee_value"] == "12000.00"
    (sent,) = mail.outbox
    assert app.protocol in sent.subject
    assert sent.to == [citizen.email]
    name, pdf, mime = sent.attachments[0]
    assert mime == "application/pdf" and pdf.startswith(b"%PDF")
    receipt = client.get(f"/en/calls/applications/{app.pk}/receipt.pdf")
    assert receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    revision = app.revisions.get()
    assert revision.sha256.encode() in receipt.content


def test_a_double_submit_gives_one_application_and_one_receipt(client, citizen, committed):
    call = make_call()
    data = form_data(call, citizen)
    with committed():
        first = client.post(url(call), data)
    with committed():
        second = client.post(url(call), data)
    assert first.url == second.url
    assert ApplicationRevision.objects.count() == 1
    assert len(mail.outbox) == 1


def test_a_correction_is_a_new_version_with_a_new_time(client, citizen):
    call = make_call()
    client.post(url(call), form_data(call, citizen))
    client.post(url(call), form_data(call, citizen, isee_value="9000"))
    app = Application.objects.get(citizen=citizen)
    first, second = app.revisions.all()
    assert (first.number, second.number) == (1, 2)
    assert second.submitted_at > first.submitted_at
    assert app.data["isee_value"] == "9000.00"
    assert len({r.sha256 for r in app.revisions.all()}) == 2
    assert Application.objects.filter(protocol=app.protocol).count() == 1


def test_a_draft_is_saved_without_protocol_or_receipt(client, citizen):
    call = make_call()
    client.post(url(call), form_data(call, citizen, action="draft", declaration=None))
    app = Application.objects.get(citizen=citizen)
    assert (app.status, app.protocol, len(mail.outbox)) == ("draft", "", 0)
    body = client.get(url(call)).content.decode()
    assert 'value="12000' in body  # the draft comes back into the form


def test_submitting_needs_the_dpr_445_declaration(client, citizen):
    call = make_call()
    response = client.post(url(call), form_data(call, citizen, declaration=None))
    assert response.status_code == 200
    assert "Tick the declaration" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize("state", ["closed", "upcoming"])
def test_outside_the_window_nothing_is_accepted(client, citizen, state):
    call = make_call(state=state)
    response = client.post(url(call), form_data(call, citizen))
    assert response.status_code == 409
    assert 'role="alert"' in response.content.decode()
    assert not Application.objects.exists()


def test_after_the_window_a_clear_message_replaces_correct_and_withdraw(client, citizen):
    call = make_call()
    client.post(url(call), form_data(call, citizen))
    call.closes_at = timezone.now() - timedelta(minutes=1)
    call.save()
    app = Application.objects.get()
    page = client.get(f"/en/calls/applications/{app.pk}/").content.decode()
    assert "can no longer be changed" in page and "Withdraw" not in page
    client.post(f"/en/calls/applications/{app.pk}/withdraw/")
    app.refresh_from_db()
    assert app.status == "submitted"


def test_a_citizen_withdraws_while_the_window_is_open(client, citizen, committed):
    call = make_call()
    with committed():
        client.post(url(call), form_data(call, citizen))
    app = Application.objects.get()
    with committed():
        client.post(f"/en/calls/applications/{app.pk}/withdraw/")
    app.refresh_from_db()
    assert app.status == "withdrawn"
    assert len(mail.outbox) == 2


def test_a_tampered_key_is_refused_and_changes_nothing(client, citizen):
    call = make_call()
    other = CitizenFactory()
    for key in ["forged", new_key(call, other), new_key(make_call(), citizen)]:
        response = client.post(url(call), form_data(call, citizen, submit_key=key))
        assert "The form was altered" in response.content.decode()
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("isee_value", "-1", "The ISEE cannot be negative."),
        ("isee_value", "9999999", "This ISEE value is not plausible"),
        ("birth_date", "2990-01-01", "Check the birth date."),
        ("did_date", "not a date", "Enter a valid date."),
    ],
)
def test_bad_values_get_a_clear_message(client, citizen, field, value, message):
    call = make_call()
    response = client.post(url(call), form_data(call, citizen, **{field: value}))
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()
    assert not Application.objects.exists()


def test_a_date_typed_in_the_language_s_order_is_read_as_iso_is(client, citizen):
    """A browser without a date picker shows a text box: people type dates their own way."""
    call = make_call()
    data = form_data(call, citizen, birth_date="01/05/1980", did_date="2020-01-02")
    assert client.post(f"/it/calls/{call.pk}/apply/", data).status_code == 303
    app = Application.objects.get()
    assert (app.data["birth_date"], app.data["did_date"]) == ("1980-05-01", "2020-01-02")


def test_a_citizen_sending_forms_too_fast_is_stopped_and_nothing_changes(
    client, citizen, rate_window_held
):
    call = make_call()
    for _ in range(20):  # RATELIMIT_APPLICATION: 20 a minute
        data = form_data(call, citizen, action="save", isee_value="12000")
        assert client.post(url(call), data).status_code == 303
    data = form_data(call, citizen, action="save", isee_value="9000")
    response = client.post(url(call), data)
    assert response.status_code == 429
    assert "Please wait a few minutes" in response.content.decode()
    assert Application.objects.get().data["isee_value"] == "12000.00"


def test_dependants_must_be_a_number(client, citizen):
    call = make_call(rules="campania")
    data = form_data(call, citizen, dependants="two", dependants_disabled="0")
    response = client.post(url(call), data)
    assert "Write the number of dependants in figures" in response.content.decode()
    data = form_data(call, citizen, dependants="1", dependants_disabled="2")
    assert "cannot be more than the dependants" in client.post(url(call), data).content.decode()
    assert not Application.objects.exists()


def test_the_message_is_translated(client, citizen):
    call = make_call()
    response = client.post(
        f"/it/calls/{call.pk}/apply/", form_data(call, citizen, birth_date="2990-01-01")
    )
    assert 'lang="it"' in response.content.decode()
    assert response.status_code == 200


def test_another_citizens_application_is_a_404_and_is_audited(client, citizen):
    call = make_call()
    other = CitizenFactory()
    client.force_login(other)
    client.post(url(call), form_data(call, other))
    app = Application.objects.get(citizen=other)
    client.force_login(citizen)
    for suffix in ["", "receipt.pdf", "appeal/"]:
        assert client.get(f"/en/calls/applications/{app.pk}/{suffix}").status_code == 404
    assert client.post(f"/en/calls/applications/{app.pk}/withdraw/").status_code == 404
    denied = AuditEvent.objects.filter(action="access.denied", actor=citizen)
    assert denied.count() == 4
    app.refresh_from_db()
    assert app.status == "submitted"


def test_anonymous_visitors_are_sent_to_log_in(client):
    call = make_call()
    response = client.get(url(call))
    assert response.status_code == 302 and "/login/" in response.url


def test_my_applications_lists_only_mine(client, citizen):
    call = make_call(title="Bando mio")
    client.post(url(call), form_data(call, citizen))
    make_call(title="Bando altrui")
    page = client.get("/it/calls/mine/").content.decode()
    assert "Bando mio" in page and "Bando altrui" not in page

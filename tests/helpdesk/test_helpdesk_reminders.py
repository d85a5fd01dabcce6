"""Reminders by e-mail and SMS, sent by the worker, retried on failure, visible when failing."""

from datetime import timedelta

import pytest
from django.core.management import call_command

from sportello.accounts.roles import Role
from sportello.helpdesk import booking, notify, reminders, sms
from sportello.helpdesk.models import Reminder
from sportello.helpdesk.sms.twilio import TwilioTransport
from tests.factories import login_staff, make_staff
from tests.helpdesk import twilio_server
from tests.helpdesk.factories import at, key

pytestmark = pytest.mark.django_db


gateway = twilio_server.gateway


@pytest.fixture
def made(mediator, place, day, mailbox, gateway):
    request = booking.Request("spid", "fr", "in_person", place.pk)
    mediator.languages = ["it", "fr"]
    mediator.save()
    contact = booking.Contact("Claire Martin", "+393331234567", "claire@example.org")
    return booking.book(request, key(day, 9, place=place), contact)


def test_the_transport_speaks_twilios_messages_api(gateway, settings):
    result = sms.send("+393331234567", "Ciao")
    assert result.provider_id.startswith("SM") and result.status == "queued"
    assert gateway.received == [{"To": "+393331234567", "From": "+15005550006", "Body": "Ciao"}]


def test_the_transport_reports_the_providers_error(gateway):
    with pytest.raises(sms.SmsError, match="21211"):
        sms.send("3331234567", "Ciao")


def test_wrong_credentials_are_an_error():
    gateway, server = twilio_server.start()
    try:
        transport = TwilioTransport(gateway.url, twilio_server.ACCOUNT, "wrong", "+1500")
        with pytest.raises(sms.SmsError, match="401"):
            transport.send("+393331234567", "x")
    finally:
        server.shutdown()
        server.server_close()


def test_an_unreachable_gateway_is_an_error():
    transport = TwilioTransport("http://127.0.0.1:9", "AC1", "t", "+1500")
    with pytest.raises(sms.SmsError, match="unreachable"):
        transport.send("+393331234567", "x")


def test_email_and_sms_reminders_go_out_when_due_in_the_citizens_language(
    made, day, gateway, mailbox
):
    assert made.reminders.count() == 4
    assert reminders.send_due(now=at(day, 6)) == {"sent": 2, "retry": 0, "failed": 0, "dropped": 0}
    assert len(gateway.received) == 1
    assert gateway.received[0]["To"] == "+393331234567"
    assert gateway.received[0]["Body"] == notify.reminder_sms(made)  # in French
    assert mailbox[-1].to == ["claire@example.org"]
    assert reminders.send_due(now=at(day, 8)) == {"sent": 2, "retry": 0, "failed": 0, "dropped": 0}
    assert set(made.reminders.values_list("status", flat=True)) == {"sent"}
    assert all(r.provider_id.startswith("SM") for r in made.reminders.filter(kind="sms"))


def test_a_failing_gateway_is_retried_later_then_marked_failed(made, day, gateway, client):
    gateway.fail_with = 503
    now = at(day, 7, 30)
    reminders.send_due(now=now)
    sms_reminder = made.reminders.get(kind="sms", hours_before=24)
    assert sms_reminder.status == "pending" and sms_reminder.attempts == 1
    assert sms_reminder.next_attempt_at == now + timedelta(minutes=5)
    assert "503" in sms_reminder.last_error
    assert reminders.send_due(now=now + timedelta(minutes=1))["retry"] == 0  # not yet due again
    for minutes in (5, 15, 35, 75):
        reminders.send_due(now=now + timedelta(minutes=minutes))
    sms_reminder.refresh_from_db()
    assert sms_reminder.status == "failed" and sms_reminder.attempts == reminders.MAX_ATTEMPTS

    login_staff(client, make_staff(Role.COORDINATOR))
    page = client.get("/en/help/staff/reminders/")
    assert b"Queue overflow" in page.content and b"Failed" in page.content


def test_a_reminder_that_failed_once_is_sent_on_retry(made, day, gateway):
    gateway.fail_with = 500
    now = at(day, 7, 30)
    assert reminders.send_due(now=now)["retry"] == 2
    gateway.fail_with = None
    assert reminders.send_due(now=now + timedelta(minutes=5))["sent"] == 2
    sms_reminder = made.reminders.get(kind="sms", hours_before=24)
    assert sms_reminder.status == "sent" and sms_reminder.attempts == 2
    assert sms_reminder.last_error == ""


def test_reminders_of_a_cancelled_booking_are_not_sent(made, day, gateway, mailbox):
    booking.cancel(made)
    sent_before = len(mailbox)
    assert reminders.send_due(now=at(day, 8))["sent"] == 0
    assert len(mailbox) == sent_before and gateway.received == []


def test_the_command_runs_the_send_due_reminders_task(made, day, gateway, capsys, mailbox):
    Reminder.objects.update(next_attempt_at=at(day, 0) - timedelta(days=3))
    call_command("send_reminders")
    assert "'sent': 4" in capsys.readouterr().out
    assert len(gateway.received) == 2


def test_the_reminder_hours_are_configurable(mediator, place, day, mailbox, settings):
    settings.HELPDESK_REMINDER_HOURS = [30, 1]
    request = booking.Request("spid", "it", "phone")
    made = booking.book(request, key(day, 11), booking.Contact("X", "", "x@example.org"))
    assert sorted(made.reminders.values_list("hours_before", flat=True)) == [1, 30]

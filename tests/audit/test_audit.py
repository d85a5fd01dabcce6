import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from sportello.accounts.roles import Role
from sportello.audit.log import record
from sportello.audit.models import AppendOnlyError, AuditEvent
from tests.factories import CitizenFactory, login_staff, make_staff

pytestmark = pytest.mark.django_db


def test_it_records_who_whom_and_from_where(client):
    citizen = CitizenFactory()
    client.force_login(citizen)
    client.post(
        "/en/account/profile/", {"given_name": "A", "family_name": "B"}, REMOTE_ADDR="10.1.2.3"
    )
    event = AuditEvent.objects.get(action="profile.changed")
    assert event.actor == citizen and event.subject == citizen
    assert event.ip_address == "10.1.2.3"


def test_events_cannot_be_changed_or_deleted():
    event = record("test.event", details={"a": 1})
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="database trigger is PostgreSQL's")
def test_the_database_refuses_updates_and_deletes():
    event = record("test.event")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "test.event"


def test_an_administrator_searches_the_log(client):
    citizen = CitizenFactory(email="needle@example.org")
    record("file.viewed", subject=citizen)
    record("other.thing")
    login_staff(client, make_staff(Role.ADMINISTRATOR))
    page = client.get("/en/audit/", {"q": "needle"})
    assert page.status_code == 200
    events = list(page.context["page"])
    assert [e.action for e in events] == ["file.viewed"]


def test_an_inverted_date_range_is_explained(client):
    login_staff(client, make_staff(Role.ADMINISTRATOR))
    page = client.get("/en/audit/", {"since": "2026-02-01", "until": "2026-01-01"})
    assert "The start date must come before the end date." in page.content.decode()

"""The PostgreSQL backend's health check and the preparing cursor, on the real server."""

import time

import psycopg
import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext

from sportello.accounts.models import User
from sportello.core import prepared, rows
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def persistent(settings):
    """The connection kept across requests, with health checks, as in production."""
    connection.ensure_connection()
    saved = connection.health_check_enabled, connection.health_check_done
    connection.health_check_enabled, connection.health_check_done = True, False
    yield connection
    connection.health_check_enabled, connection.health_check_done = saved


def _terminate(pid: int) -> None:
    db = connection.settings_dict
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        dbname=db["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        # pg_terminate_backend only signals: wait until the session has ended and said so.
        while other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
            time.sleep(0.01)


def _backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _count_selects(monkeypatch) -> list:
    """The statements Django's own health check sends (it bypasses query logging)."""
    sent = []
    real = connection.connection.cursor

    def cursor(*args, **kwargs):
        made = real(*args, **kwargs)
        execute = made.execute
        made.execute = lambda sql, *a, **k: sent.append(sql) or execute(sql, *a, **k)
        return made

    monkeypatch.setattr(connection.connection, "cursor", cursor)
    return sent


def test_a_quiet_connection_is_usable_without_a_round_trip(persistent, monkeypatch):
    sent = _count_selects(monkeypatch)
    assert connection.is_usable()
    assert sent == []


def test_a_terminated_session_is_replaced_before_the_request_queries(persistent):
    old = _backend_pid()
    _terminate(old)
    connection.health_check_done = False
    new = _backend_pid()  # the first query of a request: the check closes, Django reconnects
    assert new != old
    assert UserFactory().pk and User.objects.count() == 1


def test_a_connection_inside_a_transaction_gets_the_full_check(persistent, monkeypatch):
    connection.set_autocommit(False)
    try:
        _backend_pid()  # opens the transaction
        sent = _count_selects(monkeypatch)
        assert connection.is_usable() and sent == ["SELECT 1"]
    finally:
        connection.rollback()
        connection.set_autocommit(True)


def test_the_preparing_cursor_prepares_once_and_reads_like_django():
    user = UserFactory()
    for _ in range(3):
        assert rows.load(User, user.pk).email == user.email
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "accounts_user" WHERE%'],
        )
        assert cursor.fetchone()[0] == 1


def test_the_preparing_cursor_is_logged_and_raises_djangos_errors():
    user = UserFactory()
    with CaptureQueriesContext(connection) as queries, pytest.raises(IntegrityError):
        with prepared.cursor(connection) as cursor:
            cursor.execute(
                "INSERT INTO accounts_user (id, email, password, is_superuser, display_name, "
                "language, email_verified, is_active, is_staff, date_joined) "
                "VALUES (%s, %s, '', false, '', '', false, true, false, now())",
                [user.pk, "other@example.invalid"],
            )
    assert len(queries) == 1 and User.objects.count() == 1
    with CaptureQueriesContext(connection) as queries:
        rows.load(User, user.pk)
    assert queries[0]["sql"].startswith('SELECT "accounts_user"."id"')


def test_djangos_own_cursors_still_never_prepare():
    UserFactory()
    for _ in range(8):
        User.objects.filter(email__startswith="x").count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        assert not [s for (s,) in cursor.fetchall() if "count" in s.lower()]

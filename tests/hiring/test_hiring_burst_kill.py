"""Kill the web process during a burst: no acknowledged submission lost, no duplicate.

A real gunicorn serves the product against the test PostgreSQL database; threads post
complete applications of distinct logged-in citizens; the whole server (master and workers)
gets SIGKILL mid-burst, in the middle of transactions; a new server starts; every citizen
whose form was not acknowledged sends the same form again (same idempotency key)."""

import http.client
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks_db.models import DBTaskResult

from sportello.hiring.forms.application import new_key
from sportello.hiring.models import Application, ApplicationRevision, ProtocolCounter
from tests.factories import CitizenFactory
from tests.hiring.factories import make_call

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
]

CITIZENS = 60
THREADS = 8
KILL_AFTER = 15  # acknowledged submissions before the kill
YEAR = timezone.localdate().year


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with the product's WSGI app, in its own process group so that one killpg
    reaches the master and every worker at once."""

    def __init__(self, tmp_path: Path):
        self.port = _free_port()
        env = {
            **os.environ,
            "PYTHONPATH": "src",
            "SPORTELLO_VAR_DIR": str(tmp_path),
            "SECRET_KEY": settings.SECRET_KEY,
            "DATABASE_URL": _database_url(),
            "LOG_LEVEL": "WARNING",
        }
        gunicorn = Path(sys.executable).parent / "gunicorn"
        self.proc = subprocess.Popen(
            [str(gunicorn), "sportello.wsgi", "-w", "3", "-b", f"127.0.0.1:{self.port}"],
            env=env,
            start_new_session=True,
        )
        self._wait()

    def _wait(self) -> None:
        for _ in range(300):
            assert self.proc.poll() is None, "gunicorn exited"
            try:
                status, _ = request(self.port, "GET", "/healthz", {}, b"")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("gunicorn never answered")

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=60)


def _database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def request(port: int, method: str, path: str, headers: dict, body: bytes):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location", "")
    finally:
        conn.close()


def logged_in_form(call, citizen) -> tuple[dict, bytes]:
    session = SessionStore()
    session[SESSION_KEY] = str(citizen.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = citizen.get_session_auth_hash()
    session.create()
    csrf = get_random_string(32)
    headers = {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={session.session_key}; csrftoken={csrf}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    body = (
        f"csrfmiddlewaretoken={csrf}&submit_key={new_key(call, citizen)}&birth_date=1980-05-01"
        f"&isee_value=12000&isee_year={YEAR}&did_date=2020-01-01&declaration=on&action=submit"
    )
    return headers, body.encode()


class Burst:
    """Each citizen posts once; `acked` maps the citizen to the application id in Location."""

    def __init__(self, path: str, forms: dict):
        self.path, self.forms, self.acked, self.lock = path, forms, {}, threading.Lock()

    def send(self, port: int, citizen_ids: list[int]) -> None:
        for citizen_id in citizen_ids:
            headers, body = self.forms[citizen_id]
            try:
                status, location = request(port, "POST", self.path, headers, body)
            except (OSError, http.client.HTTPException):
                continue  # refused, reset or cut short by the kill: not acknowledged
            if status == 303:
                with self.lock:
                    self.acked[citizen_id] = int(location.rstrip("/").rsplit("/", 1)[1])

    def run(self, port: int, citizen_ids: list[int]) -> list[threading.Thread]:
        threads = [
            threading.Thread(target=self.send, args=(port, citizen_ids[n::THREADS]))
            for n in range(THREADS)
        ]
        for t in threads:
            t.start()
        return threads


def test_killing_the_server_mid_burst_loses_no_acknowledged_submission(tmp_path):
    call = make_call()
    citizens = [CitizenFactory(password=None) for _ in range(CITIZENS)]
    burst = Burst(f"/it/calls/{call.pk}/apply/", {c.pk: logged_in_form(call, c) for c in citizens})
    ids = [c.pk for c in citizens]

    server = Server(tmp_path)
    try:
        threads = burst.run(server.port, ids)
        while len(burst.acked) < KILL_AFTER and any(t.is_alive() for t in threads):
            time.sleep(0.005)
        server.kill()
        for t in threads:
            t.join()
        before_kill = dict(burst.acked)
        assert KILL_AFTER <= len(before_kill) < CITIZENS, "the kill must fall inside the burst"

        server = Server(tmp_path)
        for _attempt in range(3):
            missing = [i for i in ids if i not in burst.acked]
            for t in burst.run(server.port, missing):
                t.join()
    finally:
        server.stop()

    # Every citizen is acknowledged now, and nothing acknowledged before the kill changed.
    assert sorted(burst.acked) == sorted(ids)
    assert all(burst.acked[c] == app for c, app in before_kill.items())
    apps = Application.objects.filter(call=call)
    assert sorted(apps.values_list("pk", flat=True)) == sorted(burst.acked.values())
    assert dict(apps.values_list("citizen_id", "pk")) == burst.acked
    # One revision and one receipt task per application: the retries made no duplicate.
    assert ApplicationRevision.objects.filter(application__call=call).count() == CITIZENS
    receipts = DBTaskResult.objects.filter(task_path="sportello.hiring.tasks.send_receipt")
    revision_ids = set(
        ApplicationRevision.objects.filter(application__call=call).values_list("pk", flat=True)
    )
    assert sorted(r.args_kwargs["args"][0] for r in receipts) == sorted(revision_ids)
    # Unique protocol numbers, no gap, and the counter ends on the last one.
    numbers = sorted(int(p.split("/")[1]) for p in apps.values_list("protocol", flat=True))
    assert numbers == list(range(1, CITIZENS + 1))
    assert ProtocolCounter.objects.get(year=YEAR).last == CITIZENS

"""Benchmark: a burst of application submissions through gunicorn, driven by wrk.

Each request is a real logged-in citizen posting the application form (CSRF, signed
idempotency key, declaration) to an open call; the view runs the full submit transaction
(protocol counter row lock, revision, audit event, receipt task row). Afterwards it checks
that protocol numbers have no gaps and no duplicates.

Run against a scratch PostgreSQL database (it migrates it):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hiringburst \\
      .venv/bin/python bench/hiring_burst.py [citizens] [seconds] [connections]
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402

from sportello.accounts.models import CitizenProfile, Office, User  # noqa: E402
from sportello.hiring.forms.application import new_key  # noqa: E402
from sportello.hiring.models import Application, Call, RuleSetVersion  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_call() -> Call:
    office, _ = Office.objects.get_or_create(code="burst", defaults={"name": "Burst"})
    owner, _ = User.objects.get_or_create(email="burst@bench.invalid")
    now = timezone.now()
    return Call.objects.create(
        office=office,
        title={"it": "burst"},
        ruleset=RuleSetVersion.objects.get(name="emilia-romagna", version=1),
        frozen_ruleset=RuleSetVersion.objects.get(name="emilia-romagna", version=1).definition,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
        phase=Call.Phase.PUBLISHED,
        published_at=now,
        created_by=owner,
    )


def requests_for(call: Call, n: int) -> list[tuple[str, str]]:
    """(cookie header, form body) per citizen, each logged in with a fresh session."""
    users = User.objects.bulk_create(
        [User(email=f"c{uuid.uuid4().hex}@bench.invalid", password="!") for _ in range(n)],
        batch_size=5000,
    )
    CitizenProfile.objects.bulk_create([CitizenProfile(user=u) for u in users], batch_size=5000)
    year, out = timezone.localdate().year, []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        csrf = get_random_string(32)
        cookie = f"{settings.SESSION_COOKIE_NAME}={session.session_key}; csrftoken={csrf}"
        body = (
            f"csrfmiddlewaretoken={csrf}&submit_key={new_key(call, user)}&birth_date=1980-05-01"
            f"&isee_value=12000&isee_year={year}&did_date=2020-01-01&declaration=on&action=submit"
        )
        out.append((cookie, body))
    return out


LUA = """
local items = {%s}
local threads = 0
i = 0
-- each wrk thread starts on its own quarter of the citizens, so none replays another's form
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  i = id * math.floor(#items / 4)
end
request = function()
  i = i %% #items + 1
  local item = items[i]
  return wrk.format("POST", "%s", {["Cookie"] = item[1],
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Referer"] = "%s"}, item[2])
end
"""


def lua_script(reqs: list[tuple[str, str]], path: str, referer: str) -> str:
    items = ",".join(f'{{"{c}","{b}"}}' for c, b in reqs)
    return LUA % (items, path, referer)


def warm_up(base: str, path: str, cookie: str, workers: int) -> None:
    """Wait for gunicorn, then load the views in every worker (first requests import code)."""
    import urllib.request

    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5)
            break
        except OSError:
            time.sleep(0.2)
    for _ in range(workers * 4):
        request = urllib.request.Request(base + path, headers={"Cookie": cookie})
        urllib.request.urlopen(request, timeout=30).read()


def main() -> None:
    citizens = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
    conns = int(sys.argv[3]) if len(sys.argv) > 3 else 32
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    call_command("migrate", verbosity=0)
    call = make_call()
    reqs = requests_for(call, citizens)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    path = f"/it/calls/{call.pk}/apply/"
    workers = 2 * (os.cpu_count() or 1)
    env = {**os.environ, "SPORTELLO_VAR_DIR": str(settings.VAR_DIR)}
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "sportello.wsgi",
            "-w",
            str(workers),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        warm_up(base, path, reqs[-1][0], workers)
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(lua_script(reqs, path, base + path))
        before = Application.objects.filter(call=call).count()
        result = subprocess.run(
            [
                "wrk",
                "-t4",
                f"-c{conns}",
                f"-d{seconds}s",
                "--timeout",
                "30s",
                "-s",
                script.name,
                base + path,
            ],
            capture_output=True,
            text=True,
            check=True,
        )
    finally:
        server.terminate()
        server.wait()
    print(result.stdout)
    created = Application.objects.filter(call=call).count() - before
    numbers = sorted(
        int(p.split("/")[1])
        for p in Application.objects.filter(call=call).values_list("protocol", flat=True)
    )
    gapless = numbers == list(range(numbers[0], numbers[0] + len(numbers))) if numbers else True
    rate = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    print(f"gunicorn sync workers: {workers}; wrk connections: {conns}; citizens: {citizens}")
    print(
        f"applications created: {created} ({created / seconds:.0f}/s); "
        f"requests/s (incl. idempotent replays): {rate.group(1) if rate else '?'}"
    )
    print(
        f"protocol numbers: {len(numbers)}, unique: {len(set(numbers)) == len(numbers)}, "
        f"no gaps: {gapless}"
    )


if __name__ == "__main__":
    main()

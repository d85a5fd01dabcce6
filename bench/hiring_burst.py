"""Benchmark: a click-day burst of application submissions through gunicorn, driven by wrk.

Each request is a real logged-in citizen posting the complete application form (session,
CSRF, signed idempotency key, declaration) to an open call; the view writes the whole
submission (protocol number, application, revision, audit event, receipt task row) in one SQL
statement, its own transaction (services/submit_sql.py), and answers 303 to the receipt page.
The server runs the production settings (SPORTELLO_DEPLOYMENT=production, DEBUG off,
persistent connections, cached_db sessions on Redis, no access log) under gunicorn gthread
workers, one process per core × 4 threads by default. In the same run, two references, the
three loads taking turns in short rounds (4 by default) so that each ratio compares figures taken
under the same conditions on a machine whose speed drifts:

- pgbench running the same statement as the submission, on copies of the same tables
  (PostgreSQL alone, no Python);
- a bare Django view inserting one row, served by the same gunicorn setup and driven by wrk.

Afterwards it checks every acknowledged submission (303 with its application in Location):
present exactly once, with one revision and a unique protocol number, and the year's numbers
have no gap. It exits non-zero otherwise. It also reports the CPU used by wrk, by gunicorn,
by PostgreSQL and by everything else on the machine during the burst.

Run against a scratch PostgreSQL database (it migrates it) and a scratch Redis database:
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hiringburst REDIS_URL=redis://127.0.0.1:6379/9 \\
      .venv/bin/python bench/hiring_burst.py [citizens] [seconds per load] [connections] \\
      [gthread[:processes:threads]|sync] [rounds]
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from importlib import import_module
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_STATIC = Path(tempfile.gettempdir()) / "sportello-burst-static"
_STATIC.mkdir(exist_ok=True)
# The production settings, for the server and for this process (sessions and form keys are
# signed with the same SECRET_KEY). setdefault: gunicorn's workers inherit this process' values.
for name, value in {
    "SPORTELLO_DEPLOYMENT": "production",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "127.0.0.1",
    "EMAIL_URL": "locmem:",
    "STATIC_ROOT": str(_STATIC),
    "DEBUG": "0",
    "LOG_LEVEL": "WARNING",
}.items():
    os.environ.setdefault(name, value)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

from sportello.accounts.models import CitizenProfile, Office, User  # noqa: E402
from sportello.core import heap  # noqa: E402
from sportello.hiring.forms.application import new_key  # noqa: E402
from sportello.hiring.models import Application, Call, ProtocolCounter, RuleSetVersion  # noqa: E402
from sportello.urls import urlpatterns as _product_urls  # noqa: E402

# -- the server side: the product's URLs plus the one-row reference view -------------------

REFERENCE_TABLE = "bench_burst_row"
WARM_UP = 200  # submissions sent before the measured burst


@csrf_exempt
def insert_one(request):
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {REFERENCE_TABLE} (at) VALUES (now())")
    return HttpResponse("ok")


urlpatterns = [path("bench/insert-one/", insert_one), *_product_urls]
# gunicorn loads `bench.hiring_burst:application` with BURST_SERVER=1: this module is its URLconf.
if os.environ.get("BURST_SERVER"):
    settings.ROOT_URLCONF = "bench.hiring_burst"
application = get_wsgi_application()
if os.environ.get("BURST_SERVER"):
    heap.settle()  # as sportello/wsgi.py does

# -- data --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_call() -> Call:
    office, _ = Office.objects.get_or_create(code="burst", defaults={"name": "Burst"})
    owner, _ = User.objects.get_or_create(email="burst@bench.invalid")
    ruleset = RuleSetVersion.objects.get(name="emilia-romagna", version=1)
    now = timezone.now()
    return Call.objects.create(
        office=office,
        title={"it": "burst"},
        ruleset=ruleset,
        frozen_ruleset=ruleset.definition,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
        phase=Call.Phase.PUBLISHED,
        published_at=now,
        created_by=owner,
    )


def requests_for(call: Call, n: int) -> list[tuple[str, str]]:
    """(cookie header, form body) per citizen, each logged in with a fresh server-side session."""
    users = User.objects.bulk_create(
        [User(email=f"c{uuid.uuid4().hex}@bench.invalid", password="!") for _ in range(n)],
        batch_size=5000,
    )
    CitizenProfile.objects.bulk_create([CitizenProfile(user=u) for u in users], batch_size=5000)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    expires = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    sessions, out, year = [], [], timezone.localdate().year
    for user in users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expires)
        )
        csrf = get_random_string(32)
        cookie = f"{settings.SESSION_COOKIE_NAME}={key}; csrftoken={csrf}"
        body = (
            f"csrfmiddlewaretoken={csrf}&submit_key={new_key(call, user)}&birth_date=1980-05-01"
            f"&isee_value=12000&isee_year={year}&did_date=2020-01-01&declaration=on&action=submit"
        )
        out.append((cookie, body))
    Session.objects.bulk_create(sessions, batch_size=5000)
    if settings.SESSION_ENGINE.endswith("cached_db"):
        # As after a real login: cached_db writes a new session to the cache and the database.
        cached = {
            type(store)(s.session_key).cache_key: store.decode(s.session_data) for s in sessions
        }
        caches[settings.SESSION_CACHE_ALIAS].set_many(cached, timeout=settings.SESSION_COOKIE_AGE)
    return out


# -- wrk ---------------------------------------------------------------------------------

LUA = """
local items = {%(items)s}
local threads, nthreads = {}, %(threads)d
-- thread n sends only the citizens n, n + nthreads, ...: no form is ever sent twice
function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end
function init(args)
  i = id + 1 - nthreads
  acked, other = 0, 0
  out = io.open("%(acks)s." .. id, "w")
end
request = function()
  i = i + nthreads
  if i > #items then i = id + 1 end
  local item = items[i]
  return wrk.format("POST", "%(path)s", {["Cookie"] = item[1],
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Referer"] = "%(referer)s"}, item[2])
end
response = function(status, headers, body)
  if status == 303 then
    acked = acked + 1
    out:write(headers["Location"], "\\n")
  else
    other = other + 1
  end
end
done = function(summary, latency, requests)
  local acked, other = 0, 0
  for _, t in ipairs(threads) do
    acked = acked + t:get("acked")
    other = other + t:get("other")
  end
  io.write(string.format("WRK acked=%%d other=%%d p50_ms=%%.1f p99_ms=%%.1f max_ms=%%.1f\\n",
    acked, other, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000))
end
"""

LUA_PLAIN = """
done = function(summary, latency, requests)
  io.write(string.format("WRK p50_ms=%.1f p99_ms=%.1f\\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
wrk.method = "POST"
"""


def lua_script(reqs, path: str, referer: str, acks: str, threads: int) -> str:
    items = ",".join(f'{{"{c}","{b}"}}' for c, b in reqs)
    return LUA % {
        "items": items,
        "path": path,
        "referer": referer,
        "acks": acks,
        "threads": threads,
    }


def run_wrk(url: str, script: str, seconds: int, conns: int, threads: int) -> tuple[dict, float]:
    """wrk's summary line as a dict, and wrk's own CPU seconds (user + system)."""
    before = os.times()
    result = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{conns}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            script,
            url,
        ],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.exit(f"wrk failed: {result.stdout}{result.stderr}")
    after = os.times()
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    line = next(x for x in result.stdout.splitlines() if x.startswith("WRK "))
    stats = dict(pair.split("=") for pair in line[4:].split())
    stats["requests"] = _requests(result.stdout)
    return stats, cpu


def _requests(stdout: str) -> int:
    for line in stdout.splitlines():
        if "requests in" in line:
            return int(line.split()[0])
    return 0


# -- CPU accounting from /proc -------------------------------------------------------------

TICK = os.sysconf("SC_CLK_TCK")


# The title of a PostgreSQL backend names its database: other databases' work is not ours.
_DB = settings.DATABASES["default"]
_OUR_BACKEND = f": {_DB['USER']} {_DB['NAME']} ".encode()


def _cpu_by_process() -> dict[int, tuple[str, float]]:
    """CPU seconds used so far by each gunicorn process and each backend of our database."""
    found = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        seconds = (int(fields[11]) + int(fields[12])) / TICK
        name = "postgres" if _OUR_BACKEND in cmd else "gunicorn" if b"gunicorn" in cmd else None
        if name:
            found[int(pid)] = (name, seconds)
    return found


def _used_by_group(before: dict, after: dict) -> dict[str, float]:
    """CPU used between two snapshots by the processes alive at the end (a process that
    ended in between is not counted: its CPU is in "others")."""
    used = {"postgres": 0.0, "gunicorn": 0.0}
    for pid, (name, seconds) in after.items():
        used[name] += seconds - before.get(pid, (name, 0.0))[1]
    return used


def _machine_busy() -> float:
    """CPU seconds the whole machine has been busy so far (all cores)."""
    parts = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = parts[3] + parts[4]
    return (sum(parts[:8]) - idle) / TICK


class LockSampler:
    """Samples pg_stat_activity during the burst: how many of the database's busy backends wait
    for a row lock (the protocol counter, or an application row) rather than run."""

    def __init__(self, database: str):
        self.database, self.samples, self.stop = database, [], threading.Event()
        self.paused = threading.Event()  # set while the references run
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        db = settings.DATABASES["default"]
        with psycopg.connect(
            host=db["HOST"] or "127.0.0.1",
            port=db["PORT"] or 5432,
            user=db["USER"],
            dbname=db["NAME"],
            autocommit=True,
        ) as conn:
            while not self.stop.wait(0.05):
                if self.paused.is_set():
                    continue
                row = conn.execute(
                    "SELECT count(*) FILTER (WHERE wait_event_type = 'Lock'), count(*) "
                    "FROM pg_stat_activity WHERE datname = %s AND state <> 'idle' "
                    "AND pid <> pg_backend_pid()",
                    [self.database],
                ).fetchone()
                self.samples.append(row)

    def pause(self) -> None:
        self.paused.set()

    def resume(self) -> None:
        self.paused.clear()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()

    def summary(self) -> str:
        if not self.samples:
            return "no samples"
        waiting = sum(w for w, _ in self.samples) / len(self.samples)
        busy = sum(b for _, b in self.samples) / len(self.samples)
        return f"{waiting:.1f} of {busy:.1f} busy backends waiting for a lock on average"


def measure(fn):
    before, busy, started = _cpu_by_process(), _machine_busy(), time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    used = _used_by_group(before, _cpu_by_process())
    used["machine"] = _machine_busy() - busy
    return result, used, elapsed


# -- the server ----------------------------------------------------------------------------


def start_server(port: int, kind: str) -> subprocess.Popen:
    """gunicorn, gthread[:PROCESSES:THREADS] or sync workers, serving the production app."""
    cores = os.cpu_count() or 1
    name, procs, threads = (kind + f":{cores}:4").split(":")[:3]
    workers = ["-w", procs, "-k", "gthread", "--threads", threads]
    if name == "sync":
        workers = ["-w", str(2 * cores + 1)]
    env = {**os.environ, "BURST_SERVER": "1", "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}
    return subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "bench.hiring_burst:application",
            *workers,
            "-b",
            f"127.0.0.1:{port}",
            "--backlog",
            "2048",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )


def warm_up(base: str, path: str, reqs: list[tuple[str, str]]) -> None:
    """Wait for gunicorn, then submit `reqs` so that every worker has imported and compiled
    what the submit path needs (these submissions are not counted)."""
    for _ in range(150):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=5)
            break
        except OSError:
            time.sleep(0.2)

    def submit(item):
        cookie, body = item
        headers = {"Cookie": cookie, "Referer": base + path}
        request = urllib.request.Request(base + path, body.encode(), headers)
        urllib.request.urlopen(request, timeout=30).read()

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(submit, reqs))


# -- reference: pgbench running the submit transaction's statements -------------------------

PGBENCH_TABLES = {
    "bench_app": "hiring_application",
    "bench_rev": "hiring_applicationrevision",
    "bench_audit": "audit_auditevent",
    "bench_task": "django_tasks_database_dbtaskresult",
    "bench_counter": "hiring_protocolcounter",
}
PGBENCH_SCRIPT = r"""
\set citizen random(1, 9000000000000000)
WITH n AS (UPDATE bench_counter SET last = last + 1 WHERE year = :year RETURNING last),
app AS (INSERT INTO bench_app (call_id, citizen_id, filed_by_id, status, data, protocol,
  submitted_at, updated_at, verification, verification_note)
  VALUES (1, :citizen, :citizen, 'submitted',
  '{"birth_date": "1980-05-01", "isee_value": "12000.00", "isee_year": :year, "dsu_only": false,
    "did_date": "2020-01-01"}',
  (SELECT :year || '/' || lpad(last::text, greatest(6, length(last::text)), '0') FROM n),
  now(), now(), 'pending', '') RETURNING id, protocol),
rev AS (INSERT INTO bench_rev (application_id, number, idempotency_key, data, submitted_at,
  sha256, filed_by_id) VALUES ((SELECT id FROM app), 1, md5(:citizen::text || random()::text),
  '{"birth_date": "1980-05-01", "isee_value": "12000.00", "isee_year": :year, "dsu_only": false,
    "did_date": "2020-01-01"}', now(),
  (SELECT encode(sha256(convert_to('{"application":' || id::text || ',"at":"x"}', 'UTF8')),
  'hex') FROM app), :citizen) RETURNING id, sha256),
ev AS (INSERT INTO bench_audit (at, actor_id, actor_label, action, subject_id, subject_label,
  object_type, object_id, ip_address, user_agent, details)
  VALUES (now(), :citizen, 'c@bench.invalid', 'hiring.application_submitted', :citizen,
  'c@bench.invalid', 'hiring.Application', (SELECT id::text FROM app), '127.0.0.1', 'wrk',
  '{"revision": 1}')),
job AS (INSERT INTO bench_task (id, status, enqueued_at, args_kwargs, priority, task_path,
  queue_name, backend_name, run_after, exception_class_path, traceback, worker_ids)
  VALUES (gen_random_uuid(), 'READY', now(),
  (SELECT jsonb_build_object('args', jsonb_build_array(id), 'kwargs', '{}'::jsonb) FROM rev), 0,
  'sportello.hiring.tasks.send_receipt', 'email', 'default', '9999-01-01', '', '', '[]'))
SELECT app.id, app.protocol, rev.id, rev.sha256 FROM app, rev;
"""


def pgbench_tables() -> None:
    """Empty copies of the tables a submission writes, for pgbench."""
    year = timezone.localdate().year
    with connection.cursor() as cursor:
        for copy, table in PGBENCH_TABLES.items():
            cursor.execute(f"DROP TABLE IF EXISTS {copy}")
            cursor.execute(f"CREATE TABLE {copy} (LIKE {table} INCLUDING ALL)")
        cursor.execute("INSERT INTO bench_counter (year, last) VALUES (%s, 0)", [year])


def pgbench_reference(seconds: int, conns: int) -> tuple[float, float]:
    """(transactions/s, pgbench's own CPU seconds) for the submit statements without Python."""
    year = timezone.localdate().year
    db = settings.DATABASES["default"]
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT)
    before = os.times()
    result = subprocess.run(
        [
            "pgbench",
            "-n",
            "-h",
            db["HOST"] or "127.0.0.1",
            "-p",
            str(db["PORT"] or 5432),
            "-U",
            db["USER"],
            "-c",
            str(conns),
            "-j",
            "2",
            "-T",
            str(seconds),
            "-D",
            f"year={year}",
            "-f",
            script.name,
            db["NAME"],
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    after = os.times()
    tps = next(
        float(line.split("=")[1].split()[0])
        for line in result.stdout.splitlines()
        if line.startswith("tps")
    )
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return tps, cpu


# -- the check -----------------------------------------------------------------------------


def check(call: Call, ack_files: list[Path], first_number: int) -> tuple[int, list[str]]:
    """(acknowledged count, problems) after the burst."""
    acked: set[int] = set()  # a form sent again (wrk wrapped around) is acknowledged again
    for ack_file in ack_files:
        for line in ack_file.read_text().splitlines():
            acked.add(int(line.rstrip("/").rsplit("/", 1)[1]))
    problems = []
    rows = dict(Application.objects.filter(call=call).values_list("pk", "protocol"))
    revisions = dict(
        Application.objects.filter(call=call).annotate(n=Count("revisions")).values_list("pk", "n")
    )
    missing = [pk for pk in acked if pk not in rows]
    if missing:
        problems.append(f"{len(missing)} acknowledged applications missing")
    if any(revisions.get(pk) != 1 for pk in acked if pk in rows):
        problems.append("an acknowledged application has more or less than one revision")
    protocols = list(rows.values())
    if "" in protocols or len(set(protocols)) != len(protocols):
        problems.append("protocol numbers missing or duplicated")
    numbers = sorted(int(p.split("/")[1]) for p in protocols if p)
    last = ProtocolCounter.objects.get(year=timezone.localdate().year).last
    if numbers != list(range(first_number + 1, last + 1)):
        problems.append("protocol numbers have gaps or do not match the counter")
    return len(acked), problems


class Totals:
    """Sums over the rounds of one kind of load."""

    def __init__(self):
        self.count, self.elapsed, self.wrk_cpu, self.p50s, self.p99s = 0, 0.0, 0.0, [], []
        self.other = 0  # answers other than the expected one (submissions only)
        self.used = {"postgres": 0.0, "gunicorn": 0.0, "machine": 0.0}

    def add(self, count: int, elapsed: float, wrk_cpu: float, stats: dict, used: dict) -> None:
        self.count, self.elapsed, self.wrk_cpu = (
            self.count + count,
            self.elapsed + elapsed,
            self.wrk_cpu + wrk_cpu,
        )
        self.other += int(stats.get("other", 0))
        self.p50s.append(float(stats["p50_ms"]))
        self.p99s.append(float(stats["p99_ms"]))
        for name in self.used:
            self.used[name] += used[name]

    @property
    def rate(self) -> float:
        return self.count / self.elapsed

    def latency(self) -> str:
        """The median of the rounds' p50s and the worst of their p99s."""
        return f"p50 {sorted(self.p50s)[len(self.p50s) // 2]:.1f} ms, p99 {max(self.p99s):.1f} ms"

    def per_item(self, name: str) -> float:
        return self.used[name] / max(self.count, 1) * 1000


def main() -> None:
    citizens = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    seconds = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    conns = int(sys.argv[3]) if len(sys.argv) > 3 else 32
    kind = sys.argv[4] if len(sys.argv) > 4 else "gthread"
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 4
    threads = 2
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {REFERENCE_TABLE} (id bigserial, at timestamptz)"
        )
    pgbench_tables()
    call = make_call()
    reqs = requests_for(call, citizens)
    year = timezone.localdate().year
    counter, _ = ProtocolCounter.objects.get_or_create(year=year)
    first_number = counter.last
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    path = f"/it/calls/{call.pk}/apply/"
    server = start_server(port, kind)
    workdir = Path(tempfile.mkdtemp(prefix="burst-"))
    plain = workdir / "plain.lua"
    plain.write_text(LUA_PLAIN)
    # This machine's speed drifts from minute to minute, so the three loads take turns in
    # short rounds and each ratio compares loads measured under the same conditions.
    chunk = max(1, seconds // rounds)
    submit, one_row, pg_tps, pg_cpu, ack_files = Totals(), Totals(), [], 0.0, []
    try:
        warm, reqs = reqs[:WARM_UP], reqs[WARM_UP:]
        warm_up(base, path, warm)
        share = len(reqs) // rounds  # each round posts its own citizens' forms
        with LockSampler(settings.DATABASES["default"]["NAME"]) as locks:
            for n in range(rounds):
                script = workdir / f"submit{n}.lua"
                acks = workdir / f"acks{n}"
                ours = reqs[n * share : (n + 1) * share]
                script.write_text(lua_script(ours, path, base + path, str(acks), threads))
                (stats, cpu), used, elapsed = measure(
                    lambda: run_wrk(base + path, str(script), chunk, conns, threads)  # noqa: B023
                )
                ack_files += [Path(f"{acks}.{t}") for t in range(threads)]
                submit.add(int(stats["acked"]), elapsed, cpu, stats, used)
                locks.pause()
                (stats, cpu), used, elapsed = measure(
                    lambda: run_wrk(base + "/bench/insert-one/", str(plain), chunk, conns, threads)
                )
                one_row.add(stats["requests"], elapsed, cpu, stats, used)
                tps, cpu = pgbench_reference(chunk, conns)
                pg_tps.append(tps)
                pg_cpu += cpu
                locks.resume()
    finally:
        server.terminate()
        server.wait()
    acked, problems = check(call, ack_files, first_number)
    report(kind, threads, conns, rounds, chunk, submit, one_row, pg_tps, pg_cpu, locks)
    if problems:
        sys.exit("CHECK FAILED: " + "; ".join(problems))
    print(
        f"check: {acked} acknowledged submissions each stored once with one revision; "
        "protocol numbers unique, no gaps"
    )


def report(kind, threads, conns, rounds, chunk, submit, one_row, pg_tps, pg_cpu, locks) -> None:
    rate, pg_rate = submit.rate, sum(pg_tps) / len(pg_tps)
    print(
        f"server: gunicorn {kind}; wrk: {threads} threads, {conns} connections; "
        f"{rounds} rounds of {chunk} s per load"
    )
    print(
        f"submissions: {submit.count} acknowledged in {submit.elapsed:.1f} s = {rate:.0f}/s; "
        f"{submit.latency()} (p99 by round: {', '.join(f'{r:.0f}' for r in submit.p99s)} ms); "
        f"other answers: {submit.other}"
    )
    print(
        f"reference, bare Django view inserting one row: {one_row.rate:.0f} req/s "
        f"({one_row.latency()}); submissions/one-row = {rate / one_row.rate:.2f}"
    )
    print(
        f"reference, pgbench with the submit statement: {pg_rate:.0f} tps "
        f"(rounds: {', '.join(f'{t:.0f}' for t in pg_tps)}; pgbench CPU {pg_cpu:.1f} s); "
        f"submissions/pgbench = {rate / pg_rate:.2f}"
    )
    cores = os.cpu_count() or 1
    used = submit.used
    print(
        f"CPU during the submissions (s of {submit.elapsed * cores:.0f} available): "
        f"wrk {submit.wrk_cpu:.1f}, gunicorn {used['gunicorn']:.1f}, "
        f"postgres {used['postgres']:.1f}, whole machine {used['machine']:.1f}; per submission: "
        f"gunicorn {submit.per_item('gunicorn'):.1f} ms, postgres {submit.per_item('postgres'):.1f} ms"
    )
    print(f"PostgreSQL during the submissions: {locks.summary()}")
    print(
        f"one-row reference: wrk CPU {one_row.wrk_cpu:.1f} s, gunicorn "
        f"{one_row.per_item('gunicorn'):.1f} ms, postgres {one_row.per_item('postgres'):.1f} ms "
        "per request"
    )


if __name__ == "__main__":
    main()

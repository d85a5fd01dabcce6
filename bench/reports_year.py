"""Benchmark: a month of 15-minute switchboard report out of a year of history, on PostgreSQL.

Generates a year of synthetic history at the seed's scale (≥ 900,000 calls, 400 agents, the
15 default queues) with COPY, then times, in the same run, the report code (the database
aggregation, the table cells and the HTML page) for one month of 15-minute intervals grouped
by queue, and one raw SQL aggregate over the same rows. Prints both and the ratio.

Run against a scratch PostgreSQL database (it migrates it and replaces its switchboard history):
  createdb -h 127.0.0.1 -U postgres reportsbench
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/reportsbench \\
      .venv/bin/python bench/reports_year.py [calls] [--reuse]
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
import uuid
from dataclasses import replace
from datetime import datetime, timedelta

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
os.environ.setdefault("EMAIL_URL", "locmem:")
django.setup()

from django.contrib.auth.models import AnonymousUser  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from sportello.accounts.models import User  # noqa: E402
from sportello.switchboard import setup  # noqa: E402
from sportello.switchboard.models import Agent, Queue  # noqa: E402
from sportello.switchboard.reports import queues as queues_report  # noqa: E402
from sportello.switchboard.reports import report  # noqa: E402
from sportello.switchboard.reports.filters import Filters, GroupBy  # noqa: E402
from sportello.switchboard.reports.forms import ReportForm  # noqa: E402
from sportello.switchboard.reports.intervals import Granularity  # noqa: E402
from sportello.switchboard.views_reports import _context  # noqa: E402

ARGS = [a for a in sys.argv[1:] if not a.startswith("--")]
REUSE = "--reuse" in sys.argv  # time again over the history a previous run generated
AGENTS, CALLS, DAYS = 400, int(ARGS[0]) if ARGS else 920_000, 365
OUTCOMES = [("answered", 0.85), ("abandoned", 0.08), ("timed_out", 0.03), ("callback", 0.02),
            ("full", 0.02)]  # fmt: skip
IVR_ONLY = 0.1  # share of calls that end in the IVR

RAW_SQL = """
SELECT q.code,
       date_trunc('hour', e.entered_at AT TIME ZONE %(tz)s) AS hour,
       floor(extract(minute FROM e.entered_at AT TIME ZONE %(tz)s) / 15) AS quarter,
       count(*),
       count(*) FILTER (WHERE e.outcome = 'answered'),
       count(*) FILTER (WHERE e.outcome = 'answered'
                        AND extract(epoch FROM e.left_at - e.entered_at) <= q.service_level_seconds),
       count(*) FILTER (WHERE e.outcome = 'abandoned'),
       count(*) FILTER (WHERE e.outcome = 'abandoned'
                        AND extract(epoch FROM e.left_at - e.entered_at) < 5),
       count(*) FILTER (WHERE e.outcome IN ('timed_out', 'full')),
       count(*) FILTER (WHERE e.outcome = 'callback'),
       sum(extract(epoch FROM e.left_at - e.entered_at)) FILTER (WHERE e.outcome = 'answered'),
       sum(coalesce(e.talk_seconds, 0) + e.hold_seconds + coalesce(e.wrap_up_seconds, 0))
           FILTER (WHERE e.outcome = 'answered')
FROM switchboard_queueentry e JOIN switchboard_queue q ON q.id = e.queue_id
WHERE e.entered_at >= %(start)s AND e.entered_at < %(end)s
GROUP BY 1, 2, 3 ORDER BY 2, 3, 1
"""


def reset() -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE switchboard_queueentry, switchboard_agentstatechange, switchboard_call CASCADE"
        )
    Agent.objects.all().delete()
    User.objects.filter(email__endswith="@bench.invalid").delete()


def make_agents() -> list[int]:
    users = User.objects.bulk_create(
        User(email=f"agent{n}@bench.invalid", display_name=f"Agent {n}") for n in range(AGENTS)
    )
    agents = Agent.objects.bulk_create(
        Agent(user=u, sip_username=f"bench{n}") for n, u in enumerate(users)
    )
    return [a.pk for a in agents]


def working_days(first: datetime) -> list[datetime]:
    return [d for d in (first + timedelta(days=i) for i in range(DAYS)) if d.weekday() < 5]


def generate(rng: random.Random, queues: list[int], agents: list[int], first: datetime):
    """(call row, queue entry row or None) for CALLS calls spread over the working days."""
    days = working_days(first)
    names, weights = zip(*OUTCOMES, strict=True)
    per_day = CALLS // len(days) + 1
    made = 0
    for day in days:
        opens = day.replace(hour=8, minute=30)
        for _ in range(min(per_day, CALLS - made)):
            made += 1
            start = opens + timedelta(seconds=rng.uniform(0, 8.5 * 3600))
            yield _call(rng, start, queues, agents, rng.choices(names, weights)[0])


def _call(rng, start, queues, agents, outcome):
    call_id = uuid.uuid4()
    if rng.random() < IVR_ONLY:
        ended = start + timedelta(seconds=rng.uniform(5, 60))
        path = json.dumps(["welcome", rng.choice(["language", "service", "closed"])])
        return (call_id, "caller_hangup", start, ended, None, path, ""), None
    entered = start + timedelta(seconds=rng.uniform(10, 40))
    wait = rng.expovariate(1 / 30) if outcome != "full" else 0.0
    left = entered + timedelta(seconds=wait)
    agent = talk = wrap = None
    if outcome == "answered":
        agent, talk, wrap = rng.choice(agents), rng.expovariate(1 / 240), rng.uniform(5, 60)
    ended = left + timedelta(seconds=(talk or 0) + 1)
    code = rng.choice(["info", "booked", "other"]) if agent else ""
    call = (call_id, "agent_hangup" if agent else "caller_hangup", start, ended, agent, "[]", code)
    entry = (call_id, rng.choice(queues), entered, left, outcome, agent, talk, 0.0, wrap)
    return call, entry


def load(rows) -> int:
    count = 0
    call_sql = ("COPY switchboard_call (id, end_reason, started_at, ended_at, agent_id, ivr_path, "
                "wrap_up_code, sip_call_id, direction, caller_number, called_number, language, "
                "notes, media_node) FROM STDIN")  # fmt: skip
    entry_sql = ("COPY switchboard_queueentry (call_id, queue_id, entered_at, left_at, outcome, "
                 "agent_id, talk_seconds, hold_seconds, wrap_up_seconds, ring_attempts) "
                 "FROM STDIN")  # fmt: skip
    entries = []
    with connection.cursor() as cursor:
        with cursor.copy(call_sql) as copy:
            for call, entry in rows:
                copy.write_row((*call, str(call[0]), "in", "+390165000000", "800000000", "it",
                                "", ""))  # fmt: skip
                if entry:
                    entries.append(entry)
                count += 1
        with cursor.copy(entry_sql) as copy:
            for entry in entries:
                copy.write_row((*entry, 1))
        cursor.execute("ANALYZE switchboard_call; ANALYZE switchboard_queueentry")
    return count


def load_sessions(agents: list[int], first: datetime) -> int:
    """Each agent's day: logged in 8:30, a 15-minute pause at 11:00, on a call for the
    middle of each hour (a simple stand-in for talk and wrap-up), logged out at 17:00."""
    sql = "COPY switchboard_agentstatechange (agent_id, state, reason, at) FROM STDIN"
    count = 0
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for day in working_days(first):
            for agent in agents:
                for hour, minute, state in SESSION:
                    copy.write_row((agent, state, "", day.replace(hour=hour, minute=minute)))
                    count += 1
    return count


SESSION = (
    [(8, 30, "available"), (11, 0, "paused"), (11, 15, "available")]
    + [(h, m, s) for h in range(9, 17) for m, s in ((20, "on_call"), (40, "available"))]
    + [(17, 0, "offline")]
)
SESSION.sort()


def render_report(filters: Filters) -> tuple[int, int]:
    built = report.build(filters)
    data = {"start": filters.start.date(), "end": (filters.end - timedelta(days=1)).date(),
            "granularity": "interval", "group_by": "queue"}  # fmt: skip
    form = ReportForm(data)
    form.is_valid()
    request = RequestFactory().get("/en/switchboard/reports/")
    request.user = AnonymousUser()
    with translation.override("en"):
        html = render_to_string(
            "switchboard/reports/report.html", _context(form, built), request=request
        )
    return len(built.rows), len(html)


def raw_sql(filters: Filters) -> int:
    params = {"tz": timezone.get_current_timezone_name(), "start": filters.start,
              "end": filters.end}  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL, params)
        return len(cursor.fetchall())


def timed(fn, runs: int = 5) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        began = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def generate_history() -> None:
    reset()
    rng = random.Random(20260301)
    first = datetime(2025, 3, 3, tzinfo=timezone.get_current_timezone())
    queues, agents = list(Queue.objects.values_list("pk", flat=True)), make_agents()
    began = time.perf_counter()
    calls = load(generate(rng, queues, agents, first))
    changes = load_sessions(agents, first)
    print(f"generated {calls:,} calls, {changes:,} agent state changes, {AGENTS} agents, "
          f"{len(queues)} queues "
          f"in {time.perf_counter() - began:.1f} s")  # fmt: skip


def main() -> None:
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    call_command("migrate", verbosity=0)
    setup.ensure_default_configuration()
    if not REUSE:
        generate_history()
    tz = timezone.get_current_timezone()
    month = Filters(datetime(2025, 10, 1, tzinfo=tz), datetime(2025, 11, 1, tzinfo=tz),
                    Granularity.INTERVAL, GroupBy.QUEUE)  # fmt: skip
    report_s, (rows, size) = timed(lambda: render_report(month))
    sql_s, sql_rows = timed(lambda: raw_sql(month))
    orm_s, orm_rows = timed(lambda: len(queues_report.queue_rows(month)))
    print(f"report code (aggregate + cells + HTML page): {report_s * 1000:.0f} ms median, "
          f"{rows:,} rows, {size / 1e6:.1f} MB of HTML")  # fmt: skip
    print(f"report aggregate alone (ORM, queue_rows): {orm_s * 1000:.0f} ms median, "
          f"{orm_rows:,} rows; ratio to raw SQL {orm_s / sql_s:.1f}x")  # fmt: skip
    print(f"raw SQL aggregate: {sql_s * 1000:.0f} ms median, {sql_rows:,} rows")
    print(f"ratio report/SQL: {report_s / sql_s:.1f}x (target: report < 2 s: "
          f"{'met' if report_s < 2 else 'MISSED'})")  # fmt: skip
    assert rows == sql_rows, "report and SQL disagree on the number of buckets"
    together = replace(month, group_by=GroupBy.NONE)
    occ_s, built = timed(lambda: report.build(together), runs=3)
    print(f"all queues together with occupancy from agent states: {occ_s * 1000:.0f} ms median, "
          f"{len(built.rows):,} rows, occupancy {built.occupancy:.0%}")  # fmt: skip


if __name__ == "__main__":
    main()

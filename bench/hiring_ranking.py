"""Benchmark: rank 100,000 applications with the Emilia-Romagna rule set, loaded from PostgreSQL.

Measures, in one run and on the same data:
  engine  = SELECT the applications' declarations + build engine input + rules.rank()
  full    = services.ranking.do_compute() (engine + per-applicant explanation + bulk INSERT),
            then again over its own rows, as after the appeals
  sql     = SELECT ... ORDER BY over the same scores precomputed in a column (the floor)

The engine and the SQL query run three times each (the first engine run also pays for warming
the caches); each run is printed and the ratio compares the medians.

Run against a scratch database (it migrates it and adds one call):
  DATABASE_URL=postgres://postgres@127.0.0.1:5432/hiringbench \\
      .venv/bin/python bench/hiring_ranking.py [applications]
"""

from __future__ import annotations

import os
import random
import sys
import time
import uuid
from datetime import date, timedelta
from statistics import median

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from sportello.accounts.models import Office, User  # noqa: E402
from sportello.core.rows import delete_rows  # noqa: E402
from sportello.hiring.models import Application, Call, RankingEntry, RuleSetVersion  # noqa: E402
from sportello.hiring.rules import builtin_rulesets, rank  # noqa: E402
from sportello.hiring.rules.ranking import gc_paused  # noqa: E402
from sportello.hiring.services.facts import to_applicant  # noqa: E402
from sportello.hiring.services.ranking import do_compute, reference_date  # noqa: E402


def make_call(n: int) -> Call:
    rs = builtin_rulesets()["emilia-romagna"]
    stored, _ = RuleSetVersion.objects.get_or_create(
        name=rs.name,
        version=rs.version,
        defaults={"legal_source": rs.legal_source, "definition": rs.to_dict()},
    )
    office, _ = Office.objects.get_or_create(code="bench", defaults={"name": "Bench"})
    owner, _ = User.objects.get_or_create(email="bench@bench.invalid")
    now = timezone.now()
    call = Call.objects.create(
        office=office,
        title={"it": f"bench {uuid.uuid4().hex[:6]}"},
        ruleset=stored,
        frozen_ruleset=stored.definition,
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
        phase=Call.Phase.PUBLISHED,
        created_by=owner,
    )
    year, rnd = timezone.localdate().year, random.Random(42)
    citizens = User.objects.bulk_create(
        [User(email=f"b{uuid.uuid4().hex}@bench.invalid") for _ in range(n)], batch_size=5000
    )
    apps = []
    for i, citizen in enumerate(citizens):
        birth = date(1950, 1, 1) + timedelta(days=rnd.randrange(0, 365 * 55))
        data = {
            "birth_date": birth.isoformat(),
            "isee_value": f"{rnd.randrange(0, 40_000)}.{rnd.randrange(100):02d}"
            if rnd.random() > 0.1
            else None,
            "isee_year": year if rnd.random() > 0.05 else year - 1,
            "dsu_only": rnd.random() < 0.02,
            "did_date": "2024-03-01" if rnd.random() > 0.3 else None,
        }
        apps.append(
            Application(
                call=call,
                citizen=citizen,
                status="submitted",
                data=data,
                protocol=f"B{call.pk}/{i + 1:06d}",
                submitted_at=call.closes_at,
            )
        )
    Application.objects.bulk_create(apps, batch_size=5000)
    return call


RUNS = 3


def engine_run(call: Call) -> int:
    with gc_paused():
        apps = call.applications.filter(status="submitted").values_list("protocol", "data")
        applicants = [to_applicant(p, d) for p, d in apps]
        return len(rank(call.frozen(), applicants, reference_date(call)))


def sql_run(call: Call) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT protocol, score_hundredths FROM hiring_rankingentry "
            "WHERE call_id = %s AND stage = 'provisional' AND position IS NOT NULL "
            "ORDER BY score_hundredths DESC, protocol",
            [call.pk],
        )
        return len(cursor.fetchall())


def timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    result = fn(*args)
    return time.perf_counter() - start, result


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    call_command("migrate", verbosity=0)
    setup, call = timed(make_call, n)
    print(f"setup: {n} applications inserted in {setup:.1f} s")
    engines = [timed(engine_run, call) for _ in range(RUNS)]
    full, _ = timed(lambda: do_compute(call, "provisional", by=None))  # stores scores for SQL
    again, _ = timed(lambda: do_compute(call, "provisional", by=None))  # as after the appeals
    sqls = [timed(sql_run, call) for _ in range(RUNS)]
    engine, sql = median(t for t, _ in engines), median(t for t, _ in sqls)
    print(
        f"engine (load from PostgreSQL + rank): median {engine:.3f} s for {engines[0][1]} "
        f"applications (runs: {', '.join(f'{t:.3f}' for t, _ in engines)})"
    )
    print(f"full do_compute (+ explanations + INSERT): {full:.3f} s")
    print(f"do_compute again, replacing those rows (after the appeals): {again:.3f} s")
    print(
        f"plain SQL ORDER BY over precomputed scores: median {sql:.3f} s for {sqls[0][1]} rows "
        f"(runs: {', '.join(f'{t:.3f}' for t, _ in sqls)})"
    )
    print(f"ratio engine / SQL: {engine / sql:.1f}x; full / SQL: {full / sql:.1f}x")
    delete_rows(RankingEntry.objects.filter(call=call))


if __name__ == "__main__":
    main()

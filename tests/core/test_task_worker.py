"""The same task API on SQLite (embedded) and PostgreSQL, run by the real db_worker."""

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow

SCRIPT = """
import django, sys
django.setup()
from django_tasks_db.models import DBTaskResult
from sportello.core.tasks import ping
result = ping.enqueue("hello")
print(result.id)
"""

CHECK = """
import django, sys
django.setup()
from django_tasks_db.models import DBTaskResult
row = DBTaskResult.objects.get(pk=sys.argv[1])
print(row.status, row.return_value)
"""


def _run(code_or_args, env, *extra):
    argv = (
        [sys.executable, "-c", code_or_args, *extra]
        if isinstance(code_or_args, str)
        else code_or_args
    )
    return subprocess.run(
        argv, env=env, capture_output=True, text=True, check=True, cwd=os.getcwd()
    )


def _environ(database_url, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SPORTELLO_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "sportello.settings",
        "PYTHONPATH": "src",
    }
    env["TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    return env


def _roundtrip(env):
    _run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], env)
    task_id = _run(SCRIPT, env).stdout.strip()
    _run([sys.executable, "manage.py", "db_worker", "--batch", "--queue-name", "*"], env)
    return _run(CHECK, env, task_id).stdout.split()


def test_the_worker_runs_tasks_on_sqlite(tmp_path):
    env = _environ(f"sqlite:///{tmp_path / 'db.sqlite3'}", tmp_path)
    assert _roundtrip(env) == ["SUCCESSFUL", "hello"]


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_tasks_on_postgresql(tmp_path, django_db_blocker):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL")
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:{settings_dict['PORT']}/"
        f"{settings_dict['NAME']}"
    )
    env = _environ(url, tmp_path)
    task_id = _run(SCRIPT, env).stdout.strip()
    _run([sys.executable, "manage.py", "db_worker", "--batch", "--queue-name", "*"], env)
    assert _run(CHECK, env, task_id).stdout.split() == ["SUCCESSFUL", "hello"]

"""The production settings the click-day burst relies on (see bench/hiring_burst.py)."""

import json
import os
import subprocess
import sys

import pytest

PRINT = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "d = s.DATABASES['default']; "
    "print(json.dumps([s.SESSION_ENGINE, d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], s.DEBUG]))"
)


def production_settings(**env) -> list:
    base = {
        k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DB_CONN_MAX_AGE", "DEBUG"}
    }
    base.update(
        DJANGO_SETTINGS_MODULE="sportello.settings",
        PYTHONPATH="src",
        SPORTELLO_DEPLOYMENT="production",
        SECRET_KEY="x" * 50,
        ALLOWED_HOSTS="sportello.example",
        DATABASE_URL="postgres://u@db.invalid/sportello",
        EMAIL_URL="locmem:",
        STATIC_ROOT="/tmp",
        **env,
    )
    out = subprocess.run(
        [sys.executable, "-c", PRINT], env=base, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, ["django.contrib.sessions.backends.db", 600, True, False]),
        (
            {"REDIS_URL": "redis://127.0.0.1:6379/9"},
            ["django.contrib.sessions.backends.cached_db", 600, True, False],
        ),
        ({"DB_CONN_MAX_AGE": "0"}, ["django.contrib.sessions.backends.db", 0, True, False]),
    ],
)
def test_production_keeps_connections_and_sessions_stay_server_side(env, expected):
    assert production_settings(**env) == expected

import pytest
from django.core.exceptions import ImproperlyConfigured

from sportello import env


def test_it_reads_typed_values(monkeypatch):
    monkeypatch.setenv("X_BOOL", "yes")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a, b,,c")
    assert env.envbool("X_BOOL", False) is True
    assert env.envint("X_INT", 0) == 42
    assert env.envlist("X_LIST", []) == ["a", "b", "c"]


def test_it_rejects_bad_values_clearly(monkeypatch):
    monkeypatch.setenv("X_INT", "forty")
    with pytest.raises(ImproperlyConfigured, match="X_INT must be an integer"):
        env.envint("X_INT", 0)
    monkeypatch.setenv("X_BOOL", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL must be a boolean"):
        env.envbool("X_BOOL", False)
    monkeypatch.setenv("X_NAME", "n" * 65)
    with pytest.raises(ImproperlyConfigured, match="X_NAME must be at most 64 characters"):
        env.envname("X_NAME", "main", max_length=64)


def test_a_blank_name_is_the_default(monkeypatch):
    monkeypatch.setenv("X_NAME", "  ")
    assert env.envname("X_NAME", "main", max_length=64) == "main"
    monkeypatch.setenv("X_NAME", " north ")
    assert env.envname("X_NAME", "main", max_length=64) == "north"


def test_it_reads_a_secret_from_a_file(monkeypatch, tmp_path):
    secret = tmp_path / "key"
    secret.write_text("from-file\n")
    monkeypatch.delenv("APP_SECRET", raising=False)
    monkeypatch.setenv("APP_SECRET_FILE", str(secret))
    assert env.envsecret("APP_SECRET") == "from-file"


def test_it_names_the_missing_production_setting():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is required in production"):
        env.required("SECRET_KEY", None, "in production")


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("console:", "console"),
        ("smtp://u:p@mail.example.org:587?tls=1", "smtp"),
        ("file:///tmp/mail", "filebased"),
    ],
)
def test_it_parses_email_urls(url, backend):
    assert backend in env.email_settings(url)["EMAIL_BACKEND"]


def test_it_fails_to_start_in_production_without_settings(tmp_path):
    import os
    import subprocess
    import sys

    environ = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    environ.update(SPORTELLO_DEPLOYMENT="production", SPORTELLO_VAR_DIR=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], env=environ, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY is required in production" in result.stderr

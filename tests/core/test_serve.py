"""The one run command: the embedded product starts, answers and stops cleanly."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.switchboard.engine.conftest import rtp_port

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, proc: subprocess.Popen, attempts: int = 300) -> bytes:
    for _ in range(attempts):
        if proc.poll() is not None:
            raise AssertionError(f"serve exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return response.read()
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"{url} never answered")


def test_the_embedded_product_serves_demo_data_and_stops(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        SPORTELLO_VAR_DIR=str(tmp_path),
        PYTHONPATH="src",
        SWITCHBOARD_SIP_PORT=str(_free_port()),
        SWITCHBOARD_RTP_PORT_MIN=str(rtp_port(48000)),
        SWITCHBOARD_RTP_PORT_MAX=str(rtp_port(48999)),
    )
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=env, check=True)
    seeded = subprocess.run(
        [*manage, "seed_demo"], env=env, check=True, capture_output=True, text=True
    )
    assert "agent@demo.sportello.test" in seeded.stdout
    again = subprocess.run(
        [*manage, "seed_demo", "--quiet"], env=env, capture_output=True, text=True
    )
    assert again.returncode == 0  # idempotent

    port = _free_port()
    proc = subprocess.Popen([*manage, "serve", "--port", str(port)], env=env)
    try:
        body = _wait_for(f"http://127.0.0.1:{port}/it/", proc)
        assert b"Sportello" in body
        assert b'"ok"' in _wait_for(f"http://127.0.0.1:{port}/readyz", proc)
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0

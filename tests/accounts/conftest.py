import os
import secrets
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.oidc_provider import CLIENT_ID

PROJECT_DIR = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_discovery(process: subprocess.Popen, url: str, log: Path) -> None:
    """Poll until the provider answers; fail at once if its process dies."""
    while process.poll() is None:
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the test OpenID provider exited:\n{log.read_text()}")


@pytest.fixture(scope="session")
def oidc_provider(live_server, tmp_path_factory):
    """A real django-oauth-toolkit OpenID provider on loopback, whose client is the live server."""
    data_dir = tmp_path_factory.mktemp("oidc_provider")
    port, secret = _free_port(), secrets.token_urlsafe(24)
    redirect_uri = f"{live_server.url}/oidc/callback/"
    env = {**os.environ, "OIDC_PROVIDER_DIR": str(data_dir), "PYTHONPATH": str(PROJECT_DIR)}
    env["DJANGO_SETTINGS_MODULE"] = "tests.oidc_provider.settings"
    log = data_dir / "provider.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.oidc_provider", str(port), redirect_uri, secret],
            cwd=PROJECT_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    issuer = f"http://127.0.0.1:{port}/o"
    try:
        _wait_for_discovery(process, f"{issuer}/.well-known/openid-configuration", log)
        yield Provider(issuer=issuer, client_id=CLIENT_ID, client_secret=secret)
    finally:
        process.terminate()
        process.wait()


@pytest.fixture
def oidc_settings(settings, oidc_provider):
    """Point the relying party at the test provider, endpoints taken from its discovery document."""
    discovery = requests.get(f"{oidc_provider.issuer}/.well-known/openid-configuration").json()
    settings.OIDC_ENABLED = True
    settings.OIDC_OP_ISSUER = oidc_provider.issuer
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = discovery["authorization_endpoint"]
    settings.OIDC_OP_TOKEN_ENDPOINT = discovery["token_endpoint"]
    settings.OIDC_OP_USER_ENDPOINT = discovery["userinfo_endpoint"]
    settings.OIDC_OP_JWKS_ENDPOINT = discovery["jwks_uri"]
    settings.OIDC_RP_CLIENT_ID = oidc_provider.client_id
    settings.OIDC_RP_CLIENT_SECRET = oidc_provider.client_secret
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    return oidc_provider

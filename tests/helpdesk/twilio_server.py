"""A local HTTP server speaking Twilio's Messages API, for tests of the SMS transport."""

import base64
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import pytest

ACCOUNT = "AC00000000000000000000000000000001"
TOKEN = "secret-token"


@dataclass
class Gateway:
    url: str = ""
    received: list[dict] = field(default_factory=list)
    fail_with: int | None = None  # HTTP status to answer with instead of 201


def _handler(gateway: Gateway):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _reply(self, status: int, body: dict) -> None:
            raw = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        def do_POST(self):
            expected_path = f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"
            auth = base64.b64encode(f"{ACCOUNT}:{TOKEN}".encode()).decode()
            if self.headers.get("Authorization") != f"Basic {auth}":
                return self._reply(401, {"code": 20003, "message": "Authenticate", "status": 401})
            if self.path != expected_path:
                return self._reply(404, {"code": 20404, "message": "Not found", "status": 404})
            length = int(self.headers.get("Content-Length", 0))
            form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
            if gateway.fail_with:
                return self._reply(
                    gateway.fail_with,
                    {"code": 30001, "message": "Queue overflow", "status": gateway.fail_with},
                )
            if not form.get("To", "").startswith("+"):
                return self._reply(
                    400, {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400}
                )
            sid = f"SM{len(gateway.received):032d}"
            gateway.received.append(form)
            return self._reply(
                201,
                {
                    "sid": sid,
                    "status": "queued",
                    "to": form["To"],
                    "from": form.get("From"),
                    "body": form.get("Body"),
                    "account_sid": ACCOUNT,
                },
            )

    return Handler


def start() -> tuple[Gateway, ThreadingHTTPServer]:
    gateway = Gateway()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(gateway))
    gateway.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return gateway, server


@pytest.fixture
def gateway(settings):
    """A running local gateway, configured as the product's SMS provider."""
    gateway, server = start()
    settings.SMS_API_URL = gateway.url
    settings.SMS_ACCOUNT = ACCOUNT
    settings.SMS_TOKEN = TOKEN
    settings.SMS_FROM = "+15005550006"
    yield gateway
    server.shutdown()
    server.server_close()

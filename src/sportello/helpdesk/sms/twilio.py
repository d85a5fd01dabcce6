"""Twilio's Messages API (also spoken by several compatible gateways).

POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json, form-encoded To, From, Body, with
HTTP basic auth (AccountSid:AuthToken). Success is 201 with JSON {"sid": "SM…", "status":
"queued", …}; errors are 4xx/5xx with JSON {"code": 21211, "message": "…", "status": 400}.
"""

import base64
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass

from sportello.helpdesk.sms.base import SmsError, SmsResult

TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class TwilioTransport:
    base_url: str
    account: str
    token: str
    sender: str

    def url(self) -> str:
        account = urllib.parse.quote(self.account, safe="")
        return f"{self.base_url.rstrip('/')}/2010-04-01/Accounts/{account}/Messages.json"

    def build_request(self, to: str, body: str) -> urllib.request.Request:
        form = urllib.parse.urlencode({"To": to, "From": self.sender, "Body": body}).encode()
        auth = base64.b64encode(f"{self.account}:{self.token}".encode()).decode()
        return urllib.request.Request(
            self.url(),
            data=form,
            method="POST",
            headers={
                "Authorization": f"Basic {auth}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Accept": "application/json",
            },
        )

    def send(self, to: str, body: str) -> SmsResult:
        try:
            with urllib.request.urlopen(self.build_request(to, body), timeout=TIMEOUT_SECONDS) as r:
                return parse_success(r.read())
        except urllib.error.HTTPError as exc:
            raise SmsError(describe_error(exc.code, exc.read())) from None
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SmsError(f"gateway unreachable: {exc}") from None


def parse_success(raw: bytes) -> SmsResult:
    try:
        data = json.loads(raw)
        return SmsResult(provider_id=str(data["sid"]), status=str(data.get("status", "")))
    except (ValueError, KeyError, TypeError):
        raise SmsError("gateway answered without a message sid") from None


def describe_error(status: int, raw: bytes) -> str:
    try:
        data = json.loads(raw)
        return f"HTTP {status} code {data.get('code')}: {data.get('message')}"[:300]
    except ValueError:
        return f"HTTP {status}"

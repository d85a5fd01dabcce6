"""SIP phones register here with digest auth; a registration logs the agent in."""

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from sportello.switchboard.engine.sip import DigestServer, Ha1, IncomingRequest, Target, Verdict

log = logging.getLogger(__name__)
REALM = "sportello"
MAX_EXPIRES = 3600


@dataclass(frozen=True)
class Binding:
    agent_id: int
    target: Target
    contact: str
    expires_at: float


class Registrar:
    def __init__(
        self,
        ha1_for: Callable[[str], tuple[int, str] | None],
        on_change: Callable[[int, bool], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ha1_for = ha1_for  # sip username -> (agent id, HA1)
        self._on_change = on_change  # (agent id, registered)
        self._clock = clock
        self._digest = DigestServer(REALM, algorithms=("MD5",))
        self.bindings: dict[int, Binding] = {}

    def lookup(self, agent_id: int) -> Binding | None:
        binding = self.bindings.get(agent_id)
        if binding is None or binding.expires_at < self._clock():
            return None
        return binding

    def handle(self, incoming: IncomingRequest) -> None:
        request = incoming.request
        authorization = request.headers.get("Authorization")
        if authorization is None:
            self._challenge(incoming, stale=False)
            return
        result = self._digest.verify(authorization, "REGISTER", self._password)
        if result.verdict is not Verdict.OK:
            self._challenge(incoming, stale=result.verdict is Verdict.STALE)
            return
        known = self._ha1_for(result.username or "")
        if known is None or request.to_addr.uri.user != result.username:
            incoming.respond(403, "Forbidden")
            return
        agent_id = known[0]
        expires = self._expires(request)
        if expires == 0:
            if self.bindings.pop(agent_id, None) is not None:
                self._on_change(agent_id, False)
            incoming.respond(200)
            return
        contact = request.contacts[0] if request.contacts else None
        if contact is None:
            incoming.respond(400, "Contact Required")
            return
        target = self._target(incoming, contact)
        was_registered = self.lookup(agent_id) is not None
        self.bindings[agent_id] = Binding(
            agent_id, target, str(contact.uri), self._clock() + expires
        )
        incoming.respond(200, contact=contact, headers=[("Expires", str(expires))])
        if not was_registered:
            self._on_change(agent_id, True)

    def expire(self) -> None:
        now = self._clock()
        for agent_id, binding in list(self.bindings.items()):
            if binding.expires_at < now:
                del self.bindings[agent_id]
                self._on_change(agent_id, False)

    @staticmethod
    def _target(incoming: IncomingRequest, contact) -> Target:
        """The Contact when it is reachable as given; behind NAT, where the REGISTER came from."""
        source = incoming.source
        uri = contact.uri
        if uri.host == source.host and uri.port:
            transport = uri.params.get("transport", source.transport).lower()
            return Target(uri.host, uri.port, transport)
        return Target(source.host, source.port, source.transport)

    def _password(self, username: str) -> str | None:
        known = self._ha1_for(username)
        return Ha1(known[1]) if known and known[1] else None

    def _challenge(self, incoming: IncomingRequest, *, stale: bool) -> None:
        headers = [("WWW-Authenticate", value) for value in self._digest.challenges(stale=stale)]
        incoming.respond(401, "Unauthorized", headers=headers)

    @staticmethod
    def _expires(request) -> int:
        contact = request.contacts[0] if request.contacts else None
        raw = (contact.params.get("expires") if contact else None) or request.headers.get("Expires")
        try:
            return max(0, min(int(raw), MAX_EXPIRES)) if raw is not None else MAX_EXPIRES
        except ValueError:
            return MAX_EXPIRES

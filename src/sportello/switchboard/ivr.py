"""IVR flows as data, and a pure interpreter that turns caller events into engine actions.

A flow definition is JSON an administrator edits in the web UI:

    {"start": "hours", "nodes": {
        "hours": {"type": "hours", "open": "lang", "closed": "closed"},
        "closed": {"type": "play", "prompt": "closed", "next": "voicemail"},
        "lang": {"type": "language", "next": "menu"},
        "menu": {"type": "menu", "prompt": "main_menu", "options": {"1": "jobs", "2": "help"}},
        "jobs": {"type": "queue", "skill": "jobs"},
        "voicemail": {"type": "voicemail", "skill": "jobs"},
        "book": {"type": "book_appointment", "need": "spid", "next": "bye", "failed": "bye"},
        "bye": {"type": "hangup"}}}

The interpreter never does I/O: the engine feeds it events (digits, timeouts, prompt ended)
and performs the actions it returns.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from sportello.helpdesk.choices import Need

LANGUAGE_KEYS = {"1": "it", "2": "fr", "3": "ca", "4": "es", "5": "en"}
NODE_TYPES = {
    "hours", "play", "language", "menu", "queue", "voicemail", "callback", "book_appointment",
    "hangup",
}  # fmt: skip
BOOKED_PROMPT, NOT_BOOKED_PROMPT = "appointment_booked", "appointment_failed"
MAX_NODES = 200


class FlowError(ValueError):
    pass


@dataclass(frozen=True)
class Play:
    prompt: str
    language: str


@dataclass(frozen=True)
class Collect:
    """Wait for one DTMF digit for up to `timeout` seconds."""

    timeout: float


@dataclass(frozen=True)
class EnterQueue:
    skill: str
    language: str


@dataclass(frozen=True)
class LeaveVoicemail:
    skill: str
    language: str


@dataclass(frozen=True)
class OfferCallback:
    skill: str
    language: str


@dataclass(frozen=True)
class BookAppointment:
    """Book the caller a help-desk call-back appointment; the engine reports back to `booked`."""

    need: str
    language: str


@dataclass(frozen=True)
class Hangup:
    reason: str


def validate(definition: object) -> list[str]:
    """Every problem with a definition, in plain words; empty when it is usable."""
    if not isinstance(definition, dict) or not isinstance(definition.get("nodes"), dict):
        return [str(_("The flow must have a 'nodes' object."))]
    nodes = definition["nodes"]
    errors: list[str] = []
    if len(nodes) > MAX_NODES:
        errors.append(str(_("A flow may have at most %(n)s steps.") % {"n": MAX_NODES}))
    if definition.get("start") not in nodes:
        errors.append(str(_("The start step does not exist.")))
    for name, node in nodes.items():
        if not isinstance(node, dict) or node.get("type") not in NODE_TYPES:
            errors.append(str(_("Step '%(name)s' has an unknown type.") % {"name": name}))
            continue
        for target in _targets(node):
            if target not in nodes:
                errors.append(
                    str(
                        _("Step '%(name)s' points to '%(target)s', which does not exist.")
                        % {"name": name, "target": target}
                    )
                )
        if node["type"] == "menu":
            options = node.get("options")
            if (
                not isinstance(options, dict)
                or not options
                or not all(k in "0123456789*#" and len(k) == 1 for k in options)
            ):
                errors.append(
                    str(_("Menu '%(name)s' needs options keyed by one digit.") % {"name": name})
                )
        if node["type"] in {"queue", "voicemail", "callback"} and not node.get("skill"):
            errors.append(str(_("Step '%(name)s' needs a service (skill).") % {"name": name}))
        if node["type"] == "book_appointment":
            errors += _booking_errors(name, node)
    return errors


def _booking_errors(name: str, node: dict) -> list[str]:
    errors = []
    if node.get("need") not in Need.values:
        errors.append(
            str(
                _("Step '%(name)s' needs one of these help-desk needs: %(needs)s.")
                % {"name": name, "needs": ", ".join(Need.values)}
            )
        )
    if not isinstance(node.get("next"), str) or not isinstance(node.get("failed"), str):
        errors.append(
            str(
                _("Step '%(name)s' needs a 'next' step (booked) and a 'failed' step.")
                % {"name": name}
            )
        )
    return errors


def _targets(node: dict) -> list[str]:
    keys = ("next", "open", "closed", "invalid", "fallback", "failed")
    targets = [node[k] for k in keys if isinstance(node.get(k), str)]
    if isinstance(node.get("options"), dict):
        targets += [t for t in node["options"].values() if isinstance(t, str)]
    return targets


@dataclass
class IvrSession:
    """One caller's walk through a flow."""

    definition: dict
    is_open: bool
    language: str = "it"
    path: list[str] = field(default_factory=list)
    _node: str | None = None
    _retries: int = 0
    _after_prompt: str | None = None

    def start(self) -> list:
        return self._enter(self.definition["start"])

    def digit(self, digit: str) -> list:
        node = self._current()
        if node is None:
            return []
        if node["type"] == "language":
            self.language = LANGUAGE_KEYS.get(digit, self.language)
            return self._enter(node["next"])
        if node["type"] == "menu":
            target = node["options"].get(digit)
            if target is not None:
                return self._enter(target)
            return self._retry(node, "invalid_choice")
        return []

    def timeout(self) -> list:
        node = self._current()
        if node is None:
            return []
        if node["type"] == "language":
            return self._enter(node["next"])
        if node["type"] == "menu":
            return self._retry(node, None)
        return []

    def prompt_ended(self) -> list:
        node = self._current()
        if node is not None and node["type"] == "play":
            return self._enter(node.get("next", "")) if node.get("next") else [Hangup("flow_end")]
        if node is not None and node["type"] == "book_appointment" and self._after_prompt:
            return self._enter(self._after_prompt)
        return []

    def booked(self, ok: bool) -> list:
        """The engine's answer to BookAppointment: tell the caller, then `next` or `failed`."""
        node = self._current()
        if node is None or node["type"] != "book_appointment":
            return []
        self._after_prompt = node["next"] if ok else node["failed"]
        return [Play(BOOKED_PROMPT if ok else NOT_BOOKED_PROMPT, self.language)]

    def _current(self) -> dict | None:
        return self.definition["nodes"].get(self._node) if self._node else None

    def _retry(self, node: dict, prompt: str | None) -> list:
        self._retries += 1
        if self._retries > int(node.get("retries", 2)):
            fallback = node.get("fallback")
            return (
                self._enter(fallback)
                if fallback
                else [Play("goodbye", self.language), Hangup("no_choice")]
            )
        actions: list = [Play(prompt, self.language)] if prompt else []
        return actions + [
            Play(node["prompt"], self.language),
            Collect(float(node.get("timeout", 6))),
        ]

    def _enter(self, name: str) -> list:
        self._node, self._retries, self._after_prompt = name, 0, None
        self.path.append(name)
        node = self.definition["nodes"][name]
        kind = node["type"]
        if kind == "hours":
            return self._enter(node["open"] if self.is_open else node["closed"])
        if kind == "play":
            return [Play(node["prompt"], self.language)]
        if kind == "language":
            return [Play("choose_language", "multi"), Collect(float(node.get("timeout", 6)))]
        if kind == "menu":
            return [Play(node["prompt"], self.language), Collect(float(node.get("timeout", 6)))]
        if kind == "queue":
            return [EnterQueue(node["skill"], self.language)]
        if kind == "voicemail":
            return [LeaveVoicemail(node["skill"], self.language)]
        if kind == "callback":
            return [OfferCallback(node["skill"], self.language)]
        if kind == "book_appointment":
            return [BookAppointment(node["need"], self.language)]
        return [Play("goodbye", self.language), Hangup("flow_end")]


DEFAULT_FLOW = {
    "start": "hours",
    "nodes": {
        "hours": {"type": "hours", "open": "lang", "closed": "closed"},
        "closed": {"type": "play", "prompt": "closed", "next": "voicemail"},
        "voicemail": {"type": "voicemail", "skill": "jobs"},
        "lang": {"type": "language", "next": "menu", "timeout": 5},
        "menu": {
            "type": "menu",
            "prompt": "main_menu",
            "options": {"1": "jobs", "2": "calls", "3": "helpdesk", "9": "menu"},
            "fallback": "jobs",
            "timeout": 5,
        },
        "jobs": {"type": "queue", "skill": "jobs"},
        "calls": {"type": "queue", "skill": "calls"},
        "helpdesk": {"type": "queue", "skill": "helpdesk"},
    },
}

# The help-desk number: mediators answer in opening hours; outside them the caller may book a
# call-back appointment (the mediator calls at the booked time) or leave a message.
HELPLINE_FLOW = {
    "start": "lang",
    "nodes": {
        "lang": {"type": "language", "next": "hours", "timeout": 5},
        "hours": {"type": "hours", "open": "helpdesk", "closed": "closed_menu"},
        "helpdesk": {"type": "queue", "skill": "helpdesk"},
        "closed_menu": {
            "type": "menu",
            "prompt": "helpline_closed_menu",
            "options": {"1": "book", "2": "voicemail"},
            "fallback": "voicemail",
            "timeout": 6,
        },
        "book": {"type": "book_appointment", "need": "spid", "next": "bye", "failed": "bye"},
        "voicemail": {"type": "voicemail", "skill": "helpdesk"},
        "bye": {"type": "hangup"},
    },
}

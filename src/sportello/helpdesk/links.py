"""Signed links that let a citizen act on a booking without logging in.

Each purpose has its own salt, so a cancel link can never reschedule; each link carries the
object's nonce, which changes when the link is used, so it works once.
"""

from django.conf import settings
from django.core import signing
from django.urls import reverse

CANCEL = "helpdesk.booking.cancel"
RESCHEDULE = "helpdesk.booking.reschedule"
VIEW = "helpdesk.booking.view"
WAITLIST = "helpdesk.waitlist.confirm"

MAX_AGE = {
    CANCEL: 60 * 60 * 24 * 60,
    RESCHEDULE: 60 * 60 * 24 * 60,
    VIEW: 60 * 60 * 24 * 60,
    WAITLIST: 60 * 60 * 24,
}
URL_NAMES = {
    CANCEL: "helpdesk:cancel",
    RESCHEDULE: "helpdesk:reschedule",
    VIEW: "helpdesk:booking",
    WAITLIST: "helpdesk:waitlist_confirm",
}


def make_token(purpose: str, obj) -> str:
    return signing.dumps({"id": obj.pk, "n": obj.nonce}, salt=purpose, compress=True)


def read_token(purpose: str, token: str) -> tuple[int, str] | None:
    """(id, nonce) from a valid, unexpired token for `purpose`; None otherwise."""
    max_age = getattr(settings, "HELPDESK_LINK_MAX_AGE", {}).get(purpose, MAX_AGE[purpose])
    try:
        data = signing.loads(token, salt=purpose, max_age=max_age)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), int):
        return None
    return data["id"], str(data.get("n", ""))


def path(purpose: str, obj) -> str:
    return reverse(URL_NAMES[purpose], args=[make_token(purpose, obj)])


def absolute(purpose: str, obj) -> str:
    return f"{settings.SITE_URL}{path(purpose, obj)}"

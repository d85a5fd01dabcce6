"""E-mails to citizens at each step, in the citizen's language, sent after commit."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from sportello.hiring.models import Application


def _messages() -> dict[str, tuple[str, str]]:
    return {
        "withdrawn": (
            _("Application %(protocol)s withdrawn"),
            _("Your application %(protocol)s to the call “%(call)s” is withdrawn."),
        ),
        "provisional": (
            _("Provisional ranking published: %(call)s"),
            _(
                "The provisional ranking of the call “%(call)s” is published. You may ask for a "
                "review within the appeal window. Your score and its explanation: %(url)s"
            ),
        ),
        "final": (
            _("Final ranking published: %(call)s"),
            _("The final ranking of the call “%(call)s” is published. Your result: %(url)s"),
        ),
        "appeal_decided": (
            _("Your review request was decided: %(call)s"),
            _("Your review request for application %(protocol)s was decided: %(url)s"),
        ),
        "excluded": (
            _("Application %(protocol)s excluded"),
            _("After checking the declarations, application %(protocol)s was excluded: %(url)s"),
        ),
    }


def render(user, event: str, app: Application) -> tuple[str, str]:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        subject, body = _messages()[event]
        url = settings.SITE_URL + reverse("hiring:application", args=[app.pk])
        values = {"protocol": app.protocol, "call": app.call.title_text, "url": url}
        return subject % values, body % values


def notify(user, event: str, app: Application) -> None:
    """Queue an e-mail to `user` once the current transaction commits."""
    from sportello.core.tasks import send_email

    subject, body = render(user, event, app)
    transaction.on_commit(lambda: send_email.enqueue(subject, body, [user.email]))


def _body_messages() -> dict[str, tuple[str, str]]:
    return {
        "request_decided": (
            _("Staffing request “%(profile)s”: %(status)s"),
            _("The office decided on your staffing request “%(profile)s”: %(status)s. %(reason)s"),
        ),
        "candidates": (
            _("Candidates for the call “%(call)s”"),
            _("The office sent you candidates for the call “%(call)s”: %(url)s"),
        ),
    }


def notify_body(body, event: str, values: dict, url_name: str = "", url_args=()) -> None:
    """Queue an e-mail to each user of `body`, each in their own language, after commit.

    `values` may hold callables, evaluated in the recipient's language."""
    from sportello.accounts.models import User
    from sportello.accounts.roles import Role
    from sportello.core.tasks import send_email

    users = User.objects.filter(
        role_assignments__role=Role.BODY_USER, role_assignments__body=body, is_active=True
    ).distinct()
    for user in users:
        with translation.override(user.language or settings.LANGUAGE_CODE):
            url = settings.SITE_URL + reverse(url_name, args=url_args) if url_name else ""
            localized = {k: str(v() if callable(v) else v) for k, v in values.items()}
            subject, text = _body_messages()[event]
            subject, text = subject % {**localized, "url": url}, text % {**localized, "url": url}
            if url and url not in text:
                text = f"{text}\n\n{url}"
        transaction.on_commit(lambda s=subject, t=text, e=user.email: send_email.enqueue(s, t, [e]))

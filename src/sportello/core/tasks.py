"""Shared tasks. Product apps define their own `tasks.py` with the same API."""

from django.core.mail import send_mail
from django_tasks import task


@task(queue_name="email")
def send_email(subject: str, body: str, recipients: list[str]) -> int:
    """Send one e-mail from the worker, so a slow mail server never slows a page."""
    return send_mail(subject, body, None, recipients)


@task()
def ping(value: str) -> str:
    """Round trip used by tests and operators to check that the worker runs tasks."""
    return value

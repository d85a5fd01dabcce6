"""Outbound SMS. One transport speaks to the provider over HTTP; callers use `send`."""

from django.conf import settings

from sportello.helpdesk.sms.base import SmsError, SmsResult
from sportello.helpdesk.sms.twilio import TwilioTransport

__all__ = ["SmsError", "SmsResult", "configured", "send"]


def configured() -> bool:
    return bool(getattr(settings, "SMS_API_URL", ""))


def transport() -> TwilioTransport:
    return TwilioTransport(
        base_url=settings.SMS_API_URL,
        account=settings.SMS_ACCOUNT,
        token=settings.SMS_TOKEN,
        sender=settings.SMS_FROM,
    )


def send(to: str, body: str) -> SmsResult:
    if not configured():
        raise SmsError("SMS_API_URL is not set")
    return transport().send(to, body)

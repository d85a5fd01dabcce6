from dataclasses import dataclass


class SmsError(Exception):
    """The provider refused the message or could not be reached; worth retrying later."""


@dataclass(frozen=True)
class SmsResult:
    provider_id: str
    status: str

"""Phone numbers, parsed with libphonenumber (default region Italy) and stored as E.164."""

import phonenumbers


def normalise(raw: str, region: str = "IT") -> str | None:
    """E.164 form of `raw`, or None when it is not a valid phone number."""
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

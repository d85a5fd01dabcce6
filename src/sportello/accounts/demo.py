"""Demo people and organisations. Only for the embedded demo; never in production."""

import time
from binascii import unhexlify

from django.conf import settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from sportello.accounts.models import Body, CitizenProfile, Office, RoleAssignment, User
from sportello.accounts.roles import Role

PASSWORD = "demo-Sportello-2026"
# One shared TOTP key for every demo staff account, so `manage.py demo_code` gives the code.
TOTP_KEY = "3132333435363738393031323334353637383930"

OFFICES = [
    ("aosta", "Centro per l'impiego di Aosta", "Valle d'Aosta"),
    ("bologna", "Centro per l'impiego di Bologna", "Emilia-Romagna"),
]
BODIES = [
    ("Comune di Aosta", "00120490079", "aosta"),
    ("Comune di Bologna", "01232710374", "bologna"),
]
STAFF = [
    ("operator@demo.sportello.test", "Olga Operatrice", Role.OPERATOR, "aosta"),
    ("manager@demo.sportello.test", "Marco Responsabile", Role.MANAGER, "aosta"),
    ("body@demo.sportello.test", "Bruna Comune", Role.BODY_USER, "aosta"),
    ("agent@demo.sportello.test", "Anna Agente", Role.AGENT, "aosta"),
    ("agent2@demo.sportello.test", "Paolo Agente", Role.AGENT, "aosta"),
    ("supervisor@demo.sportello.test", "Sara Supervisora", Role.SUPERVISOR, None),
    ("mediator@demo.sportello.test", "Luca Mediatore", Role.MEDIATOR, "aosta"),
    ("coordinator@demo.sportello.test", "Carla Coordinatrice", Role.COORDINATOR, "aosta"),
    ("admin@demo.sportello.test", "Ada Amministratrice", Role.ADMINISTRATOR, None),
]
CITIZENS = [
    (
        "mario.rossi@demo.sportello.test",
        "Mario",
        "Rossi",
        "RSSMRA85T10A562S",
        "1985-12-10",
        "M",
        "it",
    ),
    ("claire.martin@demo.sportello.test", "Claire", "Martin", None, "1979-04-02", "F", "fr"),
    ("jordi.puig@demo.sportello.test", "Jordi", "Puig", None, "1990-07-21", "M", "ca"),
    ("lucia.garcia@demo.sportello.test", "Lucía", "García", None, "1968-01-15", "F", "es"),
    ("john.smith@demo.sportello.test", "John", "Smith", None, "1972-09-30", "M", "en"),
]


def _user(email: str, name: str, language: str = "it") -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"display_name": name, "language": language, "email_verified": True}
    )
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user


def seed() -> None:
    offices = {}
    for code, name, region in OFFICES:
        offices[code], _ = Office.objects.get_or_create(
            code=code, defaults={"name": name, "region": region}
        )
    bodies = {}
    for name, tax_code, office in BODIES:
        bodies[office], _ = Body.objects.get_or_create(
            tax_code=tax_code, defaults={"name": name, "office": offices[office]}
        )
    for email, name, role, office in STAFF:
        user = _user(email, name)
        RoleAssignment.objects.get_or_create(
            user=user,
            role=role,
            office=offices[office] if office else None,
            body=bodies[office] if role == Role.BODY_USER else None,
        )
        TOTPDevice.objects.get_or_create(
            user=user, name="demo", defaults={"key": TOTP_KEY, "confirmed": True}
        )
        if role == Role.ADMINISTRATOR and not user.is_superuser:
            user.is_superuser = user.is_staff = True
            user.save()
    for email, given, family, code, birth, sex, lang in CITIZENS:
        user = _user(email, f"{given} {family}", lang)
        CitizenProfile.objects.get_or_create(
            user=user,
            defaults={
                "given_name": given,
                "family_name": family,
                "fiscal_code": code,
                "birth_date": birth,
                "sex": sex,
                "phone": "+39 0165 000 000",
            },
        )


def current_code() -> str:
    totp = TOTP(unhexlify(TOTP_KEY), step=30, digits=6)
    totp.time = time.time()
    return f"{totp.token():06d}"


def logins_text() -> str:
    lines = [
        "",
        f"Sportello demo is at {settings.SITE_URL}/",
        f"Every demo account uses the password: {PASSWORD}",
        "Staff accounts also ask for a two-step code: run `./manage.py demo_code`, or add this key",
        f"to an authenticator app: otpauth://totp/Sportello-demo?secret={_base32(TOTP_KEY)}",
        "",
        "Staff:",
    ]
    lines += [f"  {role.label:<22} {email}" for email, _n, role, _o in STAFF]
    lines += ["Citizens:"]
    lines += [f"  {lang}  {email}" for email, *_rest, lang in CITIZENS]
    return "\n".join(str(line) for line in lines) + "\n"


def _base32(hex_key: str) -> str:
    from base64 import b32encode

    return b32encode(unhexlify(hex_key)).decode()

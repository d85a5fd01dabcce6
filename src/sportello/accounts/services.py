"""Account rules with no HTTP in them: sign-up, e-mail verification, lockout, GDPR."""

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from sportello.accounts.models import CitizenProfile, User
from sportello.audit.log import record

VERIFY_SALT = "sportello.accounts.verify-email"


@dataclass(frozen=True)
class SignupResult:
    created: bool
    user: User | None


def sign_up(
    *, email: str, password: str, given_name: str, family_name: str, language: str
) -> SignupResult:
    """Create an unverified citizen and mail a link; for a known address, mail a reminder instead.

    The page shown afterwards is the same in both cases, so sign-up does not reveal who has an
    account.
    """
    existing = User.objects.filter(email__iexact=email).first()
    if existing is not None:
        _mail(
            existing,
            "accounts/email/already_registered",
            {"login_url": _abs(reverse("accounts:login"))},
        )
        return SignupResult(created=False, user=None)
    with transaction.atomic():
        user = User.objects.create_user(
            email, password, display_name=f"{given_name} {family_name}".strip(), language=language
        )
        CitizenProfile.objects.create(user=user, given_name=given_name, family_name=family_name)
        record("account.created", actor=user, subject=user, obj=user)
    send_verification(user)
    return SignupResult(created=True, user=user)


def verification_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT)


def send_verification(user: User) -> None:
    url = _abs(reverse("accounts:verify_email", args=[verification_token(user)]))
    _mail(user, "accounts/email/verify", {"verify_url": url})


def verify_email(token: str) -> User | None:
    """Mark the address verified; None when the link is expired, altered or for an old address."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.BadSignature:
        return None
    user = User.objects.filter(pk=data.get("u"), email=data.get("e")).first()
    if user is None:
        return None
    if not user.email_verified:
        user.email_verified = True
        user.save(update_fields=["email_verified"])
        record("account.email_verified", actor=user, subject=user, obj=user)
    return user


def _lock_key(email: str) -> str:
    return f"login-failures:{email.lower()}"


def is_locked_out(email: str) -> bool:
    return cache.get(_lock_key(email), 0) >= settings.LOGIN_FAILURE_LIMIT


def note_login_failure(email: str) -> None:
    key = _lock_key(email)
    cache.add(key, 0, settings.LOGIN_LOCKOUT_SECONDS)
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, settings.LOGIN_LOCKOUT_SECONDS)


def clear_login_failures(email: str) -> None:
    cache.delete(_lock_key(email))


# Other apps register functions returning {section: data} for the citizen's JSON export.
personal_data_exporters: list = []


def export_personal_data(user: User) -> dict:
    profile = getattr(user, "citizen", None)
    data: dict = {
        "exported_at": timezone.now().isoformat(),
        "account": {
            "email": user.email,
            "name": user.display_name,
            "language": user.language,
            "joined": user.date_joined.isoformat(),
        },
    }
    if profile is not None:
        data["profile"] = {
            "given_name": profile.given_name,
            "family_name": profile.family_name,
            "fiscal_code": profile.fiscal_code,
            "birth_date": profile.birth_date.isoformat() if profile.birth_date else None,
            "sex": profile.sex,
            "phone": profile.phone,
        }
    for exporter in personal_data_exporters:
        data.update(exporter(user))
    record("gdpr.export", actor=user, subject=user, obj=user)
    return data


def request_deletion(user: User) -> None:
    profile, _ = CitizenProfile.objects.get_or_create(user=user)
    if profile.deletion_requested_at is None:
        profile.deletion_requested_at = timezone.now()
        profile.save(update_fields=["deletion_requested_at"])
        record("gdpr.deletion_requested", actor=user, subject=user, obj=profile)


def anonymise(user: User, *, by: User) -> None:
    """Erase what identifies the citizen; records the law requires are kept but unlinked."""
    with transaction.atomic():
        record("gdpr.anonymised", actor=by, subject=user, obj=user)
        CitizenProfile.objects.filter(user=user).update(
            given_name="", family_name="", fiscal_code=None, birth_date=None, phone="", sex=""
        )
        user.email = f"deleted-{user.pk}@invalid"
        user.display_name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()


def _abs(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _mail(user: User, template: str, context: dict) -> None:
    with translation.override(user.language or settings.LANGUAGE_CODE):
        context = {**context, "user": user, "site_name": settings.SITE_NAME}
        subject = render_to_string(f"{template}_subject.txt", context).strip()
        body = render_to_string(f"{template}.txt", context)
    send_mail(subject, body, None, [user.email])

"""Citizen login through OpenID Connect (SPID/CIE identity providers, usually via a proxy).

Italian identity providers send the fiscal number as "TINIT-<codice fiscale>", under the
claim name `fiscal_number` or the SPID/CIE attribute URI; both are accepted.
"""

import datetime
import logging

from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from sportello.accounts.codice_fiscale import CodiceFiscaleError, normalise, validate
from sportello.accounts.models import CitizenProfile
from sportello.audit.log import record
from sportello.core import rows

log = logging.getLogger(__name__)

FISCAL_CLAIMS = ("fiscal_number", "https://attributes.eid.gov.it/fiscal_number", "fiscal_code")


def fiscal_code_from_claims(claims: dict) -> str | None:
    for name in FISCAL_CLAIMS:
        if value := claims.get(name):
            code = normalise(str(value).removeprefix("TINIT-").removeprefix("tinit-"))
            try:
                validate(code)
            except CodiceFiscaleError:
                return None
            return code
    return None


def birth_date_from_claims(claims: dict) -> datetime.date | None:
    raw = claims.get("birthdate") or claims.get("birth_date")
    try:
        return datetime.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


class CitizenOIDCBackend(OIDCAuthenticationBackend):
    def get_user(self, user_id):
        return rows.load(self.UserModel, user_id)

    def get_userinfo(self, access_token, id_token, payload):
        claims = super().get_userinfo(access_token, id_token, payload)
        if claims.get("sub") != payload.get("sub"):  # OIDC Core 5.3.2
            raise SuspiciousOperation("userinfo is about another subject than the ID token")
        # Userinfo need not repeat the issuer (or every claim): the verified ID token has it.
        return {**payload, **claims}

    def verify_claims(self, claims):
        return fiscal_code_from_claims(claims) is not None

    def filter_users_by_claims(self, claims):
        code = fiscal_code_from_claims(claims)
        if code is None:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(citizen__fiscal_code=code)

    @transaction.atomic
    def create_user(self, claims):
        code = fiscal_code_from_claims(claims)
        email = (claims.get("email") or f"{code.lower()}@oidc.invalid").lower()
        if user := self.UserModel.objects.filter(email=email).first():
            # The address belongs to a password account: link it rather than duplicate it, but
            # only if its owner proved the address and it is not another person's account.
            profile = getattr(user, "citizen", None)
            if not user.email_verified or (profile and profile.fiscal_code):
                log.warning("OIDC login refused: its e-mail belongs to user %s", user.pk)
                raise SuspiciousOperation("the e-mail address belongs to another account")
        else:
            user = self.UserModel.objects.create_user(email, None, email_verified="email" in claims)
        self._apply_claims(user, claims, code)
        record("account.created_oidc", actor=user, subject=user, obj=user)
        return user

    def update_user(self, user, claims):
        self._apply_claims(user, claims, fiscal_code_from_claims(claims))
        return user

    def _apply_claims(self, user, claims, code):
        profile, _ = CitizenProfile.objects.get_or_create(user=user)
        profile.fiscal_code = code
        profile.given_name = claims.get("given_name", profile.given_name)
        profile.family_name = claims.get("family_name", profile.family_name)
        profile.birth_date = birth_date_from_claims(claims) or profile.birth_date
        profile.identity_provider = str(claims.get("iss", ""))[:100]
        profile.save()
        user.display_name = f"{profile.given_name} {profile.family_name}".strip()
        user.save(update_fields=["display_name"])

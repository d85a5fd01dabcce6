from oauth2_provider.oauth2_validators import OAuth2Validator

from tests.oidc_provider import CITIZENS


class CitizenClaimsValidator(OAuth2Validator):
    """Puts the SPID/CIE-style claims of the logged-in user in the ID token and userinfo."""

    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "fiscal_number": "profile"}

    def get_additional_claims(self, request):
        return dict(CITIZENS.get(request.user.get_username(), {}))

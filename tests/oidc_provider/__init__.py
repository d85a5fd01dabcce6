"""A tiny real OpenID provider (django-oauth-toolkit) that the OIDC tests start on loopback.

Run it with `python -m tests.oidc_provider PORT REDIRECT_URI CLIENT_SECRET` and
OIDC_PROVIDER_DIR pointing at a scratch directory (its SQLite database lives there).
"""

CLIENT_ID = "sportello"
PASSWORD = "provider-password-2026"

# What the provider asserts about each of its users, as a SPID/CIE proxy would.
CITIZENS = {
    "mario": {
        "fiscal_number": "TINIT-RSSMRA85T10A562S",
        "given_name": "Mario",
        "family_name": "Rossi",
        "birthdate": "1985-12-10",
        "email": "mario.rossi@example.org",
    },
    "forged": {
        "fiscal_number": "TINIT-RSSMRA85T10A562X",  # wrong check character
        "given_name": "Falso",
        "family_name": "Rossi",
        "birthdate": "1985-12-10",
        "email": "falso.rossi@example.org",
    },
}

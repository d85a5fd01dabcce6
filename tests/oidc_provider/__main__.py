"""Start the test provider: migrate its database, register the client and users, serve."""

import os
import sys

import django
from django.core.management import call_command


def seed(redirect_uri: str, client_secret: str) -> None:
    from django.contrib.auth.models import User
    from oauth2_provider.models import Application

    from tests.oidc_provider import CITIZENS, CLIENT_ID, PASSWORD

    for username in CITIZENS:
        user, _ = User.objects.get_or_create(username=username)
        user.set_password(PASSWORD)
        user.save()
    Application.objects.update_or_create(
        client_id=CLIENT_ID,
        defaults={
            "name": "Sportello",
            "client_type": Application.CLIENT_CONFIDENTIAL,
            "authorization_grant_type": Application.GRANT_AUTHORIZATION_CODE,
            "client_secret": client_secret,
            "redirect_uris": redirect_uri,
            "skip_authorization": True,
            "algorithm": Application.RS256_ALGORITHM,
        },
    )


def main(port: str, redirect_uri: str, client_secret: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oidc_provider.settings")
    django.setup()
    call_command("migrate", verbosity=0)
    seed(redirect_uri, client_secret)
    call_command("runserver", f"127.0.0.1:{port}", use_reloader=False)


if __name__ == "__main__":
    main(*sys.argv[1:4])

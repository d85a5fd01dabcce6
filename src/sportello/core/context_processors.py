from django.conf import settings


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_OWNER": settings.SITE_OWNER,
        "THEME_LOGO_URL": settings.THEME_LOGO_URL,
        "OIDC_ENABLED": settings.OIDC_ENABLED,
    }

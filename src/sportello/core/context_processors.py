from django.conf import settings

from sportello.core import navigation


def site(request):
    return {
        "SITE_NAME": settings.SITE_NAME,
        "SITE_OWNER": settings.SITE_OWNER,
        "THEME_LOGO_URL": settings.THEME_LOGO_URL,
        "OIDC_ENABLED": settings.OIDC_ENABLED,
        "citizen_links": navigation.links_for(request, "citizen"),
        "area_links": navigation.links_for(request, "area"),
        "staff_links": navigation.links_for(request, "staff"),
    }

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from sportello.core import views as core_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("theme.css", core_views.theme_css, name="theme_css"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("oidc/", include("sportello.accounts.oidc_urls")),
]

urlpatterns += i18n_patterns(
    path("", include("sportello.core.urls")),
    path("account/", include("sportello.accounts.urls")),
    path("audit/", include("sportello.audit.urls")),
    path("calls/", include("sportello.hiring.urls")),
    path("switchboard/", include("sportello.switchboard.urls")),
    path("help/", include("sportello.helpdesk.urls")),
    path("django-admin/", admin.site.urls),
    prefix_default_language=True,
)


handler403 = "sportello.core.views.forbidden"
handler404 = "sportello.core.views.not_found"
handler500 = "sportello.core.views.server_error"

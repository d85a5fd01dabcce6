import hmac

from django.conf import settings
from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET
from prometheus_client import generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

from sportello.accounts.roles import Role, has_role
from sportello.core import health
from sportello.core.metrics import registry, task_queue_depth


def home(request):
    return render(request, "core/home.html")


def accessibility(request):
    return render(request, "core/accessibility.html")


def privacy(request):
    return render(request, "core/privacy.html")


@require_GET
@never_cache
def healthz(request):
    return JsonResponse({"status": "ok"})


@require_GET
@never_cache
def readyz(request):
    checks = health.readiness()
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503
    )


def _may_read_metrics(request) -> bool:
    auth = request.headers.get("Authorization", "")
    if settings.METRICS_TOKEN and hmac.compare_digest(auth, f"Bearer {settings.METRICS_TOKEN}"):
        return True
    user = request.user
    return user.is_authenticated and user.is_verified() and has_role(user, Role.ADMINISTRATOR)


@require_GET
@never_cache
def metrics(request):
    if not _may_read_metrics(request):
        return HttpResponseForbidden(_("Metrics are for operators only."))
    for queue, depth in health.task_queue_depths().items():
        task_queue_depth.labels(queue).set(depth)
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)


@require_GET
@cache_control(max_age=300, public=True)
def theme_css(request):
    return render(
        request,
        "core/theme.css",
        {"primary": settings.THEME_PRIMARY_COLOR},
        content_type="text/css; charset=utf-8",
    )


def _error_page(request, status: int, title: str, message: str):
    return render(request, "core/error.html", {"title": title, "message": message}, status=status)


def ratelimited(request, exception=None):
    return _error_page(request, 429, _("Too many attempts"),
                       _("You have tried too many times. Please wait a few minutes and try again."))  # fmt: skip


def forbidden(request, exception=None):
    return _error_page(request, 403, _("Access denied"),
                       _("You do not have permission to see this page."))  # fmt: skip


def not_found(request, exception=None):
    return _error_page(request, 404, _("Page not found"),
                       _("The page you asked for does not exist or is no longer available."))  # fmt: skip


def server_error(request):
    return _error_page(request, 500, _("Something went wrong"),
                       _("We could not complete your request. Please try again later."))  # fmt: skip

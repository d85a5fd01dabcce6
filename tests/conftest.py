import pytest
from django.core.cache import cache

from tests.factories import login_staff  # noqa: F401  (re-exported for test modules)


@pytest.fixture(autouse=True)
def _isolated(settings, request):
    """Each test starts with an empty cache (rate limits, lockouts) and tasks run inline."""
    cache.clear()
    if "real_task_worker" not in request.keywords:
        settings.TASKS = {
            "default": {
                "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
                "QUEUES": ["default", "email", "media"],
            }
        }
    yield
    cache.clear()

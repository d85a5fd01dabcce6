"""Browser tests share the `browser`, `page` and `assert_accessible` fixtures of tests/conftest.py."""

from tests.conftest import AXE_URL, CHROMIUM, axe_violations  # noqa: F401

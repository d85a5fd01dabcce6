"""WebSocket routes under /ws/. Each app appends its consumers here."""

from django.urls import path  # noqa: F401

websocket_urlpatterns: list = []

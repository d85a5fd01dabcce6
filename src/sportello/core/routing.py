"""WebSocket routes under /ws/. Each app appends its consumers here."""

from django.urls import path

websocket_urlpatterns: list = []

from sportello.switchboard import consumers as switchboard_consumers  # noqa: E402

websocket_urlpatterns += [
    path("ws/agent/", switchboard_consumers.AgentConsumer.as_asgi()),
    path("ws/supervisor/", switchboard_consumers.SupervisorConsumer.as_asgi()),
]

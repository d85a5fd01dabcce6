"""Prometheus metrics. One registry per process; /metrics exposes it to ops only."""

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

registry = CollectorRegistry()

request_latency = Histogram(
    "sportello_http_request_seconds",
    "HTTP request latency by view and method",
    ["view", "method", "status"],
    registry=registry,
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
task_queue_depth = Gauge(
    "sportello_task_queue_depth",
    "Tasks waiting to run, by queue",
    ["queue"],
    registry=registry,
)
login_failures = Counter(
    "sportello_login_failures_total", "Failed login attempts", registry=registry
)

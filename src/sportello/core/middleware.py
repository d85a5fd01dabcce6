import time

from sportello.core.metrics import request_latency


class RequestMetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        view = match.view_name if match else "unresolved"
        request_latency.labels(view, request.method, str(response.status_code)).observe(
            time.perf_counter() - started
        )
        return response

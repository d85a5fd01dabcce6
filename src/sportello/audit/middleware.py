from sportello.audit.context import RequestContext, current


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current.set(
            RequestContext(client_ip(request), request.headers.get("User-Agent", "")[:300])
        )
        try:
            return self.get_response(request)
        finally:
            current.reset(token)

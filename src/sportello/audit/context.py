"""Who is acting, from where: set per request by the middleware, read by `record`."""

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None
    user_agent: str


current: ContextVar[RequestContext | None] = ContextVar("audit_request", default=None)

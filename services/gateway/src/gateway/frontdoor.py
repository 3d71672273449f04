"""The order in which a request meets the gateway's guards (outermost first):

security headers   every answer, the guards' refusals and 500s included
correlation id     (common.app) logs and x-request-id for all below
path hygiene       400 before anything routes, counts or authenticates
CORS               preflights answered; refusals below stay readable by allowed frontends
rate limits        429 before the body is read or a token verified
ops paths          public /metrics is 404, /readyz names nothing (the ops port has both)
body size, metrics (common.app), then routing and authentication
"""

from fastapi import FastAPI
from starlette.middleware import Middleware

from common.correlation import CorrelationMiddleware
from gateway import ratelimit, security
from gateway.config import Settings
from gateway.hygiene import PathHygieneMiddleware
from gateway.ops import OpsPathsOffPublicMiddleware


def install(app: FastAPI, settings: Settings) -> None:
    """Add the guards around the app common.app built, in the order above."""
    guards = [
        Middleware(PathHygieneMiddleware),
        security.cors_middleware(security.cors_origins(settings.cors_origins)),
        Middleware(ratelimit.RateLimitMiddleware, limits=ratelimit.limits_from(settings)),
        Middleware(OpsPathsOffPublicMiddleware),
    ]
    # user_middleware runs outermost first; ours go just inside the correlation middleware.
    stack = app.user_middleware
    inside_correlation = next(
        (i + 1 for i, m in enumerate(stack) if getattr(m, "cls", None) is CorrelationMiddleware), 0
    )
    stack[inside_correlation:inside_correlation] = [g for g in guards if g is not None]
    app.add_middleware(security.SecurityHeadersMiddleware)

"""What browsers are told: security headers on every gateway answer, and the CORS allow-list."""

from starlette.datastructures import MutableHeaders
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# An API answers JSON and redirects: nothing in it may load, run, or be framed.
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
# Swagger UI (openapi.py) loads its script and styles from jsDelivr, runs one inline script that
# starts it, shows FastAPI's favicon, and fetches /openapi.json from us.
DOCS_POLICY = (
    "default-src 'none'; "
    "script-src https://cdn.jsdelivr.net 'unsafe-inline'; "
    "style-src https://cdn.jsdelivr.net 'unsafe-inline'; "
    "img-src https://fastapi.tiangolo.com data:; "
    "connect-src 'self'; frame-ancestors 'none'"
)
DOCS_PATH = "/docs"
HSTS = "max-age=31536000; includeSubDomains"
ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Also keeps a tracked link's code out of the Referer its redirect target would receive.
    "Referrer-Policy": "no-referrer",
}

CORS_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"]
CORS_REQUEST_HEADERS = ["Authorization", "Content-Type", "Idempotency-Key", "X-Request-ID"]
CORS_EXPOSED_HEADERS = [
    "RateLimit-Limit",
    "RateLimit-Remaining",
    "RateLimit-Reset",
    "Retry-After",
    "Location",
    "X-Request-ID",
    "Content-Disposition",
]


class SecurityHeadersMiddleware:
    """Sets the headers on every answer, replacing any an inner layer set; HSTS only over TLS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in security_headers(scope).items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, send_with_headers)


def security_headers(scope: Scope) -> dict[str, str]:
    """The headers for an answer to this request."""
    policy = DOCS_POLICY if scope["path"] == DOCS_PATH else API_POLICY
    headers = {**ALWAYS, "Content-Security-Policy": policy}
    # scope["scheme"] is https only when the connection was TLS or a proxy trusted through
    # uvicorn's --forwarded-allow-ips said so (X-Forwarded-Proto); a client cannot claim it.
    if scope.get("scheme") == "https":
        headers["Strict-Transport-Security"] = HSTS
    return headers


def cors_origins(setting: str) -> list[str]:
    """The origins of a comma-separated setting, blanks dropped."""
    return [origin.strip().rstrip("/") for origin in setting.split(",") if origin.strip()]


def cors_middleware(origins: list[str]) -> Middleware | None:
    """CORS for exactly these frontend origins; None (no CORS headers at all) when empty."""
    if not origins:
        return None
    # Bearer tokens, not cookies: credentials mode stays off, so no origin can ride a session.
    return Middleware(
        CORSMiddleware,
        allow_origins=origins,
        allow_methods=CORS_METHODS,
        allow_headers=CORS_REQUEST_HEADERS,
        expose_headers=CORS_EXPOSED_HEADERS,
        max_age=600,
    )

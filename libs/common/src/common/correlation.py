"""Correlation id that follows a request across HTTP hops and Kafka events."""

import logging
import uuid
from contextvars import ContextVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common import errors

HEADER = "x-request-id"
log = logging.getLogger(__name__)
_current: ContextVar[str | None] = ContextVar("correlation_id", default=None)


def current_id() -> str | None:
    """The correlation id of the work in progress, if any."""
    return _current.get()


def set_id(value: str | None) -> None:
    """Bind a correlation id to the current task (used by consumers)."""
    _current.set(value)


def from_event(value: bytes | str | None) -> str | None:
    """A correlation id carried by an event (ce_correlationid), if it is a sane one."""
    if isinstance(value, bytes):
        value = value.decode("utf-8", errors="replace")
    return _clean(value)


def _clean(value: str | None) -> str | None:
    # Reject oversized or odd ids so a caller can't inject junk into our logs.
    if value and len(value) <= 128 and value.replace("-", "").isalnum():
        return value
    return None


class CorrelationMiddleware:
    """Reads X-Request-ID (or makes one), binds it, and echoes it on the response.

    Being the outermost middleware, it is also where an unhandled exception ends: logged once
    with the correlation id and answered as a 500 problem carrying x-request-id. Nothing is
    re-raised, so uvicorn never prints its own plain-text traceback.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        raw = headers.get(HEADER.encode())
        value = _clean(raw.decode("latin-1") if raw else None) or uuid.uuid4().hex
        token = _current.set(value)
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
                message.setdefault("headers", []).append((HEADER.encode(), value.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            log.exception("unhandled error", extra={"path": scope["path"]})
            # Once headers are out, a 500 can no longer be sent: returning without finishing
            # the body makes uvicorn drop the connection, so the client sees it truncated.
            if not response_started:
                response = errors.internal_error(instance=scope["path"])
                await response(scope, receive, send_with_id)
        finally:
            _current.reset(token)

"""Request size limit, enforced before the body is read into memory."""

from collections.abc import Mapping

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.errors import problem


class BodySizeLimitMiddleware:
    """Reject bodies over max_bytes with 413 problem+json, declared or streamed.

    `larger` gives named paths (an upload route) a bound of their own, chosen deliberately.
    """

    def __init__(
        self, app: ASGIApp, *, max_bytes: int, larger: Mapping[str, int] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.larger = dict(larger or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.larger.get(scope.get("path", ""), self.max_bytes)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            await self._reject(scope, receive, send, limit)
            return
        seen = 0

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > limit:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counting_receive, send)
        except* _TooLarge:  # may arrive wrapped in an ExceptionGroup by inner middleware tasks
            await self._reject(scope, receive, send, limit)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = problem(
            status=413,
            code="payload_too_large",
            detail=f"request body exceeds {limit} bytes",
            instance=scope.get("path", ""),
        )
        await response(scope, receive, send)


class _TooLarge(Exception):
    pass

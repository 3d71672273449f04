"""Refuse NUL characters in queries and JSON bodies: PostgreSQL text cannot hold them.

Without this, a `\\u0000` in any string field or query parameter reaches the database driver
and fails there as a 500 (found by API fuzzing). A 422 naming the part of the request is the
honest answer for every route at once, before any handler runs.
"""

import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from common.errors import problem

# A JSON escape of U+0000 not itself escaped (`\\u0000` is the text "\u0000", allowed), or a
# raw NUL byte.
_BODY_NUL = re.compile(rb"(?<!\\)\\u0000|\x00", re.IGNORECASE)
_QUERY_NUL = re.compile(rb"%00|\x00")


class NulCharacterMiddleware:
    """422 problem+json for a NUL character in the query string or the body."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if _QUERY_NUL.search(scope.get("query_string", b"")):
            await _reject(scope, receive, send, part="query")
            return
        # The body is read whole first (the size limit outside this bounds it): raising from
        # inside receive() would reach FastAPI's body parser, which answers 400 for anything.
        messages: list[Message] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            body += message.get("body", b"")
            if message["type"] != "http.request" or not message.get("more_body", False):
                break
        if _BODY_NUL.search(body):
            await _reject(scope, receive, send, part="body")
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


async def _reject(scope: Scope, receive: Receive, send: Send, *, part: str) -> None:
    message = f"the {part} holds a NUL character (U+0000), which no field accepts"
    response = problem(
        status=422,
        code="invalid_input",
        detail=message,
        instance=scope.get("path", ""),
        errors=[{"field": part, "message": message}],
    )
    await response(scope, receive, send)

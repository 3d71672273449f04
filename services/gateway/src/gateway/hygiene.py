"""Path hygiene: the gateway routes only canonical paths, so what it matches is what it forwards.

A path is canonical when it is plain ASCII made of RFC 3986 path characters, with no
percent-encoding, no `;` parameters, no backslash, no empty and no dot-segments. Refusing every
escape (rather than decoding and re-checking) closes the whole class at once: `%2e%2e`, `%252e`,
`%2f`, `%5c`, `%00`, overlong UTF-8 and whatever decoding a server behind us might add. No route
of ours needs an escaped character in its path; queries are not touched.
"""

from starlette.types import ASGIApp, Receive, Scope, Send

from common.errors import AppError, problem

# RFC 3986 pchar without "%" (no escapes) and ";" (path parameters, `..;/` tricks); plus "/".
_UNRESERVED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
PATH_CHARACTERS = frozenset(_UNRESERVED + "!$&'()*+,=:@" + "/")
DOT_SEGMENTS = frozenset({".", ".."})


class InvalidPath(AppError):
    status, code = 400, "invalid_path"


def path_violation(path: str, raw_path: bytes | None) -> str | None:
    """Why a request path is refused, or None when it is canonical (then raw == decoded)."""
    raw = path.encode("utf-8") if raw_path is None else raw_path
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError:
        return "the path holds a byte outside ASCII"
    for checked in (text, path):  # the decoded path too: a server may have decoded differently
        reason = _character_violation(checked)
        if reason:
            return reason
    if text != path:
        return "the decoded path differs from the path as sent"
    return _segment_violation(text)


def _character_violation(path: str) -> str | None:
    for char in path:
        if char in PATH_CHARACTERS:
            continue
        if char == "%":
            return "percent-encoding is not accepted in paths"
        if char == "\\":
            return "backslashes are not accepted in paths"
        if char == ";":
            return "path parameters (;) are not accepted"
        if ord(char) < 0x20 or ord(char) == 0x7F:
            return "control characters are not accepted in paths"
        return f"the character {char!r} is not accepted in paths"
    return None


def _segment_violation(path: str) -> str | None:
    if not path.startswith("/"):
        return "the path must start with /"
    segments = path.split("/")[1:]
    if any(segment in DOT_SEGMENTS for segment in segments):
        return "dot-segments (. and ..) are not accepted in paths"
    if "" in segments[:-1]:  # a trailing slash is one empty segment at the end, and harmless
        return "empty path segments (//) are not accepted"
    return None


class PathHygieneMiddleware:
    """Answers 400 problem+json to a non-canonical path, before routing and authentication."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        reason = path_violation(scope["path"], scope.get("raw_path"))
        if reason is None:
            await self.app(scope, receive, send)
            return
        raw = scope.get("raw_path") or scope["path"].encode("utf-8")
        instance = raw.decode("latin-1")  # as sent; JSON escapes whatever control bytes it holds
        response = problem(
            status=InvalidPath.status, code=InvalidPath.code, detail=reason, instance=instance
        )
        await response(scope, receive, send)

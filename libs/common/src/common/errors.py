"""One error hierarchy, rendered as RFC 9457 problem+json by every service."""

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_JSON = "application/problem+json"


class AppError(Exception):
    """A domain error that carries its own HTTP status and stable code."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.extra = extra


class NotFound(AppError):
    status, code = 404, "not_found"


class Conflict(AppError):
    status, code = 409, "conflict"


class Forbidden(AppError):
    status, code = 403, "forbidden"


class Unauthorized(AppError):
    status, code = 401, "unauthorized"


class InvalidInput(AppError):
    status, code = 422, "invalid_input"


class PayloadTooLarge(AppError):
    status, code = 413, "payload_too_large"


class UpstreamUnavailable(AppError):
    status, code = 503, "upstream_unavailable"


def problem(*, status: int, code: str, detail: str, instance: str, **extra: Any) -> JSONResponse:
    """Build a problem+json response (type is a stable URN per code)."""
    body = {
        "type": f"urn:advocacy:problem:{code}",
        "title": code.replace("_", " "),
        "status": status,
        "detail": detail,
        "instance": instance,
        **extra,
    }
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _field_path(loc: tuple[Any, ...]) -> str:
    # ("body", "audience_size") -> "audience_size"; ("query", "limit") -> "limit"
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(str(p) for p in loc)


async def _app_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AppError)
    extra = dict(exc.extra)
    if exc.field and "errors" not in extra:  # an error may list several fields itself
        extra["errors"] = [{"field": exc.field, "message": exc.message}]
    return problem(
        status=exc.status, code=exc.code, detail=exc.message, instance=request.url.path, **extra
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [{"field": _field_path(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
    fields = ", ".join(e["field"] for e in errors)
    return problem(
        status=422,
        code="invalid_input",
        detail=f"invalid value for: {fields}",
        instance=request.url.path,
        errors=errors,
    )


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    codes = {404: "not_found", 405: "method_not_allowed", 401: "unauthorized"}
    code = codes.get(exc.status_code, "http_error")
    return problem(
        status=exc.status_code, code=code, detail=str(exc.detail), instance=request.url.path
    )


def internal_error(*, instance: str) -> JSONResponse:
    """The 500 answer to an unhandled exception: no detail that could leak internals."""
    return problem(status=500, code="internal", detail="internal error", instance=instance)


def install(app: FastAPI) -> None:
    """Register the problem+json handlers on an app.

    Unhandled exceptions are not handled here: Starlette would run an `Exception` handler
    outside every middleware, where the correlation id is gone, and re-raise to uvicorn.
    CorrelationMiddleware logs them and answers `internal_error` instead.
    """
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)

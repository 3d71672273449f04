"""SCIM over FastAPI: a request as scim2-server reads it, its answer as a response, and every
failure of a SCIM route as a SCIM Error (RFC 7644 §3.12) rather than problem+json."""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from scim2_models import Error, InvalidValueException, SCIMException
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from starlette.types import Receive, Scope, Send

from ambassadors.scim.protocol import PROTOCOL
from ambassadors.scim.schemas import SCIM_JSON
from common.auth import Principal
from common.errors import AppError
from common.idempotency import REPLAYED_HEADER

PREFIX = "/scim/v2"


class ScimJSON(Response):
    """The media type of every SCIM answer (RFC 7644 §8.1)."""

    media_type = SCIM_JSON


class ScimRoute(APIRoute):
    """A route whose errors (credentials, roles, parameters, ours) are SCIM errors.

    Every failure leaves the endpoint as an exception, so the request's transaction is rolled
    back on its way out; it is answered just outside, as a SCIM error.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().handle(scope, receive, send)
        except SCIMException as exc:
            await respond(PROTOCOL.error_response(exc))(scope, receive, send)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def scim_failures(request: Request) -> Response:
            try:
                return await handler(request)
            except (AppError, RequestValidationError) as exc:
                raise scim_exception(exc) from exc

        return scim_failures


async def scim_request(request: Request, principal: Principal) -> ScimRequest:
    """The request as scim2-server reads it, its path relative to /scim/v2."""
    return ScimRequest(
        method=request.method,
        base_url=base_url(request),
        path=request.url.path.removeprefix(PREFIX) or "/",
        query=dict(request.query_params),
        headers=list(request.headers.items()),
        body=await request.body(),
        subject=principal,
    )


def base_url(request: Request) -> str:
    """/scim/v2 as the client sees it: through the gateway, its scheme and host."""
    # Only the gateway's own x-forwarded-* reach us (it forwards an allow-list of headers).
    scheme = request.headers.get("x-forwarded-proto") or request.url.scheme
    host = request.headers.get("x-forwarded-host") or request.url.netloc
    return f"{scheme}://{host}{PREFIX}"


def respond(answer: ScimResponse) -> Response:
    """A FastAPI response of scim2-server's answer (application/scim+json)."""
    headers = dict(answer.headers)
    media_type = headers.pop("Content-Type", SCIM_JSON)
    if answer.body is None:
        return Response(status_code=int(answer.status), headers=headers)
    content = json.dumps(answer.body).encode()
    return Response(content, int(answer.status), headers=headers, media_type=media_type)


def replayed(stored: Response) -> Response:
    """An Idempotency-Key's stored creation, answered as the first one was (Location, ETag)."""
    document: dict[str, Any] = json.loads(bytes(stored.body))
    meta = document.get("meta", {})
    headers = {
        REPLAYED_HEADER: "true",
        "Location": meta.get("location", ""),
        "ETag": meta.get("version", ""),
    }
    return Response(stored.body, stored.status_code, headers=headers, media_type=SCIM_JSON)


def scim_exception(exc: SCIMException | AppError | RequestValidationError) -> SCIMException:
    """The SCIM error of a failure; bad input is a 400 invalidValue naming the attribute."""
    if isinstance(exc, SCIMException):
        return exc
    if isinstance(exc, RequestValidationError):
        fields = "; ".join(f"{_field(e['loc'])}: {e['msg']}" for e in exc.errors())
        return InvalidValueException(detail=fields)
    detail = f"{exc.field}: {exc.message}" if exc.field else exc.message
    status = 400 if exc.status == 422 else exc.status
    scim_type = "invalidValue" if status == 400 else None
    return SCIMException.from_error(Error(status=status, scim_type=scim_type, detail=detail))


def _field(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or ".".join(str(part) for part in loc)

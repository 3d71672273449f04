"""SCIM 2.0 routes (RFC 7644) at /scim/v2: discovery, and Users over the organisation's
employees, for an identity provider holding an hr:write API key (or an org admin). Every
answer, errors included, is application/scim+json; scim2-server does the protocol."""

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import RootModel
from scim2_models import NotFoundException, NotImplementedException
from scim2_server.handler import AsyncScimHandler
from scim2_server.responses import ScimResponse
from scim2_server.routing import Operation, match
from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.people.access import HrWriter
from ambassadors.scim.http import PREFIX, ScimJSON, ScimRoute, replayed, respond, scim_request
from ambassadors.scim.protocol import PROTOCOL
from ambassadors.scim.schemas import (
    ScimDocument,
    ScimPatch,
    ScimSearch,
    ScimUserList,
    ScimUserRead,
    ScimUserWrite,
    answers,
    body,
)
from ambassadors.scim.storage import EmployeeStorage
from common.auth import Principal
from common.dependencies import DbSession
from common.idempotency import Idempotent

router = APIRouter(
    prefix=PREFIX, tags=["scim"], route_class=ScimRoute, default_response_class=ScimJSON
)

# The errors every SCIM route can answer as SCIM errors (credentials, roles, bad parameters).
ALWAYS = (400, 401, 403)
WRITES = (*ALWAYS, 404, 409, 412, 415)
Attributes = Annotated[
    str | None, Query(max_length=2000, description="Attributes to return (comma-separated).")
]
Excluded = Annotated[
    str | None,
    Query(alias="excludedAttributes", max_length=2000, description="Attributes to leave out."),
]


class _Created(RootModel[dict[str, Any]]):
    """A created user's body, as the Idempotency-Key store keeps it."""


def _handler(session: AsyncSession, principal: Principal) -> AsyncScimHandler:
    return AsyncScimHandler(PROTOCOL, EmployeeStorage(session, org_id=principal.org_id))


@router.get("/ServiceProviderConfig", responses=answers(*ALWAYS, ok=ScimDocument))
async def service_provider_config(
    request: Request, session: DbSession, principal: HrWriter
) -> Response:
    """What this SCIM service supports: PATCH, filters, ETags; no bulk, sorting or passwords."""
    handler = _handler(session, principal)
    return respond(await handler.service_provider_config(await scim_request(request, principal)))


@router.get("/ResourceTypes", responses=answers(*ALWAYS, ok=ScimDocument))
async def resource_types(request: Request, session: DbSession, principal: HrWriter) -> Response:
    """The resource types served: User, with the enterprise extension and ours."""
    handler = _handler(session, principal)
    return respond(await handler.resource_types(await scim_request(request, principal)))


@router.get("/ResourceTypes/{resource_type_id}", responses=answers(*ALWAYS, 404, ok=ScimDocument))
async def resource_type(
    resource_type_id: str, request: Request, session: DbSession, principal: HrWriter
) -> Response:
    """One resource type (User)."""
    handler = _handler(session, principal)
    return respond(await handler.resource_type(await scim_request(request, principal)))


@router.get("/Schemas", responses=answers(*ALWAYS, ok=ScimDocument))
async def schemas(request: Request, session: DbSession, principal: HrWriter) -> Response:
    """The schemas of the attributes we keep (core User, enterprise User, ours)."""
    handler = _handler(session, principal)
    return respond(await handler.schemas(await scim_request(request, principal)))


@router.get("/Schemas/{schema_id}", responses=answers(*ALWAYS, 404, ok=ScimDocument))
async def schema(
    schema_id: str, request: Request, session: DbSession, principal: HrWriter
) -> Response:
    """One schema, by its URN."""
    handler = _handler(session, principal)
    return respond(await handler.schema(await scim_request(request, principal)))


@router.get("/Users", responses=answers(*ALWAYS, ok=ScimUserList))
async def list_users(
    request: Request,
    session: DbSession,
    principal: HrWriter,
    filter: Annotated[  # noqa: A002 - SCIM's name
        str | None,
        Query(max_length=4096, description='A SCIM filter, e.g. userName eq "ada@example.com".'),
    ] = None,
    start_index: Annotated[int | None, Query(alias="startIndex", description="From 1.")] = None,
    count: Annotated[int | None, Query(description="Users per page, at most 100.")] = None,
    attributes: Attributes = None,
    excluded: Excluded = None,
) -> Response:
    """The organisation's users in creation order, filtered, paged by startIndex and count."""
    handler = _handler(session, principal)
    return respond(await handler.search(await scim_request(request, principal)))


@router.post(
    "/Users",
    status_code=status.HTTP_201_CREATED,
    responses=answers(*ALWAYS, 409, 415, ok=ScimUserRead, code=201),
    openapi_extra=body(ScimUserWrite),
)
async def create_user(
    request: Request, session: DbSession, principal: HrWriter, once: Idempotent
) -> Response:
    """A new employee (source "scim"). The HR key is externalId, or else userName; a user
    deleted earlier with the same key comes back (a rehire)."""
    scim = await scim_request(request, principal)
    answered: list[ScimResponse] = []

    async def create() -> _Created:
        answered.append(await _handler(session, principal).create(scim))
        return _Created(answered[0].body or {})

    result = await once.run(create)
    if answered:
        return respond(answered[0])
    assert isinstance(result, Response)
    return replayed(result)


@router.post(
    "/Users/.search",
    responses=answers(*ALWAYS, ok=ScimUserList),
    openapi_extra=body(ScimSearch),
)
async def search_users(request: Request, session: DbSession, principal: HrWriter) -> Response:
    """GET /Users's search, its parameters in a body (RFC 7644 §3.4.3)."""
    handler = _handler(session, principal)
    return respond(await handler.search_with_body(await scim_request(request, principal)))


@router.post(
    "/.search", responses=answers(*ALWAYS, ok=ScimUserList), openapi_extra=body(ScimSearch)
)
async def search_all(request: Request, session: DbSession, principal: HrWriter) -> Response:
    """A search over every resource type (here: Users)."""
    handler = _handler(session, principal)
    return respond(await handler.search_with_body(await scim_request(request, principal)))


@router.get("/Users/{employee_id}", responses=answers(*ALWAYS, 404, ok=ScimUserRead))
async def get_user(
    employee_id: str,
    request: Request,
    session: DbSession,
    principal: HrWriter,
    attributes: Attributes = None,
    excluded: Excluded = None,
) -> Response:
    """One user; 404 for another organisation's or a deleted one."""
    handler = _handler(session, principal)
    return respond(await handler.query(await scim_request(request, principal)))


@router.put(
    "/Users/{employee_id}",
    responses=answers(*WRITES, ok=ScimUserRead),
    openapi_extra=body(ScimUserWrite),
)
async def replace_user(
    employee_id: str, request: Request, session: DbSession, principal: HrWriter
) -> Response:
    """Replace a user (If-Match honoured). `active: false` is a departure, at once."""
    handler = _handler(session, principal)
    return respond(await handler.replace(await scim_request(request, principal)))


@router.patch(
    "/Users/{employee_id}",
    responses=answers(*WRITES, ok=ScimUserRead),
    openapi_extra=body(ScimPatch),
)
async def patch_user(
    employee_id: str, request: Request, session: DbSession, principal: HrWriter
) -> Response:
    """Change some attributes (add, replace, remove); `active: false` is a departure."""
    storage = EmployeeStorage(session, org_id=principal.org_id)
    await storage.exists(employee_id)  # 404 before the body is read, as for every route
    handler = AsyncScimHandler(PROTOCOL, storage)
    return respond(await handler.patch(await scim_request(request, principal)))


@router.delete(
    "/Users/{employee_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=answers(*ALWAYS, 404, 412),
)
async def delete_user(
    employee_id: str, request: Request, session: DbSession, principal: HrWriter
) -> Response:
    """The person left: deactivated at once, everywhere (a departure); the user then answers
    404. The employee record stays for HR until the retention policy erases it."""
    handler = _handler(session, principal)
    return respond(await handler.delete(await scim_request(request, principal)))


@router.api_route(
    "/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
)
async def elsewhere(path: str, request: Request, principal: HrWriter) -> Response:
    """What no route above serves, answered as SCIM would: 404, 405, or 501 (Bulk, /Me)."""
    target = match(request.method, f"/{path}")  # raises the 404 or the 405
    if target.operation is Operation.bulk or target.me:
        raise NotImplementedException(
            detail=f"/{path} is not supported; see /ServiceProviderConfig"
        )
    raise NotFoundException(detail=f"No SCIM endpoint at /{path}")

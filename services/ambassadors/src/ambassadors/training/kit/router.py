"""Communication kit routes: a program's resources, written by its staff, read by everyone."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Response, status

from ambassadors.dependencies import ProgramReader, ValidProgram
from ambassadors.training.errors import ResourceNotFound
from ambassadors.training.kit import repository as kit
from ambassadors.training.kit import service
from ambassadors.training.kit.schemas import (
    ResourceCreate,
    ResourceKind,
    ResourceRead,
    ResourceUpdate,
)
from ambassadors.training.models import KitResource
from common import openapi
from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, build_page

router = APIRouter(prefix="/v1", tags=["kit"])


async def valid_resource_id(
    resource_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> KitResource:
    """The path's resource, if of the caller's organisation."""
    resource = await kit.get(session, org_id=principal.org_id, resource_id=resource_id)
    if resource is None:
        raise ResourceNotFound(f"kit resource {resource_id} not found", field="resource_id")
    return resource


ValidResource = Annotated[KitResource, Depends(valid_resource_id)]


@router.post(
    "/programs/{program_id}/kit-resources",
    status_code=status.HTTP_201_CREATED,
    response_model=ResourceRead,
    openapi_extra={openapi.RESOURCE: "/v1/kit-resources/{resource_id}"},
)
async def create_resource(
    data: ResourceCreate,
    program: ValidProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> ResourceRead | Response:
    """Add a resource to the program's communication kit (org admins, its managers; at most
    100)."""

    async def create() -> ResourceRead:
        row = await service.create(session, principal=principal, program=program, data=data)
        return ResourceRead.model_validate(row)

    return await once.run(create)


@router.get("/kit-resources", response_model=Page[ResourceRead])
async def list_resources(
    session: DbSession,
    principal: ProgramReader,
    page: Pagination,
    program_id: uuid.UUID | None = None,
    kind: ResourceKind | None = None,
) -> Page[ResourceRead]:
    """Kit resources of the organisation, newest first (any person, programs:read keys);
    `position` gives each program's order."""
    rows = await kit.list_resources(
        session, org_id=principal.org_id, page=page, program_id=program_id, kind=kind
    )
    return build_page(rows, page=page, read=ResourceRead.model_validate)


@router.get("/kit-resources/{resource_id}", response_model=ResourceRead)
async def get_resource(resource: ValidResource, _: ProgramReader) -> ResourceRead:
    """One kit resource (any person, programs:read keys)."""
    return ResourceRead.model_validate(resource)


@router.patch("/kit-resources/{resource_id}", response_model=ResourceRead)
async def update_resource(
    data: ResourceUpdate, resource: ValidResource, session: DbSession, principal: CurrentPrincipal
) -> ResourceRead:
    """Change a kit resource (org admins, its program's managers)."""
    row = await service.update(session, principal=principal, resource=resource, data=data)
    return ResourceRead.model_validate(row)


@router.delete("/kit-resources/{resource_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_resource(
    resource: ValidResource, session: DbSession, principal: CurrentPrincipal
) -> None:
    """Remove a kit resource (org admins, its program's managers)."""
    await service.remove(session, principal=principal, resource=resource)

"""Kit rules: a program's staff writes its kit (at most MAX_RESOURCES pieces); every person of
the organisation reads it."""

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.charters import access
from ambassadors.models import Program
from ambassadors.staff.access import Scope
from ambassadors.training import repository as training
from ambassadors.training.errors import NoContent, ResourceNotFound, TooManyResources
from ambassadors.training.kit import repository as kit
from ambassadors.training.kit.schemas import ResourceCreate, ResourceUpdate
from ambassadors.training.models import KitResource
from common.auth import Principal

MAX_RESOURCES = 100
WHAT = "kit"


def _scope(resource: KitResource) -> Scope:
    return Scope(
        type="program",
        id=resource.program_id,
        program_id=resource.program_id,
        org_id=resource.org_id,
    )


async def create(
    session: AsyncSession, *, principal: Principal, program: Program, data: ResourceCreate
) -> KitResource:
    """A new piece of the program's kit (org admins, its managers)."""
    await access.require_writer(
        session, principal=principal, scope=Scope.of_program(program), what=WHAT
    )
    # The program row's lock makes concurrent additions count one after the other.
    await training.lock_program(session, program_id=program.id)
    if await kit.count(session, program_id=program.id) >= MAX_RESOURCES:
        raise TooManyResources(f"a program's kit holds at most {MAX_RESOURCES} resources")
    now = datetime.now(UTC)
    resource = KitResource(
        org_id=program.org_id,
        program_id=program.id,
        **data.model_dump(mode="json"),
        created_by=principal.user_id,
        created_at=now,
        updated_at=now,
    )
    session.add(resource)
    await session.flush()
    return resource


async def update(
    session: AsyncSession, *, principal: Principal, resource: KitResource, data: ResourceUpdate
) -> KitResource:
    """Change a piece of the kit (as for creating)."""
    await access.require_writer(session, principal=principal, scope=_scope(resource), what=WHAT)
    changes = data.model_dump(mode="json", exclude_unset=True)
    for name in ("kind", "title", "position"):
        if name in changes and changes[name] is None:
            raise NoContent(f"{name} cannot be null", field=name)
    org_id, resource_id = resource.org_id, resource.id
    try:
        async with session.begin_nested():  # the table's check keeps a body or a url
            updated = await kit.update_resource(
                session,
                org_id=org_id,
                resource_id=resource_id,
                values={**changes, "updated_at": datetime.now(UTC)},
            )
    except IntegrityError:
        raise NoContent("a kit resource needs a body, a url, or both", field="body") from None
    if updated is None:
        raise ResourceNotFound(f"kit resource {resource_id} not found", field="resource_id")
    return updated


async def remove(session: AsyncSession, *, principal: Principal, resource: KitResource) -> None:
    """Delete a piece of the kit (as for creating); of two concurrent deletions one succeeds."""
    await access.require_writer(session, principal=principal, scope=_scope(resource), what=WHAT)
    resource_id = resource.id
    if await kit.delete_resource(session, org_id=resource.org_id, resource_id=resource_id) is None:
        raise ResourceNotFound(f"kit resource {resource_id} not found", field="resource_id")

"""Charter routes: versions of a program's or sub-program's charter, publication, acceptance."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status

from ambassadors import repository as ambassadors
from ambassadors.charters import access, service
from ambassadors.charters import repository as charters
from ambassadors.charters.errors import CharterNotFound
from ambassadors.charters.models import Charter
from ambassadors.charters.schemas import (
    AcceptanceCreate,
    AcceptanceRead,
    CharterRead,
    CharterStatus,
    CharterWrite,
    MyCharterRead,
)
from ambassadors.dependencies import Employee, ProgramReader, ValidProgram, ValidSubProgram
from ambassadors.people.service import caller_record
from ambassadors.staff.access import Scope
from ambassadors.training import participation
from common import openapi
from common.auth import Principal
from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, build_page

router = APIRouter(prefix="/v1", tags=["charters"])
PUBLISH_CONFLICT: dict[int | str, dict[str, Any]] = {
    409: {"description": "Already published, or drafted against an older version"}
}
RESOURCE = {openapi.RESOURCE: "/v1/charters/{charter_id}"}
NOT_CURRENT: dict[int | str, dict[str, Any]] = {
    409: {"description": "The version is not the one in force (`current_version`)"}
}


async def valid_charter_id(
    charter_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> Charter:
    """The path's version, if of the caller's organisation."""
    charter = await charters.get(session, org_id=principal.org_id, charter_id=charter_id)
    if charter is None:
        raise CharterNotFound(f"charter {charter_id} not found", field="charter_id")
    return charter


ValidCharter = Annotated[Charter, Depends(valid_charter_id)]


async def _draft(
    scope: Scope, data: CharterWrite, session: DbSession, principal: Principal, once: Idempotent
) -> CharterRead | Response:
    async def create() -> CharterRead:
        row = await service.draft(session, principal=principal, scope=scope, data=data)
        return CharterRead.model_validate(row)

    return await once.run(create)


async def _accept(
    scope: Scope, data: AcceptanceCreate, session: DbSession, principal: Principal, once: Idempotent
) -> AcceptanceRead | Response:
    async def accept() -> AcceptanceRead:
        row = await service.accept(session, principal=principal, scope=scope, version=data.version)
        return AcceptanceRead.model_validate(row)

    return await once.run(accept)


@router.post(
    "/programs/{program_id}/charters",
    status_code=status.HTTP_201_CREATED,
    response_model=CharterRead,
    openapi_extra=RESOURCE,
)
async def draft_program_charter(
    data: CharterWrite,
    program: ValidProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> CharterRead | Response:
    """Write a new version of the program's charter, as a draft (org admins, its managers)."""
    return await _draft(Scope.of_program(program), data, session, principal, once)


@router.post(
    "/sub-programs/{sub_program_id}/charters",
    status_code=status.HTTP_201_CREATED,
    response_model=CharterRead,
    openapi_extra=RESOURCE,
)
async def draft_sub_program_charter(
    data: CharterWrite,
    sub_program: ValidSubProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> CharterRead | Response:
    """Write a new version of a sub-program's own charter, which applies on top of its
    program's, as a draft (org admins, managers covering it)."""
    return await _draft(Scope.of_sub_program(sub_program), data, session, principal, once)


@router.get("/programs/{program_id}/charter", response_model=CharterRead)
async def program_charter(
    program: ValidProgram, session: DbSession, _: ProgramReader
) -> CharterRead:
    """The program's charter in force (any person, programs:read keys); 404 without one."""
    return CharterRead.model_validate(
        await service.current_or_404(session, scope=Scope.of_program(program))
    )


@router.get("/sub-programs/{sub_program_id}/charter", response_model=CharterRead)
async def sub_program_charter(
    sub_program: ValidSubProgram, session: DbSession, _: ProgramReader
) -> CharterRead:
    """The sub-program's own charter in force (its program's applies too); 404 without one."""
    return CharterRead.model_validate(
        await service.current_or_404(session, scope=Scope.of_sub_program(sub_program))
    )


@router.post(
    "/programs/{program_id}/charter/accept", response_model=AcceptanceRead, responses=NOT_CURRENT
)
async def accept_program_charter(
    data: AcceptanceCreate,
    program: ValidProgram,
    session: DbSession,
    principal: Employee,
    once: Idempotent,
) -> AcceptanceRead | Response:
    """Accept the program's charter in force, naming its version (employees, for themselves);
    accepting again returns the same record."""
    return await _accept(Scope.of_program(program), data, session, principal, once)


@router.post(
    "/sub-programs/{sub_program_id}/charter/accept",
    response_model=AcceptanceRead,
    responses=NOT_CURRENT,
)
async def accept_sub_program_charter(
    data: AcceptanceCreate,
    sub_program: ValidSubProgram,
    session: DbSession,
    principal: Employee,
    once: Idempotent,
) -> AcceptanceRead | Response:
    """Accept a sub-program's own charter in force, naming its version (employees)."""
    return await _accept(Scope.of_sub_program(sub_program), data, session, principal, once)


@router.get("/charters", response_model=Page[CharterRead])
async def list_charters(
    session: DbSession,
    principal: ProgramReader,
    page: Pagination,
    scope_id: Annotated[
        uuid.UUID | None, Query(description="A program's or sub-program's id: its own versions.")
    ] = None,
    status: CharterStatus | None = None,
) -> Page[CharterRead]:
    """Charter versions of the organisation, newest first (any person, programs:read keys);
    drafts only to those who may write them."""
    rows = await charters.list_charters(
        session,
        org_id=principal.org_id,
        page=page,
        scope_id=scope_id,
        status=status,
        draft_scopes=await access.draft_scopes(session, principal=principal),
    )
    return build_page(rows, page=page, read=CharterRead.model_validate)


@router.get("/charters/{charter_id}", response_model=CharterRead)
async def get_charter(
    charter: ValidCharter, session: DbSession, principal: ProgramReader
) -> CharterRead:
    """One version (any person, programs:read keys; a draft only to its writers)."""
    return CharterRead.model_validate(
        await service.visible(session, principal=principal, charter=charter)
    )


@router.post(
    "/charters/{charter_id}/publish",
    response_model=CharterRead,
    responses=PUBLISH_CONFLICT,
)
async def publish_charter(
    charter: ValidCharter, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> CharterRead | Response:
    """Put a draft in force (org admins, the scope's managers): everyone accepts it again
    before their next share."""

    async def publish() -> CharterRead:
        row = await service.publish(session, principal=principal, charter=charter)
        return CharterRead.model_validate(row)

    return await once.run(publish)


@dataclass(frozen=True)
class _Keyed:
    """A version in force seen by keyset pagination, ordered by its publication."""

    entry: MyCharterRead

    @property
    def created_at(self) -> datetime:
        assert self.entry.charter.published_at is not None
        return self.entry.charter.published_at

    @property
    def id(self) -> uuid.UUID:
        return self.entry.charter.id


@router.get("/me/charters", response_model=Page[MyCharterRead])
async def my_charters(
    session: DbSession,
    principal: Employee,
    page: Pagination,
    pending: Annotated[
        bool, Query(description="Only the versions I still have to accept.")
    ] = False,
) -> Page[MyCharterRead]:
    """The charters in force where I take part (my programs, my sub-programs, the programs I
    am invited to), newest first, each with my acceptance of it: accepted_at null means accept
    it before sharing there."""
    ambassador = await ambassadors.find_ambassador(
        session, org_id=principal.org_id, user_id=principal.user_id
    )
    employee = await caller_record(session, principal=principal)
    invited = await participation.invited_programs(
        session, org_id=principal.org_id, employee_id=employee.id if employee else None
    )
    rows = await charters.in_force_for(
        session,
        org_id=principal.org_id,
        ambassador_id=ambassador.id if ambassador else None,
        program_ids=invited,
        page=page,
        pending_only=pending,
    )
    entries = [
        _Keyed(
            MyCharterRead(
                charter=CharterRead.model_validate(charter),
                accepted_at=accepted_at,
                last_accepted_version=last,
            )
        )
        for charter, accepted_at, last in rows
    ]
    return build_page(entries, page=page, read=lambda keyed: keyed.entry)

"""Programs and sub-programs HTTP routes (console side)."""

from fastapi import APIRouter, Response, status

from ambassadors import repository, service
from ambassadors.dependencies import Employee, ProgramReader, ValidProgram, ValidSubProgram
from ambassadors.models import Network
from ambassadors.schemas import (
    MembershipCreate,
    MembershipRead,
    ProgramCreate,
    ProgramRead,
    SubProgramCreate,
    SubProgramRead,
)
from common import openapi
from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, build_page

router = APIRouter(prefix="/v1", tags=["programs"])


@router.post("/programs", status_code=status.HTTP_201_CREATED, response_model=ProgramRead)
async def create_program(
    data: ProgramCreate, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> ProgramRead | Response:
    """Create a program (org admin)."""

    async def create() -> ProgramRead:
        program = service.create_program(session, principal=principal, data=data)
        await session.flush()
        return ProgramRead.model_validate(program)

    return await once.run(create)


@router.get("/programs", response_model=Page[ProgramRead])
async def list_programs(
    session: DbSession, principal: ProgramReader, page: Pagination
) -> Page[ProgramRead]:
    """The organisation's programs, newest first (any person, API keys with programs:read)."""
    rows = await repository.list_programs(session, org_id=principal.org_id, page=page)
    return build_page(rows, page=page, read=ProgramRead.model_validate)


@router.get("/programs/{program_id}", response_model=ProgramRead)
async def get_program(program: ValidProgram, _: ProgramReader) -> ProgramRead:
    """One program (any person, API keys with programs:read)."""
    return ProgramRead.model_validate(program)


@router.post(
    "/programs/{program_id}/sub-programs",
    status_code=status.HTTP_201_CREATED,
    response_model=SubProgramRead,
    openapi_extra={openapi.RESOURCE: "/v1/sub-programs/{sub_program_id}"},
)
async def create_sub_program(
    data: SubProgramCreate,
    program: ValidProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> SubProgramRead | Response:
    """Create a sub-program (by network, topic, department...) in a program (org admin, the
    program's managers)."""

    async def create() -> SubProgramRead:
        sub = await service.create_sub_program(
            session, principal=principal, program=program, data=data
        )
        await session.flush()
        return SubProgramRead.model_validate(sub)

    return await once.run(create)


@router.get("/programs/{program_id}/sub-programs", response_model=Page[SubProgramRead])
async def list_sub_programs(
    program: ValidProgram, session: DbSession, principal: ProgramReader, page: Pagination
) -> Page[SubProgramRead]:
    """Sub-programs of a program, newest first (any person, API keys with programs:read)."""
    rows = await repository.list_sub_programs(
        session, org_id=principal.org_id, program_id=program.id, page=page
    )
    return build_page(rows, page=page, read=SubProgramRead.model_validate)


@router.get("/sub-programs/{sub_program_id}", response_model=SubProgramRead)
async def get_sub_program(sub_program: ValidSubProgram, _: ProgramReader) -> SubProgramRead:
    """One sub-program (any person, API keys with programs:read)."""
    return SubProgramRead.model_validate(sub_program)


@router.post(
    "/sub-programs/{sub_program_id}/members",
    status_code=status.HTTP_201_CREATED,
    response_model=MembershipRead,
)
async def join_sub_program(
    data: MembershipCreate,
    sub_program: ValidSubProgram,
    session: DbSession,
    principal: Employee,
    once: Idempotent,
) -> MembershipRead | Response:
    """Opt in to a sub-program as an ambassador, with one of your own social profiles
    (employees, for themselves)."""

    async def join() -> MembershipRead:
        membership, profile = await service.join(
            session, principal=principal, sub_program=sub_program, data=data
        )
        return MembershipRead(
            id=membership.id,
            sub_program_id=membership.sub_program_id,
            ambassador_id=membership.ambassador_id,
            network=Network(profile.network),
            audience_size=profile.audience_size,
            joined_at=membership.joined_at,
        )

    return await once.run(join)


@router.delete("/sub-programs/{sub_program_id}/members/me", status_code=status.HTTP_204_NO_CONTENT)
async def leave_sub_program(
    sub_program: ValidSubProgram, session: DbSession, principal: Employee
) -> None:
    """Opt out of a sub-program, at any time and without giving a reason."""
    await service.leave(session, principal=principal, sub_program=sub_program)

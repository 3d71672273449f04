"""Program membership routes: a person joins and leaves a whole program; staff list members."""

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from ambassadors.dependencies import Employee, ValidProgram, ValidSubProgram
from ambassadors.membership import programs, roster
from ambassadors.membership.access import require_member_viewer
from ambassadors.membership.schemas import MemberRead, ProgramMemberRead
from ambassadors.staff.access import Scope
from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, PageParams, build_page

router = APIRouter(prefix="/v1", tags=["membership"])
Executive = Annotated[bool | None, Query(description="Only executives (true) or others (false).")]


@router.post(
    "/programs/{program_id}/members",
    status_code=status.HTTP_201_CREATED,
    response_model=ProgramMemberRead,
    responses={409: {"description": "Already a member (code already_member)"}},
)
async def join_program(
    program: ValidProgram, session: DbSession, principal: Employee, once: Idempotent
) -> ProgramMemberRead | Response:
    """Opt in to a whole program (employees, for themselves); sub-programs are joined one by
    one, each with one of your profiles."""

    async def join() -> ProgramMemberRead:
        member = await programs.join(session, principal=principal, program=program)
        return ProgramMemberRead.model_validate(member)

    return await once.run(join)


@router.delete("/programs/{program_id}/members/me", status_code=status.HTTP_204_NO_CONTENT)
async def leave_program(program: ValidProgram, session: DbSession, principal: Employee) -> None:
    """Opt out of a whole program, at any time and without a reason: out of each of its
    sub-programs, and their content leaves your feed."""
    await programs.leave(session, principal=principal, program=program)


async def _members(
    scope: Scope,
    session: DbSession,
    principal: CurrentPrincipal,
    page: PageParams,
    executive: bool | None,
) -> Page[MemberRead]:
    await require_member_viewer(session, principal=principal, scope=scope)
    rows = await roster.members(session, scope=scope, page=page, executive=executive)
    shown = await roster.read(session, rows[: page.limit])
    return build_page(rows, page=page, read=lambda row: shown[row.id])


@router.get("/programs/{program_id}/members", response_model=Page[MemberRead])
async def list_program_members(
    program: ValidProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    executive: Executive = None,
) -> Page[MemberRead]:
    """Members of a program, newest first (org admins; managers and reviewers of the program)."""
    return await _members(Scope.of_program(program), session, principal, page, executive)


@router.get("/sub-programs/{sub_program_id}/members", response_model=Page[MemberRead])
async def list_sub_program_members(
    sub_program: ValidSubProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    executive: Executive = None,
) -> Page[MemberRead]:
    """Members of a sub-program, newest first (org admins; managers and reviewers covering it)."""
    return await _members(Scope.of_sub_program(sub_program), session, principal, page, executive)

"""Staff grant HTTP routes: program managers and reviewers of programs and sub-programs."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from fastapi import APIRouter, Response, status

from ambassadors.dependencies import Person, ValidProgram, ValidSubProgram
from ambassadors.staff import repository, service
from ambassadors.staff.access import Scope
from ambassadors.staff.models import StaffGrant
from ambassadors.staff.schemas import StaffGrantCreate, StaffGrantRead
from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, PageParams, build_page

router = APIRouter(prefix="/v1", tags=["staff"])


@dataclass(frozen=True)
class _Keyed:
    """A grant seen by keyset pagination, which orders on `created_at, id`."""

    grant: StaffGrant

    @property
    def created_at(self) -> datetime:
        return self.grant.granted_at

    @property
    def id(self) -> uuid.UUID:
        return self.grant.id


def _page(rows: list[StaffGrant], page: PageParams) -> Page[StaffGrantRead]:
    return build_page(
        [_Keyed(row) for row in rows],
        page=page,
        read=lambda keyed: StaffGrantRead.model_validate(keyed.grant),
    )


async def _grant(
    scope: Scope, data: StaffGrantCreate, session: DbSession, principal: CurrentPrincipal
) -> StaffGrantRead:
    row = await service.grant(session, principal=principal, scope=scope, data=data)
    return StaffGrantRead.model_validate(row)


async def _list(
    scope: Scope, session: DbSession, principal: CurrentPrincipal, page: PageParams
) -> Page[StaffGrantRead]:
    await service.require_staff_viewer(session, principal=principal, scope=scope)
    rows = await repository.list_scope_grants(
        session, org_id=scope.org_id, scope_id=scope.id, page=page
    )
    return _page(rows, page)


@router.post(
    "/programs/{program_id}/staff",
    status_code=status.HTTP_201_CREATED,
    response_model=StaffGrantRead,
)
async def grant_on_program(
    data: StaffGrantCreate,
    program: ValidProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> StaffGrantRead | Response:
    """Make a person program manager or reviewer of a program and all its sub-programs
    (org admin; a program manager of the program may add reviewers)."""
    return await once.run(lambda: _grant(Scope.of_program(program), data, session, principal))


@router.get("/programs/{program_id}/staff", response_model=Page[StaffGrantRead])
async def list_program_staff(
    program: ValidProgram, session: DbSession, principal: CurrentPrincipal, page: Pagination
) -> Page[StaffGrantRead]:
    """Grants on a program, newest first (org admin, the program's managers)."""
    return await _list(Scope.of_program(program), session, principal, page)


@router.delete("/programs/{program_id}/staff/{grant_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_on_program(
    grant_id: uuid.UUID, program: ValidProgram, session: DbSession, principal: CurrentPrincipal
) -> None:
    """Withdraw a grant on a program (as for granting)."""
    scope = Scope.of_program(program)
    await service.revoke(session, principal=principal, scope=scope, grant_id=grant_id)


@router.post(
    "/sub-programs/{sub_program_id}/staff",
    status_code=status.HTTP_201_CREATED,
    response_model=StaffGrantRead,
)
async def grant_on_sub_program(
    data: StaffGrantCreate,
    sub_program: ValidSubProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> StaffGrantRead | Response:
    """Make a person program manager or reviewer of one sub-program
    (org admin; a program manager covering it may add reviewers)."""
    scope = Scope.of_sub_program(sub_program)
    return await once.run(lambda: _grant(scope, data, session, principal))


@router.get("/sub-programs/{sub_program_id}/staff", response_model=Page[StaffGrantRead])
async def list_sub_program_staff(
    sub_program: ValidSubProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
) -> Page[StaffGrantRead]:
    """Grants on a sub-program itself, newest first (org admin, its program managers)."""
    return await _list(Scope.of_sub_program(sub_program), session, principal, page)


@router.delete(
    "/sub-programs/{sub_program_id}/staff/{grant_id}", status_code=status.HTTP_204_NO_CONTENT
)
async def revoke_on_sub_program(
    grant_id: uuid.UUID,
    sub_program: ValidSubProgram,
    session: DbSession,
    principal: CurrentPrincipal,
) -> None:
    """Withdraw a grant on a sub-program (as for granting)."""
    scope = Scope.of_sub_program(sub_program)
    await service.revoke(session, principal=principal, scope=scope, grant_id=grant_id)


@router.get("/me/staff-roles", response_model=Page[StaffGrantRead])
async def my_staff_roles(
    session: DbSession, principal: Person, page: Pagination
) -> Page[StaffGrantRead]:
    """The programs and sub-programs I manage or review, newest grant first."""
    rows = await repository.list_user_grants(
        session, org_id=principal.org_id, user_id=principal.user_id, page=page
    )
    return _page(rows, page)

"""Invitation routes: staff invite, list and revoke; the person sees theirs and answers."""

import uuid
from typing import Any

from fastapi import APIRouter, Response, status

from ambassadors.dependencies import Person, ValidProgram, ValidSubProgram
from ambassadors.membership import invitations
from ambassadors.membership import repository as members
from ambassadors.membership.access import require_manager, require_org_admin
from ambassadors.membership.models import Invitation
from ambassadors.membership.schemas import (
    InvitationAccept,
    InvitationAccepted,
    InvitationCreate,
    InvitationRead,
    InvitationsCreated,
    InvitationStatus,
    ProgramMemberRead,
)
from ambassadors.people.service import caller_record
from ambassadors.schemas import MembershipRead
from ambassadors.staff.access import Scope
from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, PageParams, build_page

router = APIRouter(prefix="/v1", tags=["invitations"])
CREATE_ERRORS: dict[int | str, dict[str, Any]] = {
    409: {"description": "Departed employees, members, or all already invited (code says)"},
    422: {"description": "Invalid input, or employee ids unknown here (each one named)"},
}


def read(invitation: Invitation) -> InvitationRead:
    scope_type = "program" if invitation.sub_program_id is None else "sub_program"
    return InvitationRead.model_validate({**invitation.model_dump(), "scope_type": scope_type})


def _page(rows: list[Invitation], page: PageParams) -> Page[InvitationRead]:
    return build_page(rows, page=page, read=read)


async def _invite(
    scope: Scope, data: InvitationCreate, session: DbSession, principal: CurrentPrincipal
) -> InvitationsCreated:
    created, skipped = await invitations.invite(
        session, principal=principal, scope=scope, data=data
    )
    return InvitationsCreated(items=[read(i) for i in created], already_invited=skipped)


@router.post(
    "/programs/{program_id}/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=InvitationsCreated,
    responses=CREATE_ERRORS,
)
async def invite_to_program(
    data: InvitationCreate,
    program: ValidProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> InvitationsCreated | Response:
    """Invite employees (HR record ids, at most 500) to a program (org admins, its program
    managers). An invitation is a proposal: only the person's acceptance makes a member."""
    scope = Scope.of_program(program)
    return await once.run(lambda: _invite(scope, data, session, principal))


@router.post(
    "/sub-programs/{sub_program_id}/invitations",
    status_code=status.HTTP_201_CREATED,
    response_model=InvitationsCreated,
    responses=CREATE_ERRORS,
)
async def invite_to_sub_program(
    data: InvitationCreate,
    sub_program: ValidSubProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> InvitationsCreated | Response:
    """Invite employees to a sub-program (org admins, program managers covering it)."""
    scope = Scope.of_sub_program(sub_program)
    return await once.run(lambda: _invite(scope, data, session, principal))


@router.get("/programs/{program_id}/invitations", response_model=Page[InvitationRead])
async def list_program_invitations(
    program: ValidProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    status: InvitationStatus | None = None,
) -> Page[InvitationRead]:
    """Invitations to a program and its sub-programs, newest first (org admins, its program
    managers)."""
    await require_manager(session, principal=principal, scope=Scope.of_program(program))
    rows = await members.list_invitations(
        session, org_id=program.org_id, page=page, status=status, program_id=program.id
    )
    return _page(rows, page)


@router.get("/sub-programs/{sub_program_id}/invitations", response_model=Page[InvitationRead])
async def list_sub_program_invitations(
    sub_program: ValidSubProgram,
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    status: InvitationStatus | None = None,
) -> Page[InvitationRead]:
    """Invitations to a sub-program, newest first (org admins, program managers covering it)."""
    await require_manager(session, principal=principal, scope=Scope.of_sub_program(sub_program))
    rows = await members.list_invitations(
        session, org_id=sub_program.org_id, page=page, status=status, scope_id=sub_program.id
    )
    return _page(rows, page)


@router.get("/invitations", response_model=Page[InvitationRead])
async def list_invitations(
    session: DbSession,
    principal: CurrentPrincipal,
    page: Pagination,
    status: InvitationStatus | None = None,
    employee_id: uuid.UUID | None = None,
) -> Page[InvitationRead]:
    """Every invitation of the organisation, newest first (org admins)."""
    require_org_admin(principal)
    rows = await members.list_invitations(
        session, org_id=principal.org_id, page=page, status=status, employee_id=employee_id
    )
    return _page(rows, page)


@router.post("/invitations/{invitation_id}/revoke", response_model=InvitationRead)
async def revoke_invitation(
    invitation_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> InvitationRead | Response:
    """Withdraw an open invitation (org admins, program managers of its scope); 409 once it
    was answered."""

    async def revoke() -> InvitationRead:
        return read(
            await invitations.revoke(session, principal=principal, invitation_id=invitation_id)
        )

    return await once.run(revoke)


@router.get("/me/invitations", response_model=Page[InvitationRead])
async def my_invitations(
    session: DbSession, principal: Person, page: Pagination, status: InvitationStatus | None = None
) -> Page[InvitationRead]:
    """Invitations addressed to me, newest first (those to my HR record, once my sign-in is
    linked to it; empty before)."""
    employee = await caller_record(session, principal=principal)
    if employee is None:
        return Page[InvitationRead](items=[], next_cursor=None)
    rows = await members.list_invitations(
        session, org_id=principal.org_id, page=page, status=status, employee_id=employee.id
    )
    return _page(rows, page)


@router.post(
    "/me/invitations/{invitation_id}/accept",
    response_model=InvitationAccepted,
    responses={
        403: {"description": "Not an employee, or HR records that you left"},
        409: {"description": "Not open any more, or already a member (code says)"},
        422: {"description": "A sub-program invitation needs `network` and `audience_size`"},
    },
)
async def accept_invitation(
    invitation_id: uuid.UUID,
    session: DbSession,
    principal: Person,
    once: Idempotent,
    data: InvitationAccept | None = None,
) -> InvitationAccepted | Response:
    """Accept an invitation addressed to me: my opt-in to its program (and sub-program, with
    one of my profiles)."""

    async def accept() -> InvitationAccepted:
        invitation, member, joined = await invitations.accept(
            session,
            principal=principal,
            invitation_id=invitation_id,
            data=data or InvitationAccept(),
        )
        sub = None
        if joined is not None:
            membership, profile = joined
            sub = MembershipRead.model_validate(
                {
                    **membership.model_dump(),
                    "network": profile.network,
                    "audience_size": profile.audience_size,
                }
            )
        return InvitationAccepted(
            invitation=read(invitation),
            program_membership=ProgramMemberRead.model_validate(member),
            sub_program_membership=sub,
        )

    return await once.run(accept)


@router.post("/me/invitations/{invitation_id}/decline", response_model=InvitationRead)
async def decline_invitation(
    invitation_id: uuid.UUID, session: DbSession, principal: Person, once: Idempotent
) -> InvitationRead | Response:
    """Decline an invitation addressed to me; nothing else changes and rules never ask again."""

    async def decline() -> InvitationRead:
        return read(
            await invitations.decline(session, principal=principal, invitation_id=invitation_id)
        )

    return await once.run(decline)

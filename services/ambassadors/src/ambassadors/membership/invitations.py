"""Invitations: staff propose, the person answers. Only their acceptance makes a member; every
answer is one conditional UPDATE, so of two racing answers exactly one counts."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors import repository, service
from ambassadors.membership import events, programs
from ambassadors.membership import repository as members
from ambassadors.membership.access import require_manager
from ambassadors.membership.errors import (
    AlreadyInvited,
    InvitationNotFound,
    InvitationNotOpen,
    InviteeAlreadyMember,
    InviteeDeparted,
)
from ambassadors.membership.models import Invitation, ProgramMember
from ambassadors.membership.schemas import InvitationAccept, InvitationCreate
from ambassadors.models import Membership, SocialProfile
from ambassadors.people.errors import EmployeeDeparted
from ambassadors.people.models import Employee
from ambassadors.people.service import caller_record
from ambassadors.schemas import MembershipCreate
from ambassadors.staff.access import Scope
from common.auth import Principal
from common.errors import InvalidInput


def scope_of(invitation: Invitation) -> Scope:
    """The program or sub-program an invitation is to."""
    return Scope(
        type="program" if invitation.sub_program_id is None else "sub_program",
        id=invitation.scope_id,
        program_id=invitation.program_id,
        org_id=invitation.org_id,
    )


def _named(ids: list[tuple[int, uuid.UUID]], message: str) -> list[dict[str, str]]:
    return [{"field": f"employee_ids.{i}", "message": f"{message}: {eid}"} for i, eid in ids]


async def invite(
    session: AsyncSession, *, principal: Principal, scope: Scope, data: InvitationCreate
) -> tuple[list[Invitation], list[uuid.UUID]]:
    """Invite employees to the scope (org admins, its program managers): the invitations made,
    and who already had an open one. Nothing is written if any id is refused."""
    await require_manager(session, principal=principal, scope=scope)
    asked = list(enumerate(data.employee_ids))
    found = {
        e.id: e
        for e in await members.employees(session, org_id=scope.org_id, ids=data.employee_ids)
    }
    unknown = [(i, eid) for i, eid in asked if eid not in found]
    if unknown:
        errors = _named(unknown, "no employee of this organisation")
        raise InvalidInput("unknown employee ids", errors=errors)
    departed = [(i, eid) for i, eid in asked if found[eid].employment_status == "left"]
    if departed:
        errors = _named(departed, "HR records that this employee left")
        raise InviteeDeparted("departed employees cannot be invited", errors=errors)
    inside = set(await members.members_among(session, scope=scope, employee_ids=list(found)))
    if inside:
        errors = _named([(i, eid) for i, eid in asked if eid in inside], "already a member")
        raise InviteeAlreadyMember(f"already members of this {scope.type}", errors=errors)
    now = datetime.now(UTC)
    created = await members.add_invitations(
        session,
        [
            _invitation(scope, employee_id, reason=data.reason, by=principal.user_id, at=now)
            for employee_id in found
        ],
    )
    if not created:
        errors = _named(asked, "already has an open invitation here")
        raise AlreadyInvited(
            f"they already have an open invitation to this {scope.type}", errors=errors
        )
    for invitation in created:
        events.ambassador_invited(
            session, invitation, department=found[invitation.employee_id].department
        )
    made = {invitation.employee_id for invitation in created}
    return created, [employee_id for employee_id in found if employee_id not in made]


def _invitation(
    scope: Scope, employee_id: uuid.UUID, *, reason: str, by: uuid.UUID | None, at: datetime
) -> Invitation:
    return Invitation(
        org_id=scope.org_id,
        employee_id=employee_id,
        program_id=scope.program_id,
        sub_program_id=scope.id if scope.type == "sub_program" else None,
        scope_id=scope.id,
        reason=reason,
        status="open",
        invited_by=by,
        created_at=at,
    )


async def _mine(
    session: AsyncSession, *, principal: Principal, invitation_id: uuid.UUID
) -> tuple[Invitation, Employee]:
    """The caller's invitation (addressed to their linked HR record); 404 otherwise."""
    employee = await caller_record(session, principal=principal)
    invitation = None
    if employee is not None:
        invitation = await members.get_invitation(
            session, org_id=principal.org_id, invitation_id=invitation_id, employee_id=employee.id
        )
    if invitation is None or employee is None:
        raise InvitationNotFound(f"invitation {invitation_id} not found", field="invitation_id")
    return invitation, employee


async def _answer(
    session: AsyncSession,
    *,
    principal: Principal,
    invitation: Invitation,
    status: str,
    employee_id: uuid.UUID | None = None,
) -> Invitation:
    decided = await members.decide(
        session,
        org_id=invitation.org_id,
        invitation_id=invitation.id,
        status=status,
        by=principal.user_id,
        at=datetime.now(UTC),
        employee_id=employee_id,
    )
    if decided is None:
        raise InvitationNotOpen("this invitation is no longer open", field="invitation_id")
    return decided


async def accept(
    session: AsyncSession,
    *,
    principal: Principal,
    invitation_id: uuid.UUID,
    data: InvitationAccept,
) -> tuple[Invitation, ProgramMember, tuple[Membership, SocialProfile] | None]:
    """My opt-in: the invitation's program (and sub-program) membership, made now."""
    invitation, employee = await _mine(session, principal=principal, invitation_id=invitation_id)
    principal.require("employee")
    if employee.employment_status == "left":
        raise EmployeeDeparted("HR records that you have left the company", field="employee")
    profile = None
    if invitation.sub_program_id is not None:
        missing = [name for name, value in data.model_dump().items() if value is None]
        if missing:
            errors = [
                {"field": name, "message": "required to join a sub-program"} for name in missing
            ]
            raise InvalidInput("a sub-program invitation needs your profile", errors=errors)
        assert data.network is not None and data.audience_size is not None
        profile = MembershipCreate(network=data.network, audience_size=data.audience_size)
    decided = await _answer(
        session,
        principal=principal,
        invitation=invitation,
        status="accepted",
        employee_id=employee.id,
    )
    if profile is None:
        program = await repository.get_program(
            session, org_id=decided.org_id, program_id=decided.program_id
        )
        assert program is not None
        member = await programs.join(session, principal=principal, program=program)
        return decided, member, None
    sub = await repository.get_sub_program(
        session, org_id=decided.org_id, sub_program_id=decided.scope_id
    )
    assert sub is not None
    joined = await service.join(session, principal=principal, sub_program=sub, data=profile)
    current = await members.current_membership(
        session, program_id=decided.program_id, ambassador_id=joined[0].ambassador_id
    )
    assert current is not None
    return decided, current, joined


async def decline(
    session: AsyncSession, *, principal: Principal, invitation_id: uuid.UUID
) -> Invitation:
    """My no: the invitation is closed; nothing else changes."""
    invitation, employee = await _mine(session, principal=principal, invitation_id=invitation_id)
    return await _answer(
        session,
        principal=principal,
        invitation=invitation,
        status="declined",
        employee_id=employee.id,
    )


async def revoke(
    session: AsyncSession, *, principal: Principal, invitation_id: uuid.UUID
) -> Invitation:
    """Staff withdraw an open invitation (org admins, managers of its scope)."""
    invitation = await members.get_invitation(
        session, org_id=principal.org_id, invitation_id=invitation_id
    )
    if invitation is None:
        raise InvitationNotFound(f"invitation {invitation_id} not found", field="invitation_id")
    await require_manager(session, principal=principal, scope=scope_of(invitation))
    return await _answer(session, principal=principal, invitation=invitation, status="revoked")

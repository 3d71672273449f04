"""Stagers of the invitation and join events, keyed by the person's employee id (their
ambassador id without an HR record), so one person's story stays in order."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.membership.models import Invitation, ProgramMember
from ambassadors.people.models import Employee
from common.events.contracts.people import AmbassadorInvitedV1, AmbassadorJoinedV1
from common.outbox import add_event

SOURCE = "/services/ambassadors"


def ambassador_invited(
    session: AsyncSession, invitation: Invitation, *, department: str | None
) -> None:
    """AmbassadorInvitedV1: a proposal, told to HR and messaging tools."""
    sub_program_id = invitation.sub_program_id
    add_event(
        session,
        AmbassadorInvitedV1(
            org_id=invitation.org_id,
            invitation_id=invitation.id,
            employee_id=invitation.employee_id,
            program_id=invitation.program_id,
            sub_program_id=sub_program_id,
            reason=invitation.reason,
            invited_by=invitation.invited_by,
            invited_at=invitation.created_at,
        ),
        source=SOURCE,
        subject=f"invitations/{invitation.id}",
        key=str(invitation.employee_id),
        orgid=str(invitation.org_id),
        programid=str(invitation.program_id),
        subprogramid=str(sub_program_id) if sub_program_id else None,
        department=department,
    )


def ambassador_joined(
    session: AsyncSession,
    member: ProgramMember,
    *,
    user_id: uuid.UUID,
    employee: Employee | None,
) -> None:
    """AmbassadorJoinedV1: the person opted in to a whole program."""
    add_event(
        session,
        AmbassadorJoinedV1(
            org_id=member.org_id,
            program_id=member.program_id,
            ambassador_id=member.ambassador_id,
            user_id=user_id,
            is_executive=employee.is_executive if employee else False,
            joined_at=member.joined_at,
        ),
        source=SOURCE,
        subject=f"ambassadors/{member.ambassador_id}",
        key=str(employee.id if employee else member.ambassador_id),
        orgid=str(member.org_id),
        programid=str(member.program_id),
        department=employee.department if employee else None,
    )

"""The events that tell other services who may see and do what, staged in the caller's
transaction: one stager per event, used both by the live changes (service.py, staff/service.py)
and by `python -m ambassadors.republish`, so a republished event is keyed, headed and shaped
exactly as the live one.

Keys: the program or sub-program the event is about (the scope of a grant), so every change of
one scope lands on one partition in order. Headers: ce_orgid, ce_programid, and ce_subprogramid
when the scope is a sub-program, for consumers that filter without decoding.
"""

import uuid
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.models import Membership, Program, SubProgram
from ambassadors.staff.models import StaffGrant
from common.events.contracts.ambassadors import (
    MembershipChangedV1,
    ProgramCreatedV1,
    StaffRoleChangedV1,
    SubProgramCreatedV1,
)
from common.outbox import add_event

SOURCE = "/services/ambassadors"


def program_created(session: AsyncSession, program: Program) -> None:
    """ProgramCreatedV1, keyed by the program."""
    add_event(
        session,
        ProgramCreatedV1(
            program_id=program.id,
            org_id=program.org_id,
            name=program.name,
            created_at=program.created_at,
        ),
        source=SOURCE,
        subject=f"programs/{program.id}",
        key=str(program.id),
        orgid=str(program.org_id),
        programid=str(program.id),
    )


def sub_program_created(session: AsyncSession, sub: SubProgram) -> None:
    """SubProgramCreatedV1, keyed by the sub-program."""
    add_event(
        session,
        SubProgramCreatedV1(
            sub_program_id=sub.id,
            program_id=sub.program_id,
            org_id=sub.org_id,
            name=sub.name,
            kind=sub.kind,
            created_at=sub.created_at,
        ),
        source=SOURCE,
        subject=f"sub-programs/{sub.id}",
        key=str(sub.id),
        orgid=str(sub.org_id),
        programid=str(sub.program_id),
        subprogramid=str(sub.id),
    )


def membership_changed(
    session: AsyncSession,
    membership: Membership,
    *,
    user_id: uuid.UUID,
    program_id: uuid.UUID,
    change: Literal["joined", "left"],
    changed_at: datetime,
) -> None:
    """MembershipChangedV1, keyed by the sub-program: its members' comings and goings in order."""
    sub_program_id = membership.sub_program_id
    add_event(
        session,
        MembershipChangedV1(
            org_id=membership.org_id,
            sub_program_id=sub_program_id,
            user_id=user_id,
            ambassador_id=membership.ambassador_id,
            change=change,
            changed_at=changed_at,
        ),
        source=SOURCE,
        subject=f"memberships/{membership.id}",
        key=str(sub_program_id),
        orgid=str(membership.org_id),
        programid=str(program_id),
        subprogramid=str(sub_program_id),
    )


def staff_role_changed(
    session: AsyncSession,
    grant: StaffGrant,
    *,
    program_id: uuid.UUID,
    change: Literal["granted", "revoked"],
    changed_at: datetime,
) -> None:
    """StaffRoleChangedV1, keyed by the grant's scope (program_id: the scope's program)."""
    on_sub_program = grant.scope_type == "sub_program"
    add_event(
        session,
        StaffRoleChangedV1(
            org_id=grant.org_id,
            user_id=grant.user_id,
            role="program_manager" if grant.role == "program_manager" else "reviewer",
            scope_type="sub_program" if on_sub_program else "program",
            scope_id=grant.scope_id,
            change=change,
            changed_at=changed_at,
        ),
        source=SOURCE,
        subject=f"staff-grants/{grant.id}",
        key=str(grant.scope_id),
        orgid=str(grant.org_id),
        programid=str(program_id),
        subprogramid=str(grant.scope_id) if on_sub_program else None,
    )

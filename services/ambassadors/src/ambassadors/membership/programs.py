"""Joining and leaving whole programs: always the person's own action. Joining a sub-program
joins its program too (ambassadors.service.join); leaving a program leaves its sub-programs."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors import repository, withdrawal
from ambassadors.errors import AlreadyMember, NotMember
from ambassadors.membership import events
from ambassadors.membership import repository as members
from ambassadors.membership.models import ProgramMember
from ambassadors.models import Ambassador, Program
from ambassadors.people.models import Employee
from ambassadors.people.service import caller_record, require_not_departed
from common.auth import Principal


async def enter(
    session: AsyncSession,
    *,
    ambassador: Ambassador,
    program_id: uuid.UUID,
    employee: Employee | None,
    sub_program_id: uuid.UUID | None = None,
) -> ProgramMember | None:
    """Make the ambassador a member of the program unless they are (told once), and settle the
    person's open invitations there: they answered by joining. None if already a member."""
    now = datetime.now(UTC)
    entered = await members.enter_program(
        session,
        member=ProgramMember(
            org_id=ambassador.org_id,
            program_id=program_id,
            ambassador_id=ambassador.id,
            joined_at=now,
        ),
    )
    if entered is not None:
        events.ambassador_joined(session, entered, user_id=ambassador.user_id, employee=employee)
    if employee is not None:
        scopes = [program_id] if sub_program_id is None else [program_id, sub_program_id]
        await members.settle_open(
            session, employee_id=employee.id, scope_ids=scopes, by=ambassador.user_id, at=now
        )
    return entered


async def become_ambassador(
    session: AsyncSession, *, principal: Principal
) -> tuple[Ambassador, Employee | None]:
    """The caller's ambassador row (made on their first opt-in) and HR record; 403 for someone
    HR says has left."""
    employee = await require_not_departed(session, principal=principal)
    ambassador = await repository.ensure_ambassador(
        session,
        candidate=Ambassador(
            org_id=principal.org_id, user_id=principal.user_id, created_at=datetime.now(UTC)
        ),
    )
    return ambassador, employee


async def join(session: AsyncSession, *, principal: Principal, program: Program) -> ProgramMember:
    """The caller opts in to a whole program (no sub-program yet: their feed fills once they
    join one)."""
    ambassador, employee = await become_ambassador(session, principal=principal)
    entered = await enter(session, ambassador=ambassador, program_id=program.id, employee=employee)
    if entered is None:
        raise AlreadyMember("you are already a member of this program", field="program_id")
    return entered


async def leave(session: AsyncSession, *, principal: Principal, program: Program) -> None:
    """The caller opts out of a whole program: out of each of its sub-programs and their feed
    items, told once (a twin call is a 404)."""
    ambassador = await repository.find_ambassador(
        session, org_id=principal.org_id, user_id=principal.user_id
    )
    left: set[uuid.UUID] = set()
    if ambassador is not None:
        employee = await caller_record(session, principal=principal)
        left = await withdrawal.withdraw(
            session,
            ambassador=ambassador,
            reason="opted_out",
            program_ids=[program.id],
            key=employee.id if employee else None,
        )
    if not left:
        raise NotMember("you are not a member of this program", field="program_id")

"""An employee who leaves is deactivated at once: out of every sub-program and feed, staff
grants revoked, each room's credentials and consents ended (ambassadors.privacy.rooms), other
services told; their personal data is erased now or when the organisation's retention policy
says (ambassadors.people.retention).
"""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ambassadors import access_events, repository, withdrawal
from ambassadors.models import SubProgram
from ambassadors.people import events
from ambassadors.people import repository as people
from ambassadors.people.models import Employee
from ambassadors.privacy import erasure
from ambassadors.privacy.personal_data import PersonRef
from ambassadors.privacy.rooms import ROOMS
from ambassadors.staff.models import StaffGrant

DEFAULT_ERASE_AFTER_DAYS = 30


async def deactivate(session: AsyncSession, employee: Employee) -> None:
    """Everything a departure does, in the caller's transaction (the employee is already
    marked left by the statement that decided the departure, exactly once)."""
    ambassador = None
    if employee.user_id is not None:
        ambassador = await repository.find_ambassador(
            session, org_id=employee.org_id, user_id=employee.user_id
        )
        await _revoke_staff_grants(session, org_id=employee.org_id, user_id=employee.user_id)
    if ambassador is not None:
        await withdrawal.withdraw(
            session, ambassador=ambassador, reason="employee_left", key=employee.id
        )
    person = PersonRef(
        org_id=employee.org_id,
        user_id=employee.user_id,
        ambassador_id=ambassador.id if ambassador else None,
        employee_id=employee.id,
    )
    for room in ROOMS:
        if room.on_departure is not None:
            await room.on_departure(session, person)
    policy = await people.retention_policy(session, org_id=employee.org_id)
    days = DEFAULT_ERASE_AFTER_DAYS if policy is None else policy.erase_after_days
    assert employee.left_at is not None
    erase_after = None if days == 0 else employee.left_at + timedelta(days=days)
    events.employee_left(
        session,
        employee,
        ambassador_id=ambassador.id if ambassador else None,
        erase_after=erase_after,
    )
    if erase_after is None:
        await erasure.erase_person(
            session,
            org_id=employee.org_id,
            user_id=employee.user_id,
            employee=employee,
            ambassador_id=ambassador.id if ambassador else None,
            reason="retention",
        )
    else:
        await people.schedule_erasure(session, employee_id=employee.id, erase_after=erase_after)
        employee.erase_after = erase_after


async def _revoke_staff_grants(
    session: AsyncSession, *, org_id: uuid.UUID, user_id: uuid.UUID
) -> None:
    revoked = (
        (
            await session.execute(
                delete(StaffGrant)
                .where(col(StaffGrant.org_id) == org_id, col(StaffGrant.user_id) == user_id)
                .returning(StaffGrant)
            )
        )
        .scalars()
        .all()
    )
    sub_scopes = [g.scope_id for g in revoked if g.scope_type == "sub_program"]
    program_of: dict[uuid.UUID, uuid.UUID] = {}
    if sub_scopes:
        rows = await session.execute(
            select(col(SubProgram.id), col(SubProgram.program_id)).where(
                col(SubProgram.id).in_(sub_scopes)
            )
        )
        program_of = {row.id: row.program_id for row in rows.all()}
    now = datetime.now(UTC)
    for grant in revoked:
        access_events.staff_role_changed(
            session,
            grant,
            program_id=program_of.get(grant.scope_id, grant.scope_id),
            change="revoked",
            changed_at=now,
        )

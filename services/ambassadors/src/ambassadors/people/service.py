"""Employee rules: HR is the source of truth; a change is written and told once; a departure
deactivates the person at once."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ambassadors.membership import automatic
from ambassadors.people import departure, events
from ambassadors.people import repository as people
from ambassadors.people.errors import EmployeeDeparted, EmployeeNotFound, UserNameTaken
from ambassadors.people.models import Employee
from ambassadors.people.schemas import EmployeeRecord
from common.auth import Principal


async def sync(
    session: AsyncSession, *, org_id: uuid.UUID, records: Sequence[EmployeeRecord], source: str
) -> list[Employee]:
    """Upsert HR records (distinct external ids) in one statement; what really changed is told,
    and whoever just left is deactivated. Returns the changed rows."""
    now = datetime.now(UTC)
    rows = [people.row_of(r, org_id=org_id, source=source, now=now) for r in records]
    changed = await people.upsert_employees(session, rows)
    await events.employees_synced(session, changed)
    for employee in changed:
        if employee.employment_status == "left" and employee.left_at == now:
            await departure.deactivate(session, employee)
    await automatic.employees_changed(session, org_id=org_id, changed=changed)
    return changed


async def sync_one(
    session: AsyncSession, *, org_id: uuid.UUID, record: EmployeeRecord, source: str
) -> tuple[Employee, bool]:
    """Upsert one record: (the stored employee, whether anything changed). 409 when another
    employee of the organisation already has the user_name."""
    try:
        async with session.begin_nested():
            changed = await sync(session, org_id=org_id, records=[record], source=source)
    except IntegrityError as exc:
        raise UserNameTaken(
            f"another employee already signs in as {record.user_name!r}", field="user_name"
        ) from exc
    if changed:
        return changed[0], True
    stored = await people.by_external_id(session, org_id=org_id, external_id=record.external_id)
    assert stored is not None
    return stored, False


async def leave(session: AsyncSession, *, org_id: uuid.UUID, external_id: str) -> Employee:
    """Mark an employee as left (HR's word); deactivates them once, however often it is said."""
    now = datetime.now(UTC)
    statement = (
        update(Employee)
        .where(
            col(Employee.org_id) == org_id,
            col(Employee.external_id) == external_id,
            col(Employee.employment_status) != "left",
        )
        .values(employment_status="left", left_at=now, updated_at=now, version=Employee.version + 1)
        .returning(Employee)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    employee: Employee | None = result.scalar_one_or_none()
    if employee is not None:
        # The record now says `left`: the digest follows, or HR's rehire (the same record with
        # `active`) would match the old digest and change nothing.
        employee.fingerprint = people.fingerprint(people.record_of(employee))
        events.employee_synced(session, employee)
        await departure.deactivate(session, employee)
        return employee
    stored = await people.by_external_id(session, org_id=org_id, external_id=external_id)
    if stored is None:
        raise EmployeeNotFound(f"no employee with external id {external_id!r}", field="external_id")
    return stored


async def caller_record(session: AsyncSession, *, principal: Principal) -> Employee | None:
    """The caller's HR record, linked on first sight by the sign-in name the IdP states."""
    if principal.kind != "user":
        return None
    employee = await people.by_user(session, org_id=principal.org_id, user_id=principal.user_id)
    if employee is None and principal.username:
        employee = await people.link_user(
            session,
            org_id=principal.org_id,
            user_name=principal.username,
            user_id=principal.user_id,
        )
        if employee is None:  # a concurrent first request may have linked it meanwhile
            employee = await people.by_user(
                session, org_id=principal.org_id, user_id=principal.user_id
            )
    return employee


async def require_not_departed(session: AsyncSession, *, principal: Principal) -> Employee | None:
    """The caller's HR record; 403 employee_departed for someone HR says has left."""
    employee = await caller_record(session, principal=principal)
    if employee is not None and employee.employment_status == "left":
        raise EmployeeDeparted("HR records that you have left the company", field="employee")
    return employee

"""Stagers of the employee events, keyed by the employee: one person's story stays in order."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.people.models import Employee
from common.events.contracts.people import AmbassadorLeftV1, EmployeeLeftV1, EmployeeSyncedV1
from common.outbox import Staged, add_event, add_events

SOURCE = "/services/ambassadors"


def employee_synced(session: AsyncSession, employee: Employee) -> None:
    synced = _synced(employee)
    add_event(
        session,
        synced.payload,
        source=SOURCE,
        subject=synced.subject,
        key=synced.key,
        **synced.extensions,
    )


async def employees_synced(session: AsyncSession, employees: Sequence[Employee]) -> None:
    """employee_synced for many at once, in one INSERT (a bulk sync's events)."""
    await add_events(session, [_synced(employee) for employee in employees], source=SOURCE)


def _synced(employee: Employee) -> Staged:
    return Staged(
        payload=EmployeeSyncedV1(
            org_id=employee.org_id,
            employee_id=employee.id,
            user_id=employee.user_id,
            change="created" if employee.version == 1 else "updated",
            department=employee.department,
            location=employee.location,
            is_executive=employee.is_executive,
            employment_status=employee.employment_status,
            version=employee.version,
            synced_at=employee.updated_at,
        ),
        subject=f"employees/{employee.id}",
        key=str(employee.id),
        extensions={"orgid": str(employee.org_id), "department": employee.department},
    )


def employee_left(
    session: AsyncSession,
    employee: Employee,
    *,
    ambassador_id: uuid.UUID | None,
    erase_after: datetime | None,
) -> None:
    assert employee.left_at is not None
    add_event(
        session,
        EmployeeLeftV1(
            org_id=employee.org_id,
            employee_id=employee.id,
            user_id=employee.user_id,
            ambassador_id=ambassador_id,
            left_at=employee.left_at,
            erase_after=erase_after,
        ),
        source=SOURCE,
        subject=f"employees/{employee.id}",
        key=str(employee.id),
        orgid=str(employee.org_id),
        department=employee.department,
    )


def ambassador_left(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    program_id: uuid.UUID,
    ambassador_id: uuid.UUID,
    user_id: uuid.UUID,
    reason: Literal["opted_out", "employee_left", "erased"],
    left_at: datetime,
    key: uuid.UUID,
) -> None:
    """AmbassadorLeftV1; `key` is the person's employee id (or ambassador id without one)."""
    add_event(
        session,
        AmbassadorLeftV1(
            org_id=org_id,
            program_id=program_id,
            ambassador_id=ambassador_id,
            user_id=user_id,
            reason=reason,
            left_at=left_at,
        ),
        source=SOURCE,
        subject=f"ambassadors/{ambassador_id}",
        key=str(key),
        orgid=str(org_id),
        programid=str(program_id),
    )

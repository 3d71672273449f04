"""Erasing a person: personal data gone from every table of this service, other services told
(AmbassadorErasedV1) so content and metrics forget the ids; aggregates survive.
"""

import uuid
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ambassadors.people.models import Employee
from ambassadors.privacy.personal_data import PersonRef
from ambassadors.privacy.rooms import ROOMS
from common.events.contracts.people import AmbassadorErasedV1
from common.outbox import add_event

SOURCE = "/services/ambassadors"
PERSONAL_FIELDS = (
    "email",
    "display_name",
    "location",
    "manager_external_id",
    "job_title",
    "hire_date",
)


async def erase_person(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    user_id: uuid.UUID | None,
    employee: Employee | None,
    ambassador_id: uuid.UUID | None = None,
    reason: Literal["requested", "retention"],
) -> None:
    """Erase one person's personal data in the caller's transaction and tell the others."""
    now = datetime.now(UTC)
    person = PersonRef(
        org_id=org_id,
        user_id=user_id,
        ambassador_id=ambassador_id,
        employee_id=employee.id if employee else None,
    )
    for room in ROOMS:
        await room.erase(session, person)
    if employee is not None:
        erased: dict[str, object] = {
            **dict.fromkeys(PERSONAL_FIELDS),
            "active_networks": [],
            "user_name": f"erased-{employee.id}",
            "erased_at": now,
        }
        await session.execute(
            update(Employee).where(col(Employee.id) == employee.id).values(**erased)
        )
        for name, value in erased.items():
            setattr(employee, name, value)
    add_event(
        session,
        AmbassadorErasedV1(
            org_id=org_id,
            user_id=user_id,
            ambassador_id=ambassador_id,
            employee_id=employee.id if employee else None,
            reason=reason,
            erased_at=now,
        ),
        source=SOURCE,
        subject=f"people/{employee.id if employee else user_id}",
        key=str(employee.id if employee else user_id),
        orgid=str(org_id),
    )

"""Erasing a person: personal data gone from every table of this service, other services told
(AmbassadorErasedV1) so content and metrics forget the ids; aggregates survive.

Every room's eraser runs (ambassadors.privacy.rooms), then the ambassador row is detached from
the person: it keeps only a fresh random user id, so the shares that name it still count and
their tracked links still redirect, but nothing here leads back to the person. It goes last
because the rooms key their rows on it and their events still name the person's ids.
"""

import uuid
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ambassadors.models import Ambassador
from ambassadors.people.models import Employee
from ambassadors.privacy.personal_data import PersonRef
from ambassadors.privacy.rooms import ROOMS
from common.events.contracts.people import AmbassadorErasedV1
from common.outbox import add_event

SOURCE = "/services/ambassadors"


async def erase_person(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    user_id: uuid.UUID | None,
    employee: Employee | None,
    ambassador_id: uuid.UUID | None = None,
    reason: Literal["requested", "retention"],
) -> datetime:
    """Erase one person's personal data in the caller's transaction and tell the others; when."""
    now = datetime.now(UTC)
    person = PersonRef(
        org_id=org_id,
        user_id=user_id,
        ambassador_id=ambassador_id,
        employee_id=employee.id if employee else None,
    )
    for room in ROOMS:
        await room.erase(session, person)
    if ambassador_id is not None:
        await session.execute(
            update(Ambassador)
            .where(col(Ambassador.id) == ambassador_id, col(Ambassador.org_id) == org_id)
            .values(user_id=uuid.uuid4())
        )
    if employee is not None:
        await session.refresh(employee)  # the HR room may have emptied it
    add_event(
        session,
        AmbassadorErasedV1(
            org_id=org_id,
            user_id=user_id,
            ambassador_id=ambassador_id,
            employee_id=person.employee_id,
            reason=reason,
            erased_at=now,
        ),
        source=SOURCE,
        subject=f"people/{person.employee_id or user_id}",
        key=str(person.employee_id or user_id),
        orgid=str(org_id),
    )
    return now

"""A person's own privacy requests: their export, and their erasure, once however often asked.

The erasure receipt row decides: INSERT ... ON CONFLICT (org, person) DO UPDATE only when the
person came back since the last erasure (a new ambassador identity or a new staff grant). Of
two concurrent requests the second waits on the first's row, then finds it erased already.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import false, func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors import repository
from ambassadors.models import Ambassador
from ambassadors.people import service as people
from ambassadors.people.models import Employee
from ambassadors.privacy import erasure
from ambassadors.privacy.errors import AlreadyErased
from ambassadors.privacy.models import Erasure
from ambassadors.privacy.personal_data import EXPORT_ROW_CAP, PersonRef
from ambassadors.privacy.rooms import ROOMS
from ambassadors.staff.models import StaffGrant
from common import upsert
from common.auth import Principal

FORMAT = "advocacy.personal-data.v1"


async def export(session: AsyncSession, *, principal: Principal) -> dict[str, Any]:
    """Everything this service holds about the caller, one section per room, each bounded."""
    employee, ambassador = await _identities(session, principal=principal)
    person = _ref(principal, employee=employee, ambassador=ambassador)
    sections: dict[str, Any] = {}
    truncated: list[str] = []
    for room in ROOMS:
        section = await room.export(session, person)
        # A room reads one row more than the cap: the export says where it was cut short.
        if isinstance(section, list) and len(section) > EXPORT_ROW_CAP:
            section = section[:EXPORT_ROW_CAP]
            truncated.append(room.section)
        sections[room.section] = section
    receipt = await session.execute(
        select(Erasure).where(
            col(Erasure.org_id) == principal.org_id, col(Erasure.user_id) == principal.user_id
        )
    )
    found = receipt.scalar_one_or_none()
    return {
        "format": FORMAT,
        "generated_at": datetime.now(UTC),
        "org_id": principal.org_id,
        "user_id": principal.user_id,
        "row_cap": EXPORT_ROW_CAP,
        "truncated": truncated,
        "erasure": found.model_dump(mode="json") if found else None,
        "sections": sections,
    }


async def request_erasure(session: AsyncSession, *, principal: Principal) -> Erasure:
    """Erase the caller's data (reason `requested`); 409 already_erased when nothing came back
    since their last erasure."""
    employee, ambassador = await _identities(session, principal=principal)
    since = await _came_back_at(session, principal=principal, ambassador=ambassador)
    receipt = await _decide(session, principal=principal, since=since)
    if receipt is None:
        raise AlreadyErased("your data was erased already; nothing was held about you since")
    await erasure.erase_person(
        session,
        org_id=principal.org_id,
        user_id=principal.user_id,
        employee=employee,
        ambassador_id=ambassador.id if ambassador else None,
        reason="requested",
    )
    return receipt


async def _decide(
    session: AsyncSession, *, principal: Principal, since: datetime | None
) -> Erasure | None:
    """The receipt if this call erases; None when an erasure since `since` already did."""
    now = datetime.now(UTC)
    new = upsert.insert(session, Erasure).values(
        id=uuid.uuid4(),
        org_id=principal.org_id,
        user_id=principal.user_id,
        reason="requested",
        erasures=1,
        first_erased_at=now,
        erased_at=now,
    )
    stored = Erasure.__table__.c  # type: ignore[attr-defined]
    statement = new.on_conflict_do_update(
        index_elements=["org_id", "user_id"],
        set_={"erased_at": new.excluded.erased_at, "erasures": stored.erasures + 1},
        where=false() if since is None else stored.erased_at < since,
    ).returning(Erasure)
    result = await session.execute(statement, execution_options={"populate_existing": True})
    receipt: Erasure | None = result.scalar_one_or_none()
    return receipt


async def _identities(
    session: AsyncSession, *, principal: Principal
) -> tuple[Employee | None, Ambassador | None]:
    employee = await people.caller_record(session, principal=principal)
    ambassador = await repository.find_ambassador(
        session, org_id=principal.org_id, user_id=principal.user_id
    )
    return employee, ambassador


def _ref(
    principal: Principal, *, employee: Employee | None, ambassador: Ambassador | None
) -> PersonRef:
    return PersonRef(
        org_id=principal.org_id,
        user_id=principal.user_id,
        ambassador_id=ambassador.id if ambassador else None,
        employee_id=employee.id if employee else None,
    )


async def _came_back_at(
    session: AsyncSession, *, principal: Principal, ambassador: Ambassador | None
) -> datetime | None:
    """The latest moment the person gave us something to erase again: their current ambassador
    identity was made, or a grant was given (None: neither exists)."""
    granted = await session.execute(
        select(func.max(col(StaffGrant.granted_at))).where(
            col(StaffGrant.org_id) == principal.org_id,
            col(StaffGrant.user_id) == principal.user_id,
        )
    )
    moments = [m for m in (granted.scalar_one(), ambassador and ambassador.created_at) if m]
    return max(moments) if moments else None

"""What the service's core tables hold about a person (HR record, ambassador and profiles,
memberships, feed, shares, staff grants): their export sections and their erasure.

The ambassador row itself is detached last, by `erasure.erase_person`, after every room ran:
other rooms key their rows on the ambassador id, and the events of a withdrawal still name the
person's ids so other services can act on them.
"""

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col, select

from ambassadors import access_events, withdrawal
from ambassadors.models import Ambassador, FeedItem, Membership, Share, SocialProfile, SubProgram
from ambassadors.people.models import Employee
from ambassadors.privacy.personal_data import EXPORT_ROW_CAP, PersonalData, PersonRef
from ambassadors.staff.models import StaffGrant

# Emptied when a departed employee's retention runs out (an active employee's record is HR's).
HR_PERSONAL_FIELDS = (
    "email",
    "display_name",
    "location",
    "manager_external_id",
    "job_title",
    "hire_date",
)


def _json(row: SQLModel) -> dict[str, Any]:
    return row.model_dump(mode="json")


async def _rows(session: AsyncSession, query: Select[Any]) -> list[dict[str, Any]]:
    found = (await session.execute(query.limit(EXPORT_ROW_CAP + 1))).scalars().all()
    return [_json(row) for row in found]


async def export_employee(session: AsyncSession, person: PersonRef) -> Any:
    """The HR record linked to the person, as HR stated it."""
    if person.employee_id is None:
        return None
    employee = await session.get(Employee, person.employee_id)
    return _json(employee) if employee is not None else None


async def erase_employee(session: AsyncSession, person: PersonRef) -> None:
    """Empty a departed employee's personal fields; an active employee's record stays HR's.

    HR is the source of truth while someone is employed (its next sync would write the fields
    back); the pseudonymous ids stay so a departed person's sign-in keeps being refused.
    """
    if person.employee_id is None:
        return
    await session.execute(
        update(Employee)
        .where(
            col(Employee.id) == person.employee_id,
            col(Employee.org_id) == person.org_id,
            col(Employee.employment_status) == "left",
        )
        .values(
            **dict.fromkeys(HR_PERSONAL_FIELDS),
            active_networks=[],
            user_name=f"erased-{person.employee_id}",
            erased_at=datetime.now(UTC),
        )
    )


async def export_ambassador(session: AsyncSession, person: PersonRef) -> Any:
    """The person's advocacy identity and the social profiles they declared."""
    if person.ambassador_id is None:
        return None
    ambassador = await session.get(Ambassador, person.ambassador_id)
    if ambassador is None:
        return None
    profiles = select(SocialProfile).where(col(SocialProfile.ambassador_id) == person.ambassador_id)
    return _json(ambassador) | {"social_profiles": await _rows(session, profiles)}


async def erase_profiles(session: AsyncSession, person: PersonRef) -> None:
    """Declared profiles and audiences go; the ambassador row is detached by erase_person."""
    if person.ambassador_id is not None:
        await session.execute(
            delete(SocialProfile).where(col(SocialProfile.ambassador_id) == person.ambassador_id)
        )


async def export_memberships(session: AsyncSession, person: PersonRef) -> Any:
    if person.ambassador_id is None:
        return []
    query = select(Membership).where(col(Membership.ambassador_id) == person.ambassador_id)
    return await _rows(session, query.order_by(col(Membership.joined_at)))


async def erase_memberships(session: AsyncSession, person: PersonRef) -> None:
    """Out of every program (told to every sub-program and program: reason `erased`)."""
    if person.ambassador_id is None:
        return
    ambassador = await session.get(Ambassador, person.ambassador_id)
    if ambassador is not None:
        await withdrawal.withdraw(
            session, ambassador=ambassador, reason="erased", key=person.employee_id
        )


async def export_feed(session: AsyncSession, person: PersonRef) -> Any:
    if person.ambassador_id is None:
        return []
    query = select(FeedItem).where(col(FeedItem.ambassador_id) == person.ambassador_id)
    return await _rows(session, query.order_by(col(FeedItem.created_at).desc()))


async def erase_feed(session: AsyncSession, person: PersonRef) -> None:
    if person.ambassador_id is not None:
        await session.execute(
            delete(FeedItem).where(col(FeedItem.ambassador_id) == person.ambassador_id)
        )


async def export_shares(session: AsyncSession, person: PersonRef) -> Any:
    if person.ambassador_id is None:
        return []
    query = select(Share).where(col(Share.ambassador_id) == person.ambassador_id)
    return await _rows(session, query.order_by(col(Share.created_at).desc()))


async def keep_shares(session: AsyncSession, person: PersonRef) -> None:
    """Nothing to delete: shares stay so figures and tracked links keep working, named only by
    the ambassador id that erase_person detaches from the person (docs/people/privacy.md)."""


async def export_staff_grants(session: AsyncSession, person: PersonRef) -> Any:
    if person.user_id is None:
        return []
    query = select(StaffGrant).where(
        col(StaffGrant.org_id) == person.org_id, col(StaffGrant.user_id) == person.user_id
    )
    return await _rows(session, query.order_by(col(StaffGrant.granted_at)))


async def erase_staff_grants(session: AsyncSession, person: PersonRef) -> None:
    """Revoke the person's grants, each told (content drops the access it gave)."""
    if person.user_id is None:
        return
    revoked = (
        (
            await session.execute(
                delete(StaffGrant)
                .where(
                    col(StaffGrant.org_id) == person.org_id,
                    col(StaffGrant.user_id) == person.user_id,
                )
                .returning(StaffGrant)
            )
        )
        .scalars()
        .all()
    )
    program_of = await _programs_of(session, [g.scope_id for g in revoked])
    now = datetime.now(UTC)
    for grant in revoked:
        access_events.staff_role_changed(
            session,
            grant,
            program_id=program_of.get(grant.scope_id, grant.scope_id),
            change="revoked",
            changed_at=now,
        )


async def _programs_of(
    session: AsyncSession, scope_ids: list[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    # A grant on a program is its own program; one on a sub-program names the program above it.
    if not scope_ids:
        return {}
    rows = await session.execute(
        select(col(SubProgram.id), col(SubProgram.program_id)).where(
            col(SubProgram.id).in_(scope_ids)
        )
    )
    return {row.id: row.program_id for row in rows.all()}


CORE: tuple[PersonalData, ...] = (
    PersonalData("employee", export_employee, erase_employee),
    PersonalData("staff_grants", export_staff_grants, erase_staff_grants),
    PersonalData("memberships", export_memberships, erase_memberships),
    PersonalData("feed", export_feed, erase_feed),
    PersonalData("shares", export_shares, keep_shares),
    PersonalData("ambassador", export_ambassador, erase_profiles),
)

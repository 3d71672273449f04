"""What this room holds about a person: their program memberships (joined, left) and the
invitations addressed to them. Exported with the rest; erased by deletion; a departure closes
their open invitations at once."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.membership.models import Invitation, ProgramMember
from ambassadors.privacy.personal_data import EXPORT_ROW_CAP, PersonalData, PersonRef


async def _rows(session: AsyncSession, query: Select[Any]) -> list[dict[str, Any]]:
    found = (await session.execute(query.limit(EXPORT_ROW_CAP + 1))).scalars().all()
    return [row.model_dump(mode="json") for row in found]


async def export(session: AsyncSession, person: PersonRef) -> Any:
    """My program memberships and the invitations addressed to me."""
    memberships: list[dict[str, Any]] = []
    invitations: list[dict[str, Any]] = []
    if person.ambassador_id is not None:
        joined = select(ProgramMember).where(
            col(ProgramMember.org_id) == person.org_id,
            col(ProgramMember.ambassador_id) == person.ambassador_id,
        )
        memberships = await _rows(session, joined.order_by(col(ProgramMember.joined_at)))
    if person.employee_id is not None:
        invited = select(Invitation).where(
            col(Invitation.org_id) == person.org_id,
            col(Invitation.employee_id) == person.employee_id,
        )
        invitations = await _rows(session, invited.order_by(col(Invitation.created_at).desc()))
    return {"program_memberships": memberships, "invitations": invitations}


async def erase(session: AsyncSession, person: PersonRef) -> None:
    """Delete them (the withdrawal that told each program ran before, with the core rooms)."""
    if person.ambassador_id is not None:
        await session.execute(
            delete(ProgramMember).where(
                col(ProgramMember.org_id) == person.org_id,
                col(ProgramMember.ambassador_id) == person.ambassador_id,
            )
        )
    if person.employee_id is not None:
        await session.execute(
            delete(Invitation).where(
                col(Invitation.org_id) == person.org_id,
                col(Invitation.employee_id) == person.employee_id,
            )
        )


async def close_invitations(session: AsyncSession, person: PersonRef) -> None:
    """A departed person's open invitations are revoked (by nobody: the departure)."""
    if person.employee_id is None:
        return
    await session.execute(
        update(Invitation)
        .where(
            col(Invitation.org_id) == person.org_id,
            col(Invitation.employee_id) == person.employee_id,
            col(Invitation.status) == "open",
        )
        .values(status="revoked", decided_at=datetime.now(UTC), decided_by=None)
    )


PERSONAL_DATA = PersonalData(
    section="membership", export=export, erase=erase, on_departure=close_invitations
)

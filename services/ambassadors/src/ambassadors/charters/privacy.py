"""What the charters room holds about a person: which versions they accepted, and when."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.charters.models import CharterAcceptance
from ambassadors.privacy.personal_data import EXPORT_ROW_CAP, PersonalData, PersonRef
from ambassadors.privacy.rows import delete_rows_about, rows_about


async def export(session: AsyncSession, person: PersonRef) -> Any:
    """Their acceptances, oldest first (one more than the cap: the export says it was cut)."""
    rows = await rows_about(
        session,
        CharterAcceptance,
        person,
        order_by=CharterAcceptance.accepted_at,
        limit=EXPORT_ROW_CAP + 1,
    )
    return [
        {
            "charter_id": str(row.charter_id),
            "program_id": str(row.program_id),
            "sub_program_id": str(row.sub_program_id) if row.sub_program_id else None,
            "version": row.version,
            "accepted_at": row.accepted_at.isoformat(),
        }
        for row in rows
    ] or None


async def erase(session: AsyncSession, person: PersonRef) -> None:
    """Their acceptances go (the charters themselves stay)."""
    await delete_rows_about(session, CharterAcceptance, person)


PERSONAL_DATA = PersonalData(section="charter_acceptances", export=export, erase=erase)

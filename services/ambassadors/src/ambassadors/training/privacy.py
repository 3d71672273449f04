"""What the training room holds about a person: the modules they completed, and when."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.privacy.personal_data import EXPORT_ROW_CAP, PersonalData, PersonRef
from ambassadors.training import repository


async def export(session: AsyncSession, person: PersonRef) -> Any:
    """Their completions, oldest first (one more than the cap: the export says it was cut)."""
    rows = await repository.completions_of(
        session,
        org_id=person.org_id,
        user_id=person.user_id,
        ambassador_id=person.ambassador_id,
        limit=EXPORT_ROW_CAP + 1,
    )
    return [
        {
            "module_id": str(row.module_id),
            "program_id": str(row.program_id),
            "required": row.required,
            "completed_at": row.completed_at.isoformat(),
        }
        for row in rows
    ] or None


async def erase(session: AsyncSession, person: PersonRef) -> None:
    """Their completions go; a module archived for them alone stays archived."""
    await repository.delete_completions(
        session, org_id=person.org_id, user_id=person.user_id, ambassador_id=person.ambassador_id
    )


PERSONAL_DATA = PersonalData(section="training_completions", export=export, erase=erase)

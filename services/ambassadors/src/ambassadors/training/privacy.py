"""What the training room holds about a person: the modules they completed, and when."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.privacy.personal_data import EXPORT_ROW_CAP, PersonalData, PersonRef
from ambassadors.privacy.rows import delete_rows_about, rows_about
from ambassadors.training.models import TrainingCompletion


async def export(session: AsyncSession, person: PersonRef) -> Any:
    """Their completions, oldest first (one more than the cap: the export says it was cut)."""
    rows = await rows_about(
        session,
        TrainingCompletion,
        person,
        order_by=TrainingCompletion.completed_at,
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
    await delete_rows_about(session, TrainingCompletion, person)


PERSONAL_DATA = PersonalData(section="training_completions", export=export, erase=erase)

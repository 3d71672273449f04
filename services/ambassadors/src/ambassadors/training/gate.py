"""The share gate of training: an item of sub-program S is shared only by someone who completed
every required module in circulation of S's program."""

from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.training import repository as training
from ambassadors.training.errors import TrainingRequired

if TYPE_CHECKING:  # share_gates imports this module to list its gate
    from ambassadors.share_gates import ShareAttempt


async def required_training_done(session: AsyncSession, attempt: "ShareAttempt") -> None:
    """403 training_required listing the required modules still to complete, in order."""
    missing = await training.required_missing(
        session,
        org_id=attempt.ambassador.org_id,
        ambassador_id=attempt.ambassador.id,
        sub_program_id=attempt.item.sub_program_id,
    )
    if not missing:
        return
    raise TrainingRequired(
        f"complete the program's {len(missing)} required training module(s) before sharing",
        program_id=str(missing[0].program_id),
        modules=[{"id": str(module.id), "title": module.title} for module in missing],
    )

"""Stager of TrainingCompletedV1, keyed by the person: their story stays in order."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.training.models import TrainingCompletion
from common.events.contracts.people import TrainingCompletedV1
from common.outbox import add_event

SOURCE = "/services/ambassadors"


def training_completed(session: AsyncSession, row: TrainingCompletion, *, key: uuid.UUID) -> None:
    """`key` is the person's employee id (or ambassador id without one)."""
    add_event(
        session,
        TrainingCompletedV1(
            org_id=row.org_id,
            program_id=row.program_id,
            module_id=row.module_id,
            ambassador_id=row.ambassador_id,
            user_id=row.user_id,
            required=row.required,
            completed_at=row.completed_at,
        ),
        source=SOURCE,
        subject=f"ambassadors/{row.ambassador_id}",
        key=str(key),
        orgid=str(row.org_id),
        programid=str(row.program_id),
    )

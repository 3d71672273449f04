"""Spotlights in a person's export and erasure: those about them are theirs (deleted); those
they proposed or withdrew as staff stay the team's, without their name. A departure takes the
spotlights about the person off every page at once (withdrawn); erasure deletes them later."""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, or_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.privacy.personal_data import EXPORT_ROW_CAP, PersonalData, PersonRef
from ambassadors.team.models import Spotlight, SpotlightStatus


async def export(session: AsyncSession, person: PersonRef) -> Any:
    """Spotlights about the person, and those they proposed or withdrew."""
    if person.user_id is None:
        return []
    query = (
        select(Spotlight)
        .where(
            col(Spotlight.org_id) == person.org_id,
            or_(
                col(Spotlight.user_id) == person.user_id,
                col(Spotlight.author_id) == person.user_id,
                col(Spotlight.withdrawn_by) == person.user_id,
            ),
        )
        .order_by(col(Spotlight.created_at).desc())
        .limit(EXPORT_ROW_CAP + 1)
    )
    return [row.model_dump(mode="json") for row in (await session.execute(query)).scalars()]


async def erase(session: AsyncSession, person: PersonRef) -> None:
    """Delete the spotlights about the person; forget them as author or withdrawer."""
    if person.user_id is None:
        return
    mine = (col(Spotlight.org_id) == person.org_id, col(Spotlight.user_id) == person.user_id)
    await session.execute(delete(Spotlight).where(*mine))
    for column in (col(Spotlight.author_id), col(Spotlight.withdrawn_by)):
        await session.execute(
            update(Spotlight)
            .where(col(Spotlight.org_id) == person.org_id, column == person.user_id)
            .values({column: None})
        )


async def withdraw_on_departure(session: AsyncSession, person: PersonRef) -> None:
    """Someone who left is no longer showcased: their open spotlights are withdrawn."""
    if person.user_id is None:
        return
    await session.execute(
        update(Spotlight)
        .where(
            col(Spotlight.org_id) == person.org_id,
            col(Spotlight.user_id) == person.user_id,
            col(Spotlight.status).in_(
                [SpotlightStatus.awaiting_consent, SpotlightStatus.published]
            ),
        )
        .values(status=SpotlightStatus.withdrawn, withdrawn_at=datetime.now(UTC))
    )


SPOTLIGHTS = PersonalData("spotlights", export, erase, on_departure=withdraw_on_departure)

"""What the policies room holds about a person: their day counters (how many shares they made
under a cap each day) and their id on the policies they last wrote."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.policies import repository
from ambassadors.privacy.personal_data import PersonalData, PersonRef


async def export(session: AsyncSession, person: PersonRef) -> Any:
    """Their counters and the policies they last changed; None when there is neither."""
    counts = []
    if person.ambassador_id is not None:
        counts = await repository.person_counts(
            session, org_id=person.org_id, ambassador_id=person.ambassador_id
        )
    written = []
    if person.user_id is not None:
        written = await repository.policies_updated_by(
            session, org_id=person.org_id, user_id=person.user_id
        )
    if not counts and not written:
        return None
    return {
        "daily_share_counts": [
            {"scope_id": str(c.scope_id), "day": c.day.isoformat(), "count": c.count}
            for c in counts
        ],
        "policies_last_changed": [
            {
                "scope_type": p.scope_type,
                "scope_id": str(p.scope_id),
                "at": p.updated_at.isoformat(),
            }
            for p in written
        ],
    }


async def erase(session: AsyncSession, person: PersonRef) -> None:
    """Their counters go; the policies they wrote stay, credited to nobody."""
    await repository.erase_person(
        session, org_id=person.org_id, ambassador_id=person.ambassador_id, user_id=person.user_id
    )


PERSONAL_DATA = PersonalData(section="policies", export=export, erase=erase)

"""What SCIM holds about a person beyond their HR record: the enterprise employee number.

It is part of what HR states, so it follows the record: erased with a departed person's HR
fields (retention or their request), kept while they are employed (HR's next sync would write
it back)."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.privacy.personal_data import PersonalData, PersonRef
from ambassadors.scim import repository


async def export(session: AsyncSession, person: PersonRef) -> Any:
    """Their employee number (and when SCIM deleted them); None when none is held."""
    if person.employee_id is None:
        return None
    state = await repository.state(session, employee_id=person.employee_id)
    if state is None or state.employee_number is None:
        return None
    return {
        "employee_number": state.employee_number,
        "deleted_at": state.deleted_at.isoformat() if state.deleted_at else None,
    }


async def erase(session: AsyncSession, person: PersonRef) -> None:
    """Forget a departed person's employee number."""
    if person.employee_id is not None:
        await repository.erase_number(session, employee_id=person.employee_id)


PERSONAL_DATA = PersonalData(section="scim", export=export, erase=erase)

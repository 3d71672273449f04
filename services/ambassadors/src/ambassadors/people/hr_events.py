"""HR events (topic `hr.events`, contract common.events.contracts.hr) applied as upserts.

A `hired` employee is offered the onboarding track (an invitation, never an enrolment).
"""

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.people import service
from ambassadors.people.errors import EmployeeNotFound
from ambassadors.people.schemas import EmployeeRecord
from common.events.contracts.hr import EmployeeHiredV1, EmployeeLeftHRV1, EmployeeUpdatedV1


def _record(event: EmployeeHiredV1 | EmployeeUpdatedV1) -> EmployeeRecord:
    fields = event.model_dump(exclude={"org_id", "occurred_at"})
    return EmployeeRecord.model_validate({**fields, "employment_status": "active"})


async def apply_record(session: AsyncSession, event: EmployeeHiredV1 | EmployeeUpdatedV1) -> None:
    """Create or refresh the employee (a replayed event changes nothing)."""
    await service.sync(session, org_id=event.org_id, records=[_record(event)], source="event")


async def apply_left(session: AsyncSession, event: EmployeeLeftHRV1) -> None:
    """Deactivate at once; an employee HR never told us of is nothing to do."""
    try:
        await service.leave(session, org_id=event.org_id, external_id=event.external_id)
    except EmployeeNotFound:
        return

"""The worker's retention clock: erases departed employees whose retention period ran out.

Rows are claimed with FOR UPDATE SKIP LOCKED and marked erased in the same transaction, so each
person is erased (and told) once whatever the number of workers; a restart loses nothing.
"""

from datetime import UTC, datetime

from ambassadors import repository
from ambassadors.people import repository as people
from ambassadors.privacy import erasure
from common.db import Database
from common.heartbeat import Heartbeats
from common.periodic import every
from common.settings import ServiceSettings

TICK_SECONDS = 30.0
BATCH = 100


async def tick(db: Database, *, now: datetime | None = None) -> int:
    """Erase whoever is due; how many were."""
    async with db.transaction() as session:
        due = await people.due_for_erasure(session, now=now or datetime.now(UTC), limit=BATCH)
        for employee in due:
            ambassador = None
            if employee.user_id is not None:
                ambassador = await repository.find_ambassador(
                    session, org_id=employee.org_id, user_id=employee.user_id
                )
            await erasure.erase_person(
                session,
                org_id=employee.org_id,
                user_id=employee.user_id,
                employee=employee,
                ambassador_id=ambassador.id if ambassador else None,
                reason="retention",
            )
    return len(due)


async def run(db: Database, settings: ServiceSettings, heartbeats: Heartbeats) -> None:
    """Erase whoever is due, every TICK_SECONDS, forever."""

    async def step() -> dict[str, int]:
        return {"erased": await tick(db)}

    await every(
        TICK_SECONDS,
        name="retention",
        tick=step,
        heartbeats=heartbeats,
        progress="retention applied",
    )

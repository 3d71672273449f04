"""Onboarding: a program may be offered to every new hire (an invitation with reason
`onboarding` when HR records a hire, automatic.employees_changed), never an enrolment."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.membership.access import require_manager
from ambassadors.membership.models import OnboardingOffer
from ambassadors.membership.schemas import OnboardingWrite
from ambassadors.models import Program
from ambassadors.staff.access import Scope
from common import upsert
from common.auth import Principal


async def get(
    session: AsyncSession, *, principal: Principal, program: Program
) -> OnboardingOffer | None:
    """The program's onboarding setting (org admins, its program managers); None: never set."""
    await require_manager(session, principal=principal, scope=Scope.of_program(program))
    return await session.get(OnboardingOffer, program.id)


async def put(
    session: AsyncSession, *, principal: Principal, program: Program, data: OnboardingWrite
) -> OnboardingOffer:
    """Offer the program to new hires from now on, or stop (hires already told keep theirs)."""
    await require_manager(session, principal=principal, scope=Scope.of_program(program))
    row = OnboardingOffer(
        program_id=program.id,
        org_id=program.org_id,
        offer_to_new_hires=data.offer_to_new_hires,
        updated_by=principal.user_id,
        updated_at=datetime.now(UTC),
    )
    new = upsert.insert(session, OnboardingOffer).values(row.model_dump())
    statement = new.on_conflict_do_update(
        index_elements=["program_id"],
        set_={
            name: new.excluded[name] for name in ("offer_to_new_hires", "updated_by", "updated_at")
        },
    ).returning(OnboardingOffer)
    result = await session.execute(statement, execution_options={"populate_existing": True})
    saved: OnboardingOffer = result.scalar_one()
    return saved

"""Eligibility rules of a program or sub-program: who is proposed it. Setting them invites
every active employee they match (reason `eligibility`) who was never proposed the scope; HR
changes are matched as they arrive (automatic.employees_changed). Never a membership."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.membership import automatic
from ambassadors.membership.access import require_manager
from ambassadors.membership.models import EligibilityPolicy
from ambassadors.membership.schemas import EligibilityWrite
from ambassadors.staff.access import Scope
from common import upsert
from common.auth import Principal
from common.db import Database
from common.heartbeat import Heartbeats
from common.periodic import every
from common.settings import ServiceSettings

TICK_SECONDS = 10.0
# Policies one tick may continue, each in its own transaction.
POLICIES_PER_TICK = 10


async def get(
    session: AsyncSession, *, principal: Principal, scope: Scope
) -> EligibilityPolicy | None:
    """The scope's rules (org admins, its program managers); None when never set."""
    await require_manager(session, principal=principal, scope=scope)
    return await session.get(EligibilityPolicy, scope.id)


async def put(
    session: AsyncSession, *, principal: Principal, scope: Scope, data: EligibilityWrite
) -> tuple[EligibilityPolicy, int]:
    """Replace the scope's rules and invite whom they match (up to automatic.BATCH now, the
    rest by the worker): the policy and how many were invited now."""
    await require_manager(session, principal=principal, scope=scope)
    row = EligibilityPolicy(
        scope_id=scope.id,
        org_id=scope.org_id,
        program_id=scope.program_id,
        sub_program_id=scope.id if scope.type == "sub_program" else None,
        rules=[rule.model_dump(exclude_none=True, mode="json") for rule in data.rules],
        pending=False,
        updated_by=principal.user_id,
        updated_at=datetime.now(UTC),
    )
    new = upsert.insert(session, EligibilityPolicy).values(row.model_dump())
    # One row per scope: concurrent replacements serialise on it, the last one wins whole.
    statement = new.on_conflict_do_update(
        index_elements=["scope_id"],
        set_={
            name: new.excluded[name] for name in ("rules", "pending", "updated_by", "updated_at")
        },
    ).returning(EligibilityPolicy)
    result = await session.execute(statement, execution_options={"populate_existing": True})
    policy: EligibilityPolicy = result.scalar_one()
    invited = await automatic.apply_policy(session, policy=policy)
    return policy, invited


async def tick(db: Database, *, batch: int = automatic.BATCH) -> int:
    """Continue pending policies, one transaction each (claimed with SKIP LOCKED, so several
    workers share them); how many people were invited."""
    invited = 0
    for _ in range(POLICIES_PER_TICK):
        async with db.transaction() as session:
            query = (
                select(EligibilityPolicy)
                .where(col(EligibilityPolicy.pending).is_(True))
                .order_by(col(EligibilityPolicy.updated_at))
                .limit(1)
            )
            if session.get_bind().dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            policy = (await session.execute(query)).scalar_one_or_none()
            if policy is None:
                return invited
            invited += await automatic.apply_policy(session, policy=policy, limit=batch)
    return invited


async def run(db: Database, settings: ServiceSettings, heartbeats: Heartbeats) -> None:
    """Continue large rule matches every TICK_SECONDS, forever."""

    async def step() -> dict[str, int]:
        return {"invited": await tick(db)}

    await every(
        TICK_SECONDS,
        name="eligibility",
        tick=step,
        heartbeats=heartbeats,
        progress="eligibility applied",
    )

"""Events the content service consumes: who may see and do what, from the ambassadors service.

Other ambassadors events (shares, clicks, programs) have no handler here: the consumer skips
them from their `ce_type` header without decoding them.
"""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from common.consuming.handlers import Delivery, Handlers
from common.events.contracts.ambassadors import (
    MembershipChangedV1,
    StaffRoleChangedV1,
    SubProgramCreatedV1,
)
from common.events.contracts.people import AmbassadorErasedV1
from content import erasure
from content.access import projection

handlers = Handlers()


@handlers.on_batch(SubProgramCreatedV1)
async def on_sub_programs_created(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Learn which program each new sub-program belongs to."""
    await projection.add_sub_programs(session, events=[d.payload for d in deliveries])


@handlers.on_batch(MembershipChangedV1)
async def on_memberships_changed(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Follow who is a member of which sub-program."""
    await projection.change_memberships(session, events=[d.payload for d in deliveries])


@handlers.on_batch(StaffRoleChangedV1)
async def on_staff_roles_changed(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Follow who manages or reviews which program or sub-program."""
    await projection.change_staff_roles(session, events=[d.payload for d in deliveries])


@handlers.on_batch(AmbassadorErasedV1)
async def on_ambassadors_erased(session: AsyncSession, deliveries: Sequence[Delivery]) -> None:
    """Forget erased people: their ids leave every table (content.erasure)."""
    await erasure.forget(session, events=[d.payload for d in deliveries])

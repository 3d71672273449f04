"""Policy checks a share must pass (charter accepted, allowed network, daily cap, sharing hours,
required training...). Each room contributes a gate; `service.share` runs them all, in order,
after it found the feed item and the person's profile and before it writes anything.

A gate refuses with a `common.errors` Forbidden or Conflict subclass whose `code` a frontend
can show (e.g. `charter_not_accepted`, `daily_share_cap_reached`).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.charters.gate import charter_accepted
from ambassadors.models import Ambassador, FeedItem
from ambassadors.policies import gates as policy_gates
from ambassadors.training.gate import required_training_done


@dataclass(frozen=True)
class ShareAttempt:
    """One person about to share one feed item on one network."""

    ambassador: Ambassador
    item: FeedItem
    network: str
    at: datetime


Gate = Callable[[AsyncSession, ShareAttempt], Awaitable[None]]

# Gates run in this order; rooms add theirs here (one line each).
GATES: tuple[Gate, ...] = (
    # Policies room: paused, network, hours (read only), then the cap and spreading (they write).
    policy_gates.sharing_paused,
    policy_gates.network_allowed,
    policy_gates.within_sharing_hours,
    # Charters and training (read only): the versions in force accepted, required modules done.
    charter_accepted,
    required_training_done,
    policy_gates.within_daily_cap,
    policy_gates.spread_from_colleagues,
)


async def check(session: AsyncSession, attempt: ShareAttempt) -> None:
    """Run every gate; the first refusal is the answer."""
    for gate in GATES:
        await gate(session, attempt)

"""The policies room's share gates (registered in ambassadors.share_gates.GATES) and the network
check of an opt-in. Refusals are 409s a frontend can explain: each says when or how to retry.

The cap and spreading gates write (a day counter, an item's turn) in the share's transaction,
before the share itself: a later refusal or a duplicate share rolls them back with it.
"""

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.models import SubProgram
from ambassadors.policies import repository, service
from ambassadors.policies.effective import Effective, merge
from ambassadors.policies.errors import (
    ColleagueSharedRecently,
    DailyShareCapReached,
    NetworkNotAllowed,
    OutsideSharingHours,
    SharingPaused,
)
from ambassadors.policies.hours import local_day, next_midnight

if TYPE_CHECKING:  # share_gates imports this module to list its gates
    from ambassadors.share_gates import ShareAttempt

_CACHE = "policies.effective"


async def _policy(session: AsyncSession, attempt: "ShareAttempt") -> Effective:
    # Loaded once per share attempt, not once per gate.
    key = (_CACHE, attempt.item.sub_program_id, attempt.at)
    cached = session.info.get(key)
    if isinstance(cached, Effective):
        return cached
    levels = await repository.sub_program_levels(
        session, org_id=attempt.ambassador.org_id, sub_program_id=attempt.item.sub_program_id
    )
    # No row: the sub-program no longer exists, and holds no policy (the defaults apply).
    program_id, program, own = levels or (attempt.item.sub_program_id, None, None)
    policy = merge(
        program_id=program_id, program=program, sub_program_id=attempt.item.sub_program_id, sub=own
    )
    session.info[key] = policy
    return policy


def _local(at: datetime, zone: ZoneInfo) -> str:
    return at.astimezone(zone).isoformat()


async def sharing_paused(session: AsyncSession, attempt: "ShareAttempt") -> None:
    """409 sharing_paused while the program or sub-program has paused sharing (a crisis)."""
    if (await _policy(session, attempt)).values["sharing_paused"]:
        raise SharingPaused("sharing is paused in this sub-program for now")


async def network_allowed(session: AsyncSession, attempt: "ShareAttempt") -> None:
    """409 network_not_allowed for a network the policy does not list."""
    policy = await _policy(session, attempt)
    _require_network(policy, attempt.network)


async def within_sharing_hours(session: AsyncSession, attempt: "ShareAttempt") -> None:
    """409 outside_sharing_hours, with the window and when it next opens."""
    policy = await _policy(session, attempt)
    hours = policy.hours
    if hours is None or hours.is_open(attempt.at, policy.zone):
        return
    opens = hours.next_opening(attempt.at, policy.zone)
    raise OutsideSharingHours(
        f"sharing opens at {opens.astimezone(policy.zone):%H:%M} ({policy.zone.key})",
        sharing_hours=hours.as_json(),
        time_zone=policy.zone.key,
        opens_at=opens.isoformat(),
        opens_at_local=_local(opens, policy.zone),
    )


async def within_daily_cap(session: AsyncSession, attempt: "ShareAttempt") -> None:
    """409 daily_share_cap_reached once the person's day is full; the database counts."""
    policy = await _policy(session, attempt)
    cap = policy.cap
    if cap is None:
        return
    scope_id, zone = policy.cap_scope()
    counted = await repository.count_share(
        session,
        org_id=attempt.ambassador.org_id,
        ambassador_id=attempt.ambassador.id,
        scope_id=scope_id,
        day=local_day(attempt.at, zone),
        cap=cap,
        at=attempt.at,
    )
    if counted is None:
        resets = next_midnight(attempt.at, zone)
        raise DailyShareCapReached(
            f"you made today's {cap} share(s) here; more from {resets.astimezone(zone):%H:%M}"
            f" ({zone.key})",
            daily_share_cap=cap,
            time_zone=zone.key,
            resets_at=resets.isoformat(),
            resets_at_local=_local(resets, zone),
        )


async def spread_from_colleagues(session: AsyncSession, attempt: "ShareAttempt") -> None:
    """409 colleague_shared_recently within spread_minutes of a colleague's share of the item
    on the network in the sub-program; the database hands out the turns."""
    policy = await _policy(session, attempt)
    minutes = policy.spread_minutes
    if minutes is None:
        return
    item = attempt.item
    where = {"sub_program_id": item.sub_program_id, "content_id": item.content_id}
    claimed = await repository.claim_spread(
        session,
        org_id=item.org_id,
        network=attempt.network,
        at=attempt.at,
        next_share_at=attempt.at + timedelta(minutes=minutes),
        **where,
    )
    if claimed:
        return
    turn = await repository.spread_turn(session, network=attempt.network, **where)
    retry = turn or attempt.at
    raise ColleagueSharedRecently(
        f"a colleague just shared this on {attempt.network}; your turn comes at"
        f" {retry.astimezone(policy.zone):%H:%M} ({policy.zone.key})",
        spread_minutes=minutes,
        retry_at=retry.isoformat(),
        retry_at_local=_local(retry, policy.zone),
    )


async def require_network_allowed(
    session: AsyncSession, *, sub_program: SubProgram, network: str
) -> None:
    """409 network_not_allowed for an opt-in with a network the sub-program's policy excludes."""
    _require_network(await service.of_sub_program(session, sub=sub_program), network)


def _require_network(policy: Effective, network: str) -> None:
    allowed = policy.allowed_networks
    if network not in allowed:
        raise NetworkNotAllowed(
            f"{network} is not one of this sub-program's networks ({', '.join(allowed)})",
            field="network",
            allowed_networks=allowed,
        )

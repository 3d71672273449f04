"""The one write path of an account's declared fields: opting in (`repository.save_profile`)
and the accounts API both come here, so every audience change leaves a history row and every
real change is told once (SocialAccountUpdatedV1).

The account row is locked before it is compared: concurrent declarations are applied one
after the other, each against what the previous one wrote.
"""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.accounts import events, repository
from ambassadors.accounts.events import Change
from ambassadors.accounts.models import AudienceRecord
from ambassadors.accounts.schemas import AudienceSource
from ambassadors.models import SocialProfile


async def declare(
    session: AsyncSession,
    *,
    org_id: uuid.UUID,
    ambassador_id: uuid.UUID,
    network: str,
    values: dict[str, Any],
    source: AudienceSource,
    now: datetime,
) -> tuple[SocialProfile, Change | None]:
    """Create the account or write the `values` that differ; (the account, what changed)."""
    account = await repository.lock_account(session, ambassador_id=ambassador_id, network=network)
    if account is None:
        candidate = SocialProfile(
            org_id=org_id,
            ambassador_id=ambassador_id,
            network=network,
            **values,
            updated_at=now,
            created_at=now,
        )
        inserted = await repository.insert_account(session, account=candidate)
        if inserted is not None:
            _record_audience(session, inserted, source=source, now=now)
            await announce(session, [inserted], change="declared")
            return inserted, "declared"
        # A twin inserted it first (and committed): apply ours on top of theirs.
        account = await repository.lock_account(
            session, ambassador_id=ambassador_id, network=network
        )
        assert account is not None
    changed = {name: value for name, value in values.items() if getattr(account, name) != value}
    if not changed:
        return account, None
    account = await repository.update_account(
        session, account_id=account.id, values=changed | {"updated_at": now}
    )
    if "audience_size" in changed:
        _record_audience(session, account, source=source, now=now)
    await announce(session, [account], change="updated")
    return account, "updated"


def _record_audience(
    session: AsyncSession, account: SocialProfile, *, source: AudienceSource, now: datetime
) -> None:
    repository.add_audience(
        session,
        AudienceRecord(
            org_id=account.org_id,
            account_id=account.id,
            ambassador_id=account.ambassador_id,
            audience_size=account.audience_size,
            source=source,
            recorded_at=now,
        ),
    )


async def announce(
    session: AsyncSession,
    accounts: list[SocialProfile],
    *,
    change: Change,
    status: events.Status | None = None,
) -> None:
    """SocialAccountUpdatedV1 for each account (one key lookup for them all)."""
    keys = await repository.person_keys(
        session, ambassador_ids=sorted({a.ambassador_id for a in accounts})
    )
    for account in accounts:
        user_id, key = keys[account.ambassador_id]
        events.account_updated(
            session, account, user_id=user_id, key=key, change=change, status=status
        )

"""The worker's accounts clock: refreshes LinkedIn tokens that can be, reminds people before a
connection or a posting consent lapses (SocialAccountExpiringV1), marks lapsed connections
expired, and asks networks to revoke the tokens of ended connections.

A reminder is decided by a conditional UPDATE of the row's reminded-for column (set to the
expiry it reminds of), so it is sent once per (account, what, expiry) whatever the number of
workers; a renewed connection or consent has a new expiry and is reminded again.
"""

import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.accounts import due, events, linkedin, providers, repository, revocation, store
from ambassadors.accounts import secrets as sealing
from ambassadors.accounts.linkedin import LinkedIn
from ambassadors.accounts.models import SocialToken, TokenRevocation
from ambassadors.config import Settings
from ambassadors.models import Network, SocialProfile
from common.db import Database
from common.heartbeat import Heartbeats
from common.periodic import every
from common.settings import ServiceSettings

log = logging.getLogger(__name__)
BATCH = 200
REFRESH_BATCH = 5  # network calls made while their tokens stay locked
REVOKE_BATCH = 20
REVOKE_ATTEMPTS = 5


async def tick(db: Database, settings: Settings, *, now: datetime | None = None) -> dict[str, int]:
    """One pass of every duty; how many rows each touched."""
    now = now or datetime.now(UTC)
    until = now + timedelta(days=settings.accounts_reminder_days)
    refreshed = await refresh(db, settings, now=now, until=until)
    async with db.transaction() as session:
        reminded = await remind(session, now=now, until=until)
        expired = await expire(session, now=now)
        await repository.purge_states(session, now=now)
    revoked = await revoke_at_networks(db, settings)
    return {"refreshed": refreshed, "reminded": reminded, "expired": expired, "revoked": revoked}


async def remind(session: AsyncSession, *, now: datetime, until: datetime) -> int:
    """SocialAccountExpiringV1 for each connection and consent lapsing by `until`, once."""
    connections = await due.remind_connections(session, now=now, until=until, limit=BATCH)
    consents = await due.remind_consents(session, now=now, until=until, limit=BATCH)
    consented = await due.accounts_by_id(session, account_ids=[c.account_id for c in consents])
    owners = {a.ambassador_id for a in connections} | {a.ambassador_id for a in consented.values()}
    keys = await repository.person_keys(session, ambassador_ids=sorted(owners))
    reminders: list[tuple[SocialProfile, datetime, events.What]] = [
        (account, account.connection_expires_at, "connection")
        for account in connections
        if account.connection_expires_at is not None
    ]
    reminders += [(consented[c.account_id], c.expires_at, "posting_consent") for c in consents]
    for account, expires_at, what in reminders:
        user_id, key = keys[account.ambassador_id]
        events.account_expiring(
            session, account, user_id=user_id, key=key, what=what, expires_at=expires_at
        )
    return len(reminders)


async def expire(session: AsyncSession, *, now: datetime) -> int:
    """Lapsed connections become expired (told once); their tokens are dropped."""
    lapsed = await due.expire_connections(session, now=now, limit=BATCH)
    # A refresh token may outlive the access token: the network is asked to revoke it.
    await revocation.revoke_connections(session, accounts=lapsed, now=now)
    if lapsed:
        await store.announce(session, lapsed, change="expired", status="expired")
    return len(lapsed)


async def refresh(db: Database, settings: Settings, *, now: datetime, until: datetime) -> int:
    """New access tokens for LinkedIn connections lapsing soon that hold a refresh token."""
    app = providers.linkedin_app(settings)
    if app is None:
        return 0
    box = sealing.box(settings.secrets_keys)
    done = 0
    async with db.transaction() as session:
        claimed = await due.claim_refreshable(
            session, network=Network.linkedin.value, now=now, until=until, limit=REFRESH_BATCH
        )
        for account, tokens in claimed:
            done += await _refresh_one(session, app, box, account, tokens, now=now)
    return done


async def _refresh_one(
    session: AsyncSession,
    app: LinkedIn,
    box: sealing.SecretBox,
    account: SocialProfile,
    tokens: SocialToken,
    *,
    now: datetime,
) -> int:
    context = str(account.id)
    try:
        assert tokens.refresh_token is not None
        granted = await app.refresh(refresh_token=box.open(tokens.refresh_token, context=context))
    except (
        linkedin.ProviderRefused,
        linkedin.ProviderUnavailable,
        sealing.SecretUnreadable,
    ) as exc:
        # Tried once for this expiry: the person gets the reminder and reconnects.
        tokens.refresh_failed_for = account.connection_expires_at
        log.warning("social token refresh failed", extra={"account_id": context, "error": str(exc)})
        return 0
    tokens.access_token = box.seal(granted.access_token, context=context)
    if granted.refresh_token:
        tokens.refresh_token = box.seal(granted.refresh_token, context=context)
    tokens.updated_at = now
    await repository.update_account(
        session,
        account_id=account.id,
        values={"connection_expires_at": now + timedelta(seconds=granted.expires_in)},
    )
    return 1


async def revoke_at_networks(db: Database, settings: Settings) -> int:
    """Ask networks to revoke ended connections' tokens; forget each once done (or given up)."""
    app = providers.linkedin_app(settings)
    box = sealing.box(settings.secrets_keys)
    done = 0
    async with db.transaction() as session:
        for pending in await repository.claim_revocations(session, limit=REVOKE_BATCH):
            if await _revoke_one(app, box, pending) or pending.attempts + 1 >= REVOKE_ATTEMPTS:
                await session.delete(pending)
                done += 1
            else:
                pending.attempts += 1
    return done


async def _revoke_one(
    app: LinkedIn | None, box: sealing.SecretBox, pending: TokenRevocation
) -> bool:
    if pending.network != Network.linkedin.value or app is None:
        return False  # no adapter to tell (kept, then given up after REVOKE_ATTEMPTS ticks)
    try:
        token = box.open(pending.token, context=str(pending.account_id))
        await app.revoke(token=token)
    except sealing.SecretUnreadable:
        log.warning(
            "social token unreadable, not revoked", extra={"account_id": str(pending.account_id)}
        )
        return True
    except (linkedin.ProviderRefused, linkedin.ProviderUnavailable) as exc:
        log.warning("social token revocation failed", extra={"error": str(exc)})
        return False
    return True


async def run(db: Database, settings: ServiceSettings, heartbeats: Heartbeats) -> None:
    """Every `accounts_tick_seconds`, forever."""
    assert isinstance(settings, Settings)

    async def step() -> dict[str, int]:
        return await tick(db, settings)

    await every(
        settings.accounts_tick_seconds,
        name="social_accounts",
        tick=step,
        heartbeats=heartbeats,
        progress="social accounts clock",
    )

"""Ending API connections (the person disconnects or deletes the account, HR says they left):
the tokens leave the account at once, connected accounts become `revoked`, and the network
is asked to revoke the tokens by the worker (accounts.reminders), which then forgets them.
"""

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ambassadors.accounts import repository
from ambassadors.accounts.models import TokenRevocation
from ambassadors.models import SocialProfile


async def revoke_connections(
    session: AsyncSession, *, accounts: list[SocialProfile], now: datetime
) -> list[SocialProfile]:
    """Take these accounts' tokens (queued for the network) and mark the connected ones
    revoked; returns the accounts this call revoked (a twin call revokes nothing twice)."""
    if not accounts:
        return []
    taken = await repository.take_tokens(session, account_ids=[a.id for a in accounts])
    network_of = {a.id: a.network for a in accounts}
    for tokens in taken:
        for sealed in (tokens.access_token, tokens.refresh_token):
            if sealed is not None:
                repository.queue_revocation(
                    session,
                    TokenRevocation(
                        org_id=tokens.org_id,
                        account_id=tokens.account_id,
                        network=network_of[tokens.account_id],
                        token=sealed,
                        created_at=now,
                    ),
                )
    statement = (
        update(SocialProfile)
        .where(
            col(SocialProfile.id).in_([a.id for a in accounts]),
            col(SocialProfile.connection_status) == "connected",
        )
        .values(
            connection_status="revoked",
            connection_expires_at=None,
            connection_reminded_for=None,
            updated_at=now,
        )
        .returning(SocialProfile)
    )
    result = await session.execute(statement, execution_options={"populate_existing": True})
    return list(result.scalars().all())

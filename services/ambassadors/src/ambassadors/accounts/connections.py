"""API connections (OAuth 2.0 authorization code): started by the person, completed when the
frontend relays the network's redirect, ended by the person or by HR's word. Tokens are
encrypted before they are stored and are never returned nor logged.
"""

import hashlib
import logging
import secrets as random
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.accounts import linkedin, providers, repository, revocation, store
from ambassadors.accounts import secrets as sealing
from ambassadors.accounts.errors import (
    CodeRejected,
    InvalidState,
    ProviderUnavailable,
    StateExpired,
)
from ambassadors.accounts.models import OAuthState, SocialToken
from ambassadors.accounts.schemas import ConnectionCallback, ConnectionStarted
from ambassadors.accounts.service import account_of
from ambassadors.config import Settings
from ambassadors.models import Network, SocialProfile
from ambassadors.people.service import require_not_departed
from common.auth import Principal
from common.db import Database

log = logging.getLogger(__name__)
STATE_TTL = timedelta(minutes=10)


def state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


async def start(
    session: AsyncSession, *, principal: Principal, network: Network, settings: Settings
) -> ConnectionStarted:
    """A single-use, expiring authorization bound to me; where my browser goes next."""
    await require_not_departed(session, principal=principal)
    account = await account_of(session, principal=principal, network=network)
    app = providers.connectable(network, settings)
    state, now = random.token_urlsafe(32), datetime.now(UTC)
    repository.add_state(
        session,
        OAuthState(
            org_id=principal.org_id,
            user_id=principal.user_id,
            account_id=account.id,
            network=network.value,
            state_hash=state_hash(state),
            created_at=now,
            expires_at=now + STATE_TTL,
        ),
    )
    return ConnectionStarted(
        authorization_url=app.authorization_url(state=state), expires_at=now + STATE_TTL
    )


async def complete(
    session: AsyncSession,
    *,
    db: Database,
    principal: Principal,
    network: Network,
    data: ConnectionCallback,
    settings: Settings,
) -> SocialProfile:
    """Trade the code for tokens, store them encrypted, mark the account connected."""
    await require_not_departed(session, principal=principal)
    app = providers.connectable(network, settings)
    await _consume(db, principal=principal, network=network, state=data.state)
    account = await account_of(session, principal=principal, network=network, lock=True)
    try:
        granted = await app.exchange(code=data.code)
    except linkedin.ProviderRefused as exc:
        raise CodeRejected(f"{exc}; start the connection again", field="code") from None
    except linkedin.ProviderUnavailable as exc:
        raise ProviderUnavailable(str(exc)) from None
    now = datetime.now(UTC)
    await _store_tokens(session, account, granted, settings=settings, now=now)
    was = account.connection_status
    account = await repository.update_account(
        session,
        account_id=account.id,
        values={
            "connection_status": "connected",
            "connected_at": now,
            "connection_expires_at": now + timedelta(seconds=granted.expires_in),
            "connection_reminded_for": None,
            "updated_at": now,
        },
    )
    if was != "connected":
        await store.announce(session, [account], change="connected")
    log.info("social account connected", extra={"account_id": str(account.id), "network": network})
    return account


async def disconnect(session: AsyncSession, *, principal: Principal, network: Network) -> None:
    """End my connection (tokens revoked at the network by the worker); none: nothing to do."""
    account = await account_of(session, principal=principal, network=network, lock=True)
    revoked = await revocation.revoke_connections(
        session, accounts=[account], now=datetime.now(UTC)
    )
    if revoked:
        await store.announce(session, revoked, change="disconnected")
        log.info("social account disconnected", extra={"account_id": str(account.id)})


async def _consume(db: Database, *, principal: Principal, network: Network, state: str) -> None:
    # Its own transaction: the state is used up even if the exchange then fails.
    async with db.transaction() as own:
        consumed = await repository.consume_state(
            own,
            state_hash=state_hash(state),
            org_id=principal.org_id,
            user_id=principal.user_id,
            network=network.value,
        )
    if consumed is None:
        raise InvalidState(
            "this authorization is unknown, already used, or not yours: start again",
            field="state",
        )
    if consumed.expires_at <= datetime.now(UTC):
        raise StateExpired("this authorization expired: start again", field="state")


async def _store_tokens(
    session: AsyncSession,
    account: SocialProfile,
    granted: linkedin.Tokens,
    *,
    settings: Settings,
    now: datetime,
) -> None:
    box, context = sealing.box(settings.secrets_keys), str(account.id)
    refresh = granted.refresh_token
    await repository.save_tokens(
        session,
        tokens=SocialToken(
            account_id=account.id,
            org_id=account.org_id,
            access_token=box.seal(granted.access_token, context=context),
            refresh_token=box.seal(refresh, context=context) if refresh else None,
            refresh_expires_at=(
                now + timedelta(seconds=granted.refresh_expires_in)
                if refresh and granted.refresh_expires_in
                else None
            ),
            scope=granted.scope,
            refresh_failed_for=None,
            updated_at=now,
        ),
    )

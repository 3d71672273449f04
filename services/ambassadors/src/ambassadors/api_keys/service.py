"""API key rules: who manages them, how long they live, when one is accepted."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.api_keys import repository, tokens
from ambassadors.api_keys.models import ApiKey
from ambassadors.api_keys.schemas import ApiKeyCreate, ApiKeyRead, KeyStatus
from common.auth import Principal
from common.errors import InvalidInput

DEFAULT_LIFETIME = timedelta(days=90)
# Long enough to be usable, short enough that a test can expire one; never forever.
MIN_LIFETIME = timedelta(seconds=60)
MAX_LIFETIME = timedelta(days=365)
# last_used_at is rewritten at most this often per key (docs/api-keys.md).
LAST_USED_GRANULARITY = timedelta(seconds=60)


def expiry(requested: datetime | None, *, now: datetime) -> datetime:
    """The expiry to store: the default, or the requested one if inside the allowed window."""
    if requested is None:
        return now + DEFAULT_LIFETIME
    if requested < now + MIN_LIFETIME:
        raise InvalidInput("expires_at must be at least 60 seconds from now", field="expires_at")
    if requested > now + MAX_LIFETIME:
        raise InvalidInput("expires_at must be at most 365 days from now", field="expires_at")
    return requested.astimezone(UTC)


def create_key(
    session: AsyncSession, *, principal: Principal, data: ApiKeyCreate
) -> tuple[ApiKey, str]:
    """A new key of the caller's organisation and its secret (which nothing else keeps)."""
    now = datetime.now(UTC)
    key_id = uuid.uuid4()
    secret = tokens.new_key(key_id)
    key = ApiKey(
        id=key_id,
        org_id=principal.org_id,
        name=data.name,
        scopes=sorted(set(data.scopes)),
        secret_hash=tokens.digest(secret),
        created_by=principal.user_id,
        created_at=now,
        expires_at=expiry(data.expires_at, now=now),
    )
    session.add(key)
    return key, secret


def status(key: ApiKey, *, now: datetime) -> KeyStatus:
    """Revoked wins over expired: it was someone's decision."""
    if key.revoked_at is not None:
        return "revoked"
    return "expired" if key.expires_at <= now else "active"


def describe(key: ApiKey) -> ApiKeyRead:
    """The key as the console sees it: never the secret, never its hash."""
    return ApiKeyRead(
        id=key.id,
        name=key.name,
        scopes=key.scopes,
        created_by=key.created_by,
        created_at=key.created_at,
        expires_at=key.expires_at,
        revoked_at=key.revoked_at,
        last_used_at=key.last_used_at,
        status=status(key, now=datetime.now(UTC)),
    )


async def revoke(session: AsyncSession, *, key: ApiKey) -> None:
    """Revoke a key; revoking a revoked key changes nothing (DELETE is idempotent)."""
    await repository.revoke(session, key_id=key.id, at=datetime.now(UTC))


async def accept(session: AsyncSession, *, presented: str) -> ApiKey | None:
    """The live key behind a presented secret, or None; notes its use (to the minute)."""
    key_id = tokens.key_id_of(presented)
    if key_id is None:
        return None
    key = await repository.find_presented_key(session, key_id=key_id)
    now = datetime.now(UTC)
    if key is None or not tokens.matches(presented, key.secret_hash):
        return None
    if status(key, now=now) != "active":
        return None
    await repository.mark_used(
        session, key_id=key.id, at=now, unless_since=now - LAST_USED_GRANULARITY
    )
    return key

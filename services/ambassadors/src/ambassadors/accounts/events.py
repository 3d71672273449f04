"""Stagers of social account events, keyed by the person (their employee id, else ambassador
id): one person's story stays in order on one partition."""

import uuid
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.models import SocialProfile
from common.events.contracts.people import SocialAccountExpiringV1, SocialAccountUpdatedV1
from common.outbox import add_event

SOURCE = "/services/ambassadors"
Change = Literal["declared", "updated", "connected", "disconnected", "expired", "removed"]
Status = Literal["not_connected", "connected", "expired", "revoked"]
What = Literal["connection", "posting_consent"]


def account_updated(
    session: AsyncSession,
    account: SocialProfile,
    *,
    user_id: uuid.UUID,
    key: uuid.UUID,
    change: Change,
    status: Status | None = None,
) -> None:
    """SocialAccountUpdatedV1 (status: the account's own unless the account is gone)."""
    add_event(
        session,
        SocialAccountUpdatedV1(
            org_id=account.org_id,
            account_id=account.id,
            ambassador_id=account.ambassador_id,
            user_id=user_id,
            network=account.network,
            audience_size=account.audience_size,
            connection_status=status or _status(account.connection_status),
            updated_at=account.updated_at,
            change=change,
        ),
        source=SOURCE,
        subject=f"social-accounts/{account.id}",
        key=str(key),
        orgid=str(account.org_id),
        network=account.network,
    )


def account_expiring(
    session: AsyncSession,
    account: SocialProfile,
    *,
    user_id: uuid.UUID,
    key: uuid.UUID,
    what: What,
    expires_at: datetime,
) -> None:
    """SocialAccountExpiringV1: the person is reminded to renew before it lapses."""
    add_event(
        session,
        SocialAccountExpiringV1(
            org_id=account.org_id,
            account_id=account.id,
            ambassador_id=account.ambassador_id,
            user_id=user_id,
            network=account.network,
            what=what,
            expires_at=expires_at,
        ),
        source=SOURCE,
        subject=f"social-accounts/{account.id}",
        key=str(key),
        orgid=str(account.org_id),
        network=account.network,
    )


def _status(value: str) -> Status:
    match value:
        case "connected" | "expired" | "revoked":
            return value
        case _:
            return "not_connected"

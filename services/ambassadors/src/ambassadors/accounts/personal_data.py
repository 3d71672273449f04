"""What the accounts room holds about a person, for the privacy registry (privacy.rooms):
their accounts, audience history and consents in an export (never a token); all of it gone
at erasure; connections revoked and consents ended the moment HR says they left.
"""

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.accounts import repository, revocation, store
from ambassadors.accounts.models import AudienceRecord, OAuthState, PostingConsent
from ambassadors.privacy.personal_data import PersonalData, PersonRef

ACCOUNT_FIELDS = (
    "network",
    "handle",
    "profile_url",
    "audience_size",
    "connection_status",
    "connected_at",
    "connection_expires_at",
    "created_at",
    "updated_at",
)
CONSENT_FIELDS = ("wording_version", "granted_at", "expires_at", "ended_at", "end_reason")
# An export is one bounded answer: each account's history and consents, newest first, at most.
EXPORT_ROWS = 10_000


async def export(session: AsyncSession, person: PersonRef) -> list[dict[str, Any]] | None:
    """Each account with its audience history and consents (no secrets)."""
    if person.ambassador_id is None:
        return None
    accounts = await repository.accounts_of(session, ambassador_id=person.ambassador_id)
    section = []
    for account in accounts:
        history = await _all(session, AudienceRecord, account.id, col(AudienceRecord.recorded_at))
        consents = await _all(session, PostingConsent, account.id, col(PostingConsent.granted_at))
        section.append(
            _json(account, ACCOUNT_FIELDS)
            | {
                "audience_history": [
                    _json(r, ("audience_size", "source", "recorded_at")) for r in history
                ],
                "posting_consents": [_json(c, CONSENT_FIELDS) for c in consents],
            }
        )
    return section or None


async def erase(session: AsyncSession, person: PersonRef) -> None:
    """Delete every account of the person, its history, consents and tokens (tokens still
    held are revoked at the network first)."""
    if person.user_id is not None:
        await session.execute(
            delete(OAuthState).where(
                col(OAuthState.org_id) == person.org_id, col(OAuthState.user_id) == person.user_id
            )
        )
    if person.ambassador_id is None:
        return
    accounts = await repository.accounts_of(session, ambassador_id=person.ambassador_id)
    await revocation.revoke_connections(session, accounts=accounts, now=datetime.now(UTC))
    for account in accounts:
        await repository.forget_account(session, account_id=account.id)
        session.expunge(account)


async def on_departure(session: AsyncSession, person: PersonRef) -> None:
    """Connections revoked (tokens deleted, the network told), consents ended, at once."""
    if person.ambassador_id is None:
        return
    now = datetime.now(UTC)
    accounts = await repository.accounts_of(session, ambassador_id=person.ambassador_id)
    revoked = await revocation.revoke_connections(session, accounts=accounts, now=now)
    await repository.end_consents(
        session, account_ids=[a.id for a in accounts], reason="revoked", now=now
    )
    await session.execute(
        delete(OAuthState).where(col(OAuthState.account_id).in_([a.id for a in accounts]))
    )
    if revoked:
        await store.announce(session, revoked, change="disconnected")


async def _all(session: AsyncSession, model: Any, account_id: Any, order: Any) -> list[Any]:
    query = (
        select(model)
        .where(model.account_id == account_id)
        .order_by(order.desc())
        .limit(EXPORT_ROWS)
    )
    return list((await session.execute(query)).scalars().all())


def _json(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    values = {name: getattr(row, name) for name in fields}
    return {k: v.isoformat() if isinstance(v, datetime) else v for k, v in values.items()}


SOCIAL_ACCOUNTS = PersonalData(
    section="social_accounts", export=export, erase=erase, on_departure=on_departure
)

"""Consent to automated posting: explicit, per account, for 365 days, renewed by granting it
again, withdrawn at any time. Only where the network lets an app post for a person (LinkedIn
with w_member_social, X); Facebook personal profiles and Instagram personal accounts cannot.
"""

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.accounts import repository
from ambassadors.accounts.errors import (
    ConsentNotFound,
    FacebookPersonalProfile,
    InstagramPersonalAccount,
)
from ambassadors.accounts.models import PostingConsent
from ambassadors.accounts.schemas import PostingConsentGrant, PostingConsentRead
from ambassadors.accounts.service import account_of
from ambassadors.models import Network
from ambassadors.people.service import require_not_departed
from common.auth import Principal

VALIDITY = timedelta(days=365)
API_POSTING = frozenset({Network.linkedin, Network.x})


def require_api_posting(network: Network) -> None:
    """409 with the platform's reason where no app may post for a person."""
    if network == Network.facebook:
        raise FacebookPersonalProfile(
            "Facebook does not let apps post to personal profiles: share with the share dialog",
            field="network",
        )
    if network == Network.instagram:
        raise InstagramPersonalAccount(
            "Instagram publishes through its API for professional accounts only: share by hand",
            field="network",
        )


async def grant(
    session: AsyncSession, *, principal: Principal, network: Network, data: PostingConsentGrant
) -> PostingConsent:
    """Consent (or renew consent) to automated posting on my account, for 365 days."""
    require_api_posting(network)
    await require_not_departed(session, principal=principal)
    account = await account_of(session, principal=principal, network=network, lock=True)
    now = datetime.now(UTC)
    await repository.end_consents(session, account_ids=[account.id], reason="renewed", now=now)
    consent = PostingConsent(
        org_id=account.org_id,
        account_id=account.id,
        ambassador_id=account.ambassador_id,
        network=account.network,
        wording_version=data.wording_version,
        granted_at=now,
        expires_at=now + VALIDITY,
    )
    session.add(consent)
    await session.flush()
    return consent


async def withdraw(session: AsyncSession, *, principal: Principal, network: Network) -> None:
    """Withdraw my consent in force; 404 when there is none."""
    account = await account_of(session, principal=principal, network=network, lock=True)
    ended = await repository.end_consents(
        session, account_ids=[account.id], reason="withdrawn", now=datetime.now(UTC)
    )
    if not ended:
        raise ConsentNotFound("no consent to automated posting is in force", field="network")


async def status(
    session: AsyncSession, *, principal: Principal, network: Network
) -> PostingConsentRead:
    """My consent on an account: none, active, expired or withdrawn."""
    account = await account_of(session, principal=principal, network=network)
    consent = await repository.current_consent(session, account_id=account.id)
    return read(consent, now=datetime.now(UTC))


def read(consent: PostingConsent | None, *, now: datetime) -> PostingConsentRead:
    if consent is None:
        return PostingConsentRead(status="none")
    ended = consent.ended_at is not None
    state = "withdrawn" if ended else "active" if consent.expires_at > now else "expired"
    return PostingConsentRead(
        status=state,
        wording_version=consent.wording_version,
        granted_at=consent.granted_at,
        expires_at=consent.expires_at,
        withdrawn_at=consent.ended_at,
    )

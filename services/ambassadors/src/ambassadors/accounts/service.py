"""Social account rules: a person declares their own accounts (one per network), every
audience change is kept, deleting an account forgets it (shares keep their own figures)."""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors import repository as ambassadors
from ambassadors.accounts import repository, revocation, store, validation
from ambassadors.accounts.errors import AccountNotFound
from ambassadors.accounts.events import Change
from ambassadors.accounts.schemas import SocialAccountWrite
from ambassadors.models import Ambassador, Network, SocialProfile
from ambassadors.people.service import require_not_departed
from common.auth import Principal
from common.errors import InvalidInput


def checked_fields(network: Network, data: SocialAccountWrite) -> dict[str, object]:
    """The declared fields, normalised; 422 naming each field the network does not accept."""
    errors: list[dict[str, str]] = []
    handle = url = None
    try:
        handle = validation.normalise_handle(network, data.handle)
    except ValueError as exc:
        errors.append({"field": "handle", "message": str(exc)})
    if handle is not None or data.profile_url is not None:
        try:
            url = validation.profile_url(network, data.profile_url, handle=handle or "")
        except ValueError as exc:
            errors.append({"field": "profile_url", "message": str(exc)})
    if errors:
        fields = ", ".join(e["field"] for e in errors)
        raise InvalidInput(f"invalid value for: {fields}", errors=errors)
    return {"handle": handle, "profile_url": url, "audience_size": data.audience_size}


async def declare(
    session: AsyncSession, *, principal: Principal, network: Network, data: SocialAccountWrite
) -> tuple[SocialProfile, Change | None]:
    """Create or replace my account on a network; (the account, what changed)."""
    values = checked_fields(network, data)
    await require_not_departed(session, principal=principal)
    now = datetime.now(UTC)
    ambassador = await ambassadors.ensure_ambassador(
        session,
        candidate=Ambassador(org_id=principal.org_id, user_id=principal.user_id, created_at=now),
    )
    return await store.declare(
        session,
        org_id=ambassador.org_id,
        ambassador_id=ambassador.id,
        network=network.value,
        values=values,
        source="self_declared",
        now=now,
    )


async def account_of(
    session: AsyncSession, *, principal: Principal, network: Network, lock: bool = False
) -> SocialProfile:
    """My account on a network (locked for a change when `lock`); 404 when I declared none."""
    ambassador = await ambassadors.find_ambassador(
        session, org_id=principal.org_id, user_id=principal.user_id
    )
    account = None
    if ambassador is not None and lock:
        account = await repository.lock_account(
            session, ambassador_id=ambassador.id, network=network.value
        )
    elif ambassador is not None:
        account = await ambassadors.find_profile(
            session, ambassador_id=ambassador.id, network=network.value
        )
    if account is None:
        raise AccountNotFound(f"you have no {network.value} account declared", field="network")
    return account


async def remove(session: AsyncSession, *, principal: Principal, network: Network) -> None:
    """Disconnect and forget my account on a network, with its history and consents."""
    account = await account_of(session, principal=principal, network=network, lock=True)
    now = datetime.now(UTC)
    revoked = await revocation.revoke_connections(session, accounts=[account], now=now)
    await repository.forget_account(session, account_id=account.id)
    session.expunge(account)  # its row is gone: the copy told below must never be flushed
    account.updated_at = now
    await store.announce(
        session, [account], change="removed", status="revoked" if revoked else "not_connected"
    )

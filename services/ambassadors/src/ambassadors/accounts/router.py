"""My social accounts: declared handles and audiences with history, API connections, consent
to automated posting (employees, their own accounts only)."""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request, Response, status

from ambassadors.accounts import connections, consent, repository, service
from ambassadors.accounts.models import AudienceRecord
from ambassadors.accounts.schemas import (
    AudienceRecordRead,
    ConnectionCallback,
    ConnectionStarted,
    PostingConsentGrant,
    PostingConsentRead,
    SocialAccountRead,
    SocialAccountWrite,
)
from ambassadors.config import Settings
from ambassadors.dependencies import CurrentAmbassador, Employee
from ambassadors.models import Network, SocialProfile
from common.dependencies import DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, build_page

router = APIRouter(prefix="/v1/me/social-accounts", tags=["social accounts"])
ACCOUNT = "/{network}"
Responses = dict[int | str, dict[str, Any]]
NOT_DECLARED: Responses = {404: {"description": "I have no account declared on this network"}}
NOT_POSSIBLE: Responses = {
    409: {"description": "Not possible on this network or deployment (`code` says why)"}
}


@dataclass(frozen=True)
class _Keyed:
    """A history row seen by keyset pagination, which orders on `created_at, id`."""

    record: AudienceRecord

    @property
    def created_at(self) -> datetime:
        return self.record.recorded_at

    @property
    def id(self) -> uuid.UUID:
        return self.record.id


def read(account: SocialProfile) -> SocialAccountRead:
    return SocialAccountRead.model_validate(
        {
            **account.model_dump(),
            "network": Network(account.network),
            "api_posting": Network(account.network) in consent.API_POSTING,
        }
    )


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


@router.get("", response_model=Page[SocialAccountRead])
async def my_accounts(
    session: DbSession, ambassador: CurrentAmbassador, page: Pagination
) -> Page[SocialAccountRead]:
    """My declared accounts, newest first."""
    if ambassador is None:
        return Page[SocialAccountRead](items=[], next_cursor=None)
    rows = await repository.list_accounts(session, ambassador_id=ambassador.id, page=page)
    return build_page(rows, page=page, read=read)


@router.put(
    ACCOUNT,
    response_model=SocialAccountRead,
    responses={201: {"model": SocialAccountRead, "description": "Declared"}},
)
async def declare_account(
    network: Network,
    data: SocialAccountWrite,
    response: Response,
    session: DbSession,
    principal: Employee,
) -> SocialAccountRead:
    """Declare or update my account on a network: 201 when new, 200 otherwise. An audience
    change is kept in its history; shares made from now on record the new audience."""
    account, change = await service.declare(
        session, principal=principal, network=network, data=data
    )
    if change == "declared":
        response.status_code = status.HTTP_201_CREATED
    return read(account)


@router.get(ACCOUNT, response_model=SocialAccountRead, responses=NOT_DECLARED)
async def my_account(
    network: Network, session: DbSession, principal: Employee
) -> SocialAccountRead:
    """My account on one network."""
    return read(await service.account_of(session, principal=principal, network=network))


@router.delete(ACCOUNT, status_code=status.HTTP_204_NO_CONTENT, responses=NOT_DECLARED)
async def forget_account(network: Network, session: DbSession, principal: Employee) -> None:
    """Disconnect and forget my account on a network, its history and consents (my past
    shares keep the audience they were made with)."""
    await service.remove(session, principal=principal, network=network)


@router.get(
    f"{ACCOUNT}/audience-history", response_model=Page[AudienceRecordRead], responses=NOT_DECLARED
)
async def audience_history(
    network: Network, session: DbSession, principal: Employee, page: Pagination
) -> Page[AudienceRecordRead]:
    """Every audience size my account had, newest first."""
    account = await service.account_of(session, principal=principal, network=network)
    rows = await repository.audience_history(session, account_id=account.id, page=page)
    return build_page(
        [_Keyed(row) for row in rows],
        page=page,
        read=lambda keyed: AudienceRecordRead.model_validate(keyed.record),
    )


@router.post(
    f"{ACCOUNT}/connection",
    response_model=ConnectionStarted,
    responses=NOT_DECLARED | NOT_POSSIBLE,
)
async def start_connection(
    network: Network, request: Request, session: DbSession, principal: Employee, once: Idempotent
) -> ConnectionStarted | Response:
    """Start connecting my account through the network's API (LinkedIn): returns the
    authorization URL to send my browser to; valid 10 minutes, once."""
    settings = _settings(request)
    return await once.run(
        lambda: connections.start(session, principal=principal, network=network, settings=settings)
    )


@router.post(
    f"{ACCOUNT}/connection/callback",
    response_model=SocialAccountRead,
    responses=NOT_DECLARED
    | NOT_POSSIBLE
    | {
        422: {"description": "Unknown, used, expired or another person's state; code refused"},
        503: {"description": "The network could not be reached or refused our app"},
    },
)
async def complete_connection(
    network: Network,
    data: ConnectionCallback,
    request: Request,
    session: DbSession,
    principal: Employee,
    once: Idempotent,
) -> SocialAccountRead | Response:
    """Complete the connection with the `code` and `state` the network's redirect carried
    (relayed by the frontend); tokens are stored encrypted and never shown."""
    settings, db = _settings(request), request.app.state.db

    async def complete() -> SocialAccountRead:
        account = await connections.complete(
            session, db=db, principal=principal, network=network, data=data, settings=settings
        )
        return read(account)

    return await once.run(complete)


@router.delete(
    f"{ACCOUNT}/connection", status_code=status.HTTP_204_NO_CONTENT, responses=NOT_DECLARED
)
async def end_connection(network: Network, session: DbSession, principal: Employee) -> None:
    """Disconnect my account: its tokens are deleted here and revoked at the network (an
    account without a connection: nothing to do)."""
    await connections.disconnect(session, principal=principal, network=network)


@router.get(f"{ACCOUNT}/posting-consent", response_model=PostingConsentRead, responses=NOT_DECLARED)
async def posting_consent(
    network: Network, session: DbSession, principal: Employee
) -> PostingConsentRead:
    """My consent to automated posting on this account: none, active, expired or withdrawn."""
    return await consent.status(session, principal=principal, network=network)


@router.post(
    f"{ACCOUNT}/posting-consent",
    status_code=status.HTTP_201_CREATED,
    response_model=PostingConsentRead,
    responses=NOT_DECLARED | NOT_POSSIBLE,
)
async def grant_posting_consent(
    network: Network,
    data: PostingConsentGrant,
    session: DbSession,
    principal: Employee,
    once: Idempotent,
) -> PostingConsentRead | Response:
    """Consent explicitly to automated posting on my account for 365 days (again: renewal).
    LinkedIn and X only: 409 `facebook_personal_profile` / `instagram_personal_account`."""

    async def give() -> PostingConsentRead:
        granted = await consent.grant(session, principal=principal, network=network, data=data)
        return consent.read(granted, now=granted.granted_at)

    return await once.run(give)


@router.delete(
    f"{ACCOUNT}/posting-consent",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={404: {"description": "No such account, or no consent in force"}},
)
async def withdraw_posting_consent(
    network: Network, session: DbSession, principal: Employee
) -> None:
    """Withdraw my consent to automated posting, at once."""
    await consent.withdraw(session, principal=principal, network=network)

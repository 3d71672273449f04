"""The ambassador's own screens: feed and shares (employees, their own data only)."""

from fastapi import APIRouter, Request, Response, status

from ambassadors import intents, repository, service
from ambassadors.config import Settings
from ambassadors.dependencies import CurrentAmbassador, Employee
from ambassadors.models import Network, Share
from ambassadors.schemas import FeedItemRead, ShareCreate, ShareRead
from common.dependencies import DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, build_page

router = APIRouter(prefix="/v1/me", tags=["me"])


def _read_share(record: Share, public_base_url: str) -> ShareRead:
    url = intents.tracked_url(public_base_url, record.tracked_code)
    return ShareRead(
        id=record.id,
        content_id=record.content_id,
        network=Network(record.network),
        audience_size=record.audience_size,
        tracked_url=url,
        share_intent_url=intents.share_intent_url(Network(record.network), url),
        created_at=record.created_at,
    )


@router.get("/feed", response_model=Page[FeedItemRead])
async def my_feed(
    session: DbSession, ambassador: CurrentAmbassador, page: Pagination
) -> Page[FeedItemRead]:
    """Content offered to me, newest first (empty until I opt in to a sub-program)."""
    if ambassador is None:
        return Page[FeedItemRead](items=[], next_cursor=None)
    rows = await repository.list_feed(session, ambassador_id=ambassador.id, page=page)
    return build_page(rows, page=page, read=FeedItemRead.model_validate)


@router.post(
    "/shares",
    status_code=status.HTTP_201_CREATED,
    response_model=ShareRead,
    responses={404: {"description": "The content is not in my feed"}},
)
async def create_share(
    data: ShareCreate,
    request: Request,
    session: DbSession,
    principal: Employee,
    once: Idempotent,
) -> ShareRead | Response:
    """Share an item of my feed: returns my tracked link and the network's share dialog."""
    settings: Settings = request.app.state.settings

    async def create() -> ShareRead:
        record = await service.share(
            session, principal=principal, data=data, public_base_url=settings.public_base_url
        )
        return _read_share(record, settings.public_base_url)

    return await once.run(create)


@router.get("/shares", response_model=Page[ShareRead])
async def my_shares(
    request: Request, session: DbSession, ambassador: CurrentAmbassador, page: Pagination
) -> Page[ShareRead]:
    """My shares, newest first."""
    if ambassador is None:
        return Page[ShareRead](items=[], next_cursor=None)
    base = request.app.state.settings.public_base_url
    rows = await repository.list_shares(session, ambassador_id=ambassador.id, page=page)
    return build_page(rows, page=page, read=lambda r: _read_share(r, base))

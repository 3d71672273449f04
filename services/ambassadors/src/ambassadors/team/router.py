"""Team routes: a sub-program's page (moments and spotlights) and the spotlight workflow."""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import AwareDatetime
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from ambassadors import repository as programs
from ambassadors.dependencies import Person, ValidSubProgram
from ambassadors.schemas import SubProgramRead
from ambassadors.team import access, moments, repository, service
from ambassadors.team.errors import SpotlightNotFound
from ambassadors.team.models import Spotlight, SpotlightStatus
from ambassadors.team.schemas import MomentRead, SpotlightCreate, SpotlightRead, SubProgramPage
from common import openapi
from common.dependencies import DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, PageParams, build_page, encode_cursor

router = APIRouter(prefix="/v1", tags=["team"])


async def visible_spotlight_id(
    spotlight_id: uuid.UUID, session: DbSession, principal: Person
) -> Spotlight:
    """The path's spotlight, if the caller sees it (another organisation's: never)."""
    found = await repository.get_visible(
        session,
        org_id=principal.org_id,
        spotlight_id=spotlight_id,
        visible=access.spotlight_visible_to(principal),
    )
    if found is None:
        raise SpotlightNotFound(f"spotlight {spotlight_id} not found", field="spotlight_id")
    return found


VisibleSpotlight = Annotated[Spotlight, Depends(visible_spotlight_id)]


async def _read(session: AsyncSession, rows: Sequence[Spotlight]) -> list[SpotlightRead]:
    if not rows:
        return []
    names = await repository.names_of(
        session, org_id=rows[0].org_id, user_ids={row.user_id for row in rows}
    )
    return [
        SpotlightRead.model_validate({**row.model_dump(), "person_name": names.get(row.user_id)})
        for row in rows
    ]


async def _one(session: AsyncSession, row: Spotlight) -> SpotlightRead:
    return (await _read(session, [row]))[0]


async def _page(
    session: AsyncSession,
    principal: Person,
    page: PageParams,
    where: list[ColumnElement[bool]],
) -> Page[SpotlightRead]:
    rows = await repository.list_spotlights(
        session, org_id=principal.org_id, where=where, page=page
    )
    shown = {read.id: read for read in await _read(session, rows[: page.limit])}
    return build_page(rows, page=page, read=lambda row: shown[row.id])


@router.get("/sub-programs/{sub_program_id}/moments", response_model=SubProgramPage)
async def sub_program_page(
    sub_program: ValidSubProgram,
    session: DbSession,
    principal: Person,
    page: Pagination,
    start: Annotated[AwareDatetime | None, Query(alias="from")] = None,
    end: Annotated[AwareDatetime | None, Query(alias="to")] = None,
) -> SubProgramPage:
    """A sub-program's page: its moments overlapping [from, to) (default: today to 8 weeks on),
    earliest first, and its latest published spotlights (members, its staff, org admins)."""
    await access.require_page_reader(session, principal=principal, sub=sub_program)
    span = moments.window(start=start, end=end, now=datetime.now(UTC))
    rows = await repository.moments_page(
        session,
        org_id=principal.org_id,
        sub_program_id=sub_program.id,
        start=span.start,
        end=span.end,
        page=page,
    )
    shown = rows[: page.limit]
    more = len(rows) > page.limit and shown
    cursor = encode_cursor(shown[-1].starts_at, shown[-1].id) if more else None
    spotlights = await repository.latest_published(
        session, org_id=principal.org_id, sub_program_id=sub_program.id
    )
    return SubProgramPage(
        sub_program=SubProgramRead.model_validate(sub_program),
        window_from=span.start,
        window_to=span.end,
        items=[MomentRead.model_validate(row) for row in shown],
        next_cursor=cursor,
        spotlights=await _read(session, spotlights),
    )


@router.post(
    "/sub-programs/{sub_program_id}/spotlights",
    status_code=status.HTTP_201_CREATED,
    response_model=SpotlightRead,
    openapi_extra={openapi.RESOURCE: "/v1/spotlights/{spotlight_id}"},
)
async def propose_spotlight(
    data: SpotlightCreate,
    sub_program: ValidSubProgram,
    session: DbSession,
    principal: Person,
    once: Idempotent,
) -> SpotlightRead | Response:
    """Highlight a member's share or success (org admins, the sub-program's program managers);
    it waits for the person's consent and nobody else sees it meanwhile."""

    async def create() -> SpotlightRead:
        row = await service.propose(session, principal=principal, sub=sub_program, data=data)
        return await _one(session, row)

    return await once.run(create)


@router.get("/spotlights", response_model=Page[SpotlightRead])
async def list_spotlights(
    session: DbSession,
    principal: Person,
    page: Pagination,
    sub_program_id: uuid.UUID | None = None,
    status_filter: Annotated[SpotlightStatus | None, Query(alias="status")] = None,
) -> Page[SpotlightRead]:
    """Spotlights the caller sees, newest first: published ones of their sub-programs (all for
    org admins), and those they proposed or that are about them, whatever their status."""
    where = [access.spotlight_visible_to(principal)]
    if sub_program_id is not None:
        where.append(col(Spotlight.sub_program_id) == sub_program_id)
    if status_filter is not None:
        where.append(col(Spotlight.status) == status_filter)
    return await _page(session, principal, page, where)


@router.get("/spotlights/{spotlight_id}", response_model=SpotlightRead)
async def get_spotlight(spotlight: VisibleSpotlight, session: DbSession) -> SpotlightRead:
    """One spotlight the caller sees."""
    return await _one(session, spotlight)


@router.post("/spotlights/{spotlight_id}/withdraw", response_model=SpotlightRead)
async def withdraw_spotlight(
    spotlight: VisibleSpotlight, session: DbSession, principal: Person, once: Idempotent
) -> SpotlightRead | Response:
    """Take a spotlight down, awaiting consent or published (org admins, the sub-program's
    program managers)."""

    async def withdraw() -> SpotlightRead:
        sub = await programs.get_sub_program(
            session, org_id=principal.org_id, sub_program_id=spotlight.sub_program_id
        )
        assert sub is not None  # a spotlight's sub-program is never deleted
        row = await service.withdraw(session, principal=principal, spotlight=spotlight, sub=sub)
        return await _one(session, row)

    return await once.run(withdraw)


@router.get("/me/spotlights", response_model=Page[SpotlightRead])
async def my_spotlights(
    session: DbSession,
    principal: Person,
    page: Pagination,
    status_filter: Annotated[SpotlightStatus | None, Query(alias="status")] = None,
) -> Page[SpotlightRead]:
    """Spotlights about me, newest first: those awaiting my consent, and what I decided."""
    where = [col(Spotlight.user_id) == principal.user_id]
    if status_filter is not None:
        where.append(col(Spotlight.status) == status_filter)
    return await _page(session, principal, page, where)


@router.post("/me/spotlights/{spotlight_id}/consent", response_model=SpotlightRead)
async def consent_to_spotlight(
    spotlight_id: uuid.UUID, session: DbSession, principal: Person, once: Idempotent
) -> SpotlightRead | Response:
    """I agree to be spotlighted: it is published to the sub-program (told once)."""

    async def agree() -> SpotlightRead:
        row = await service.consent(session, principal=principal, spotlight_id=spotlight_id)
        return await _one(session, row)

    return await once.run(agree)


@router.post("/me/spotlights/{spotlight_id}/decline", response_model=SpotlightRead)
async def decline_spotlight(
    spotlight_id: uuid.UUID, session: DbSession, principal: Person, once: Idempotent
) -> SpotlightRead | Response:
    """I do not want it shown (also after consenting: the spotlight leaves the page)."""

    async def refuse() -> SpotlightRead:
        row = await service.decline(session, principal=principal, spotlight_id=spotlight_id)
        return await _one(session, row)

    return await once.run(refuse)

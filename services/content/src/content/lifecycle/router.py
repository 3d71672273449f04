"""Review and publication routes on an item."""

from typing import Annotated

from fastapi import APIRouter, Body, Response, status

from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, build_page
from content.dependencies import VisibleContent
from content.items import service as items
from content.items.schemas import ContentRead
from content.lifecycle import repository, service
from content.lifecycle.models import ReviewEntryKind
from content.lifecycle.schemas import Approval, CommentCreate, Decision, ReviewEntryRead, Schedule

router = APIRouter(prefix="/v1/content/{content_id}", tags=["content review"])


@router.post("/submit", response_model=ContentRead)
async def submit_content(
    item: VisibleContent, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> ContentRead | Response:
    """Send a draft for review (its editors)."""

    async def run() -> ContentRead:
        return await items.read_one(
            session, await service.submit(session, principal=principal, item=item)
        )

    return await once.run(run)


@router.post("/approve", response_model=ContentRead)
async def approve_content(
    item: VisibleContent,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
    data: Annotated[Approval | None, Body()] = None,
) -> ContentRead | Response:
    """Approve (org admin, or a program manager or reviewer covering every target); publishes
    at once unless `publish_at` is ahead or `hold` is set."""
    approval = data or Approval()

    async def run() -> ContentRead:
        approved = await service.approve(
            session,
            principal=principal,
            item=item,
            publish_at=approval.publish_at,
            hold=approval.hold,
            comment=approval.comment,
        )
        return await items.read_one(session, approved)

    return await once.run(run)


@router.post("/request-changes", response_model=ContentRead)
async def request_changes(
    data: Decision, item: VisibleContent, session: DbSession, principal: CurrentPrincipal
) -> ContentRead:
    """Send an item under review back to its author with what to change."""
    moved = await service.decide_against(
        session,
        principal=principal,
        item=item,
        decision=ReviewEntryKind.changes_requested,
        reason=data.reason,
    )
    return await items.read_one(session, moved)


@router.post("/reject", response_model=ContentRead)
async def reject_content(
    data: Decision, item: VisibleContent, session: DbSession, principal: CurrentPrincipal
) -> ContentRead:
    """Reject an item for good, with the reason."""
    moved = await service.decide_against(
        session,
        principal=principal,
        item=item,
        decision=ReviewEntryKind.rejected,
        reason=data.reason,
    )
    return await items.read_one(session, moved)


@router.post("/schedule", response_model=ContentRead)
async def schedule_content(
    data: Schedule, item: VisibleContent, session: DbSession, principal: CurrentPrincipal
) -> ContentRead:
    """Set or move the publication time of an approved item."""
    moved = await service.schedule(
        session, principal=principal, item=item, publish_at=data.publish_at
    )
    return await items.read_one(session, moved)


@router.post("/publish", response_model=ContentRead)
async def publish_content(
    item: VisibleContent, session: DbSession, principal: CurrentPrincipal, once: Idempotent
) -> ContentRead | Response:
    """Publish an approved or scheduled item now (409 if it is not approved)."""

    async def run() -> ContentRead:
        return await items.read_one(
            session, await service.publish_now(session, principal=principal, item=item)
        )

    return await once.run(run)


@router.post("/archive", response_model=ContentRead)
async def archive_content(
    item: VisibleContent, session: DbSession, principal: CurrentPrincipal
) -> ContentRead:
    """Take the item out of circulation for good (feeds drop it)."""
    return await items.read_one(
        session, await service.archive(session, principal=principal, item=item)
    )


@router.post("/comments", status_code=status.HTTP_201_CREATED, response_model=ReviewEntryRead)
async def add_comment(
    data: CommentCreate, item: VisibleContent, session: DbSession, principal: CurrentPrincipal
) -> ReviewEntryRead:
    """A remark in the review trail (editors and approvers)."""
    entry = await service.comment(session, principal=principal, item=item, body=data.body)
    return ReviewEntryRead.model_validate(entry)


@router.get("/reviews", response_model=Page[ReviewEntryRead])
async def list_reviews(
    item: VisibleContent, session: DbSession, principal: CurrentPrincipal, page: Pagination
) -> Page[ReviewEntryRead]:
    """The review trail (comments and decisions), oldest first (editors and approvers)."""
    await service.require_reviewing_staff(session, principal=principal, item=item)
    rows = await repository.entries(session, item=item, page=page)
    return build_page(rows, page=page, read=ReviewEntryRead.model_validate)

"""Review and publication rules.

draft -> in_review -> approved | changes_requested | rejected; approved -> scheduled ->
published -> expired | archived. Approval may go straight on to publication (no `publish_at`, or
one already past) or to `scheduled`; the worker's scheduler publishes and expires on time
(content.lifecycle.scheduler). Each change is one conditional UPDATE: a lost race is a 409.
"""

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Conflict, Forbidden, InvalidInput
from common.events.contracts.content import (
    ContentApprovedV1,
    ContentExpiredV1,
    ContentPublishedV1,
    ContentSubmittedV1,
)
from content import item_events
from content.access.visibility import require_may_approve
from content.items import service as items
from content.lifecycle import repository
from content.lifecycle.models import ReviewEntry, ReviewEntryKind
from content.models import ContentItem
from content.models import ContentStatus as S

APPROVABLE = (S.draft, S.in_review)
IN_CIRCULATION = (S.published,)
ARCHIVABLE = (S.draft, S.in_review, S.changes_requested, S.approved, S.scheduled, S.expired)


class WrongStatus(Conflict):
    code = "content_wrong_status"


class NotApproved(Conflict):
    code = "content_not_approved"


async def submit(session: AsyncSession, *, principal: Principal, item: ContentItem) -> ContentItem:
    """Send a draft (or a draft sent back with changes requested) for review."""
    await items.require_may_edit(session, principal=principal, item=item)
    now = datetime.now(UTC)
    moved = await _move(session, item, (S.draft, S.changes_requested), S.in_review, updated_at=now)
    await repository.add_entry(
        session,
        item=moved,
        author_id=principal.user_id,
        kind=ReviewEntryKind.submitted,
        body=None,
        at=now,
    )
    targets, facets = await items.targets_and_tags(session, moved)
    item_events.once(
        session,
        targets=targets,
        payload=ContentSubmittedV1(
            **items.event_targeting(moved, facets),
            content_id=moved.id,
            submitted_by=principal.user_id,
            submitted_at=now,
        ),
        subject=f"content/{moved.id}",
        key=moved.id,
    )
    return moved


async def approve(
    session: AsyncSession,
    *,
    principal: Principal,
    item: ContentItem,
    publish_at: datetime | None = None,
    hold: bool = False,
    comment: str | None = None,
) -> ContentItem:
    """Approve; then publish at once, schedule for `publish_at`, or hold (`hold`) for later."""
    await require_may_approve(session, principal=principal, item=item)
    now = datetime.now(UTC)
    _check_moments(publish_at=publish_at, expire_at=item.expire_at, now=now)
    if hold:
        status, values = S.approved, {}
    elif publish_at is not None and publish_at > now:
        status, values = S.scheduled, {"publish_at": publish_at}
    else:
        status, values = S.published, {"published_at": now, "publish_at": publish_at or now}
    approved = await repository.transition(
        session,
        org_id=item.org_id,
        content_id=item.id,
        from_statuses=APPROVABLE,
        to_status=status,
        approved_by=principal.user_id,
        approved_at=now,
        updated_at=now,
        **values,
    )
    if approved is None:
        raise _wrong(item, "approved", allowed=APPROVABLE)
    await repository.add_entry(
        session,
        item=approved,
        author_id=principal.user_id,
        kind=ReviewEntryKind.approved,
        body=comment,
        at=now,
    )
    targets, facets = await items.targets_and_tags(session, approved)
    item_events.once(
        session,
        targets=targets,
        payload=ContentApprovedV1(
            **items.event_targeting(approved, facets),
            content_id=approved.id,
            approved_by=principal.user_id,
            approved_at=now,
            publish_at=approved.publish_at,
        ),
        subject=f"content/{approved.id}",
        key=approved.id,
    )
    if approved.status == S.published:
        await stage_published(session, approved)
    return approved


async def decide_against(
    session: AsyncSession,
    *,
    principal: Principal,
    item: ContentItem,
    decision: ReviewEntryKind,
    reason: str,
) -> ContentItem:
    """Request changes (back to the author) or reject (final), with the reason recorded."""
    await require_may_approve(session, principal=principal, item=item)
    now = datetime.now(UTC)
    if decision == ReviewEntryKind.changes_requested:
        allowed: tuple[S, ...] = (S.in_review,)
        moved = await repository.transition(
            session,
            org_id=item.org_id,
            content_id=item.id,
            from_statuses=allowed,
            to_status=S.changes_requested,
            updated_at=now,
        )
    else:
        allowed = (S.draft, S.in_review, S.changes_requested)
        moved = await repository.transition(
            session,
            org_id=item.org_id,
            content_id=item.id,
            from_statuses=allowed,
            to_status=S.rejected,
            updated_at=now,
        )
    if moved is None:
        raise _wrong(item, str(decision), allowed=allowed)
    await repository.add_entry(
        session, item=moved, author_id=principal.user_id, kind=decision, body=reason, at=now
    )
    return moved


async def schedule(
    session: AsyncSession, *, principal: Principal, item: ContentItem, publish_at: datetime
) -> ContentItem:
    """Set or move the publication time of an approved or scheduled item."""
    await require_may_approve(session, principal=principal, item=item)
    now = datetime.now(UTC)
    _check_moments(publish_at=publish_at, expire_at=item.expire_at, now=now)
    if publish_at <= now:
        raise InvalidInput(
            "publish_at must be in the future (publish it instead)", field="publish_at"
        )
    moved = await _move(
        session, item, (S.approved, S.scheduled), S.scheduled, publish_at=publish_at, updated_at=now
    )
    return moved


async def publish_now(
    session: AsyncSession, *, principal: Principal, item: ContentItem
) -> ContentItem:
    """Publish an approved or scheduled item at once; an unapproved one is a 409."""
    await require_may_approve(session, principal=principal, item=item)
    now = datetime.now(UTC)
    moved = await repository.transition(
        session,
        org_id=item.org_id,
        content_id=item.id,
        from_statuses=(S.approved, S.scheduled),
        to_status=S.published,
        published_at=now,
        updated_at=now,
    )
    if moved is None:
        if item.status in (S.draft, S.in_review, S.changes_requested, S.rejected):
            raise NotApproved(
                f"a {item.status} item cannot be published: it needs approval first",
                field="status",
                status_now=item.status,
            )
        raise _wrong(item, "published", allowed=(S.approved, S.scheduled))
    await stage_published(session, moved)
    return moved


async def archive(session: AsyncSession, *, principal: Principal, item: ContentItem) -> ContentItem:
    """Take an item out of circulation for good (feeds drop it if it was published)."""
    await require_may_approve(session, principal=principal, item=item)
    now = datetime.now(UTC)
    was_live = await repository.transition(
        session,
        org_id=item.org_id,
        content_id=item.id,
        from_statuses=IN_CIRCULATION,
        to_status=S.archived,
        expired_at=now,
        updated_at=now,
    )
    if was_live is not None:
        await stage_expired(session, was_live, reason="archived")
        return was_live
    moved = await repository.transition(
        session,
        org_id=item.org_id,
        content_id=item.id,
        from_statuses=ARCHIVABLE,
        to_status=S.archived,
        updated_at=now,
    )
    if moved is None:
        raise _wrong(item, "archived", allowed=(*IN_CIRCULATION, *ARCHIVABLE))
    return moved


async def comment(
    session: AsyncSession, *, principal: Principal, item: ContentItem, body: str
) -> ReviewEntry:
    """A remark on the item by someone who may edit or approve it."""
    await require_reviewing_staff(session, principal=principal, item=item)
    return await repository.add_entry(
        session,
        item=item,
        author_id=principal.user_id,
        kind=ReviewEntryKind.comment,
        body=body,
        at=datetime.now(UTC),
    )


async def require_reviewing_staff(
    session: AsyncSession, *, principal: Principal, item: ContentItem
) -> None:
    """Approvers and editors of the item (the review trail is internal to them)."""
    try:
        await require_may_approve(session, principal=principal, item=item)
    except Forbidden:
        await items.require_may_edit(session, principal=principal, item=item)


async def stage_published(session: AsyncSession, item: ContentItem) -> None:
    """Tell each target sub-program the item is now theirs to see (one record per target)."""
    targets, facets = await items.targets_and_tags(session, item)
    assert item.published_at is not None
    item_events.per_target(
        session,
        targets=targets,
        make=lambda target: ContentPublishedV1(
            **items.event_targeting(item, facets, target),
            content_id=item.id,
            kind=item.kind,
            title=item.title,
            url=item.url,
            published_at=item.published_at,
            expire_at=item.expire_at,
            author_id=item.author_id,
            revision=item.revision,
        ),
        subject=f"content/{item.id}",
        key=item.id,
    )


async def stage_expired(session: AsyncSession, item: ContentItem, *, reason: str) -> None:
    """Tell each target sub-program the item left circulation."""
    targets, facets = await items.targets_and_tags(session, item)
    expired_at = item.expired_at or datetime.now(UTC)
    item_events.per_target(
        session,
        targets=targets,
        make=lambda target: ContentExpiredV1(
            **items.event_targeting(item, facets, target),
            content_id=item.id,
            expired_at=expired_at,
            reason=reason,
        ),
        subject=f"content/{item.id}",
        key=item.id,
    )


async def _move(
    session: AsyncSession, item: ContentItem, allowed: tuple[S, ...], to: S, **values: object
) -> ContentItem:
    moved = await repository.transition(
        session,
        org_id=item.org_id,
        content_id=item.id,
        from_statuses=allowed,
        to_status=to,
        **values,
    )
    if moved is None:
        raise _wrong(item, str(to), allowed=allowed)
    return moved


def _wrong(item: ContentItem, action: str, *, allowed: tuple[S, ...]) -> WrongStatus:
    names = ", ".join(allowed)
    return WrongStatus(
        f"content item is {item.status}; it can become {action} only from: {names}",
        field="status",
        status_now=item.status,
    )


def _check_moments(
    *, publish_at: datetime | None, expire_at: datetime | None, now: datetime
) -> None:
    start = publish_at if publish_at is not None and publish_at > now else now
    if expire_at is not None and expire_at <= start:
        raise InvalidInput("expire_at must come after the publication", field="expire_at")

"""Content rules: drafts stay in the console; approval publishes to the target sub-program."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.events.contracts.content import ContentPublishedV1
from common.outbox import add_event
from content import repository
from content.access.visibility import require_may_approve, require_may_create
from content.errors import ContentAlreadyPublished
from content.models import ContentItem
from content.schemas import ContentCreate

SOURCE = "/services/content"


async def create_draft(
    session: AsyncSession, *, principal: Principal, data: ContentCreate
) -> ContentItem:
    """Stage a draft owned by the caller's organisation, in a sub-program they may write to."""
    await require_may_create(session, principal=principal, sub_program_id=data.sub_program_id)
    item = ContentItem(
        id=uuid.uuid4(),
        org_id=principal.org_id,
        sub_program_id=data.sub_program_id,
        kind=data.kind,
        title=data.title,
        url=str(data.url) if data.url else None,
        body=data.body,
        created_by=principal.user_id,
        created_at=datetime.now(UTC),
    )
    session.add(item)
    return item


async def approve(session: AsyncSession, *, principal: Principal, item: ContentItem) -> ContentItem:
    """Publish a draft: status change and published event in one transaction."""
    await require_may_approve(session, principal=principal, item=item)
    now = datetime.now(UTC)
    published = await repository.publish_draft(
        session,
        org_id=principal.org_id,
        content_id=item.id,
        approved_by=principal.user_id,
        published_at=now,
    )
    # Only the approval whose UPDATE matched stages the event: one item, one publication.
    if published is None:
        raise ContentAlreadyPublished("content item is already published", field="status")
    add_event(
        session,
        ContentPublishedV1(
            content_id=published.id,
            org_id=published.org_id,
            sub_program_id=published.sub_program_id,
            kind=published.kind,
            title=published.title,
            url=published.url,
            published_at=now,
        ),
        source=SOURCE,
        subject=f"content/{published.id}",
        key=str(published.id),
        orgid=str(published.org_id),
        subprogramid=str(published.sub_program_id),
    )
    return published

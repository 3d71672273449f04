"""Content rules: drafts stay in the console; approval publishes to the target sub-program."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.events.contracts.content import ContentPublishedV1
from common.outbox import add_event
from content.errors import ContentAlreadyPublished
from content.models import ContentItem, ContentStatus
from content.schemas import ContentCreate

SOURCE = "/services/content"


def create_draft(
    session: AsyncSession, *, principal: Principal, data: ContentCreate
) -> ContentItem:
    """Stage a draft owned by the caller's organisation."""
    principal.require("admin")
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


def approve(session: AsyncSession, *, principal: Principal, item: ContentItem) -> ContentItem:
    """Publish a draft: status change and published event in one transaction."""
    principal.require("admin")
    if item.status == ContentStatus.published:
        raise ContentAlreadyPublished("content item is already published", field="status")
    item.status = ContentStatus.published
    item.approved_by = principal.user_id
    item.published_at = datetime.now(UTC)
    session.add(item)
    add_event(
        session,
        ContentPublishedV1(
            content_id=item.id,
            org_id=item.org_id,
            sub_program_id=item.sub_program_id,
            kind=item.kind,
            title=item.title,
            url=item.url,
            published_at=item.published_at,
        ),
        source=SOURCE,
        subject=f"content/{item.id}",
        key=str(item.id),
        orgid=str(item.org_id),
        subprogramid=str(item.sub_program_id),
    )
    return item

"""Reusable existence checks for content routes."""

import uuid
from typing import Annotated

from fastapi import Depends

from common.dependencies import CurrentPrincipal, DbSession
from content import repository
from content.errors import ContentNotFound
from content.models import ContentItem


async def valid_content_id(
    content_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> ContentItem:
    """The path's content item, if it belongs to the caller's organisation."""
    item = await repository.get(session, org_id=principal.org_id, content_id=content_id)
    if item is None:
        raise ContentNotFound(f"content item {content_id} not found", field="content_id")
    return item


ValidContent = Annotated[ContentItem, Depends(valid_content_id)]

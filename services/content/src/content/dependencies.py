"""Reusable existence checks for content routes."""

import uuid
from typing import Annotated

from fastapi import Depends

from common.dependencies import CurrentPrincipal, DbSession
from content.access.visibility import visible_to
from content.errors import ContentNotFound
from content.items import repository
from content.models import ContentItem


async def visible_content_id(
    content_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> ContentItem:
    """The path's content item, if the caller sees it (in their organisation, by the rules)."""
    item = await repository.get(
        session, org_id=principal.org_id, content_id=content_id, visible=visible_to(principal)
    )
    if item is None:
        raise ContentNotFound(f"content item {content_id} not found", field="content_id")
    return item


VisibleContent = Annotated[ContentItem, Depends(visible_content_id)]

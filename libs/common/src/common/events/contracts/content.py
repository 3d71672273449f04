"""Events published by the content service on the `content.events` topic."""

import uuid
from datetime import datetime
from typing import ClassVar

from common.events.envelope import EventPayload

TOPIC = "content.events"


class ContentPublishedV1(EventPayload):
    """A content item was approved and is now visible to its target sub-program."""

    ce_type: ClassVar[str] = "content.item.published.v1"
    topic: ClassVar[str] = TOPIC

    content_id: uuid.UUID
    org_id: uuid.UUID
    sub_program_id: uuid.UUID
    kind: str
    title: str
    url: str | None = None
    published_at: datetime


CONTRACTS: tuple[type[EventPayload], ...] = (ContentPublishedV1,)

"""Events published by the ambassadors service on the `ambassadors.events` topic."""

import uuid
from datetime import datetime
from typing import ClassVar

from common.events.envelope import EventPayload

TOPIC = "ambassadors.events"


class ShareCreatedV1(EventPayload):
    """An ambassador shared a content item on one network, through a tracked link."""

    ce_type: ClassVar[str] = "ambassadors.share.created.v1"
    topic: ClassVar[str] = TOPIC

    share_id: uuid.UUID
    org_id: uuid.UUID
    ambassador_id: uuid.UUID
    content_id: uuid.UUID
    sub_program_id: uuid.UUID
    network: str
    audience_size: int
    tracked_link_code: str
    created_at: datetime


class LinkClickedV1(EventPayload):
    """Someone followed a tracked link (observed, never estimated). No visitor data kept."""

    ce_type: ClassVar[str] = "ambassadors.link.clicked.v1"
    topic: ClassVar[str] = TOPIC

    click_id: uuid.UUID
    org_id: uuid.UUID
    share_id: uuid.UUID
    content_id: uuid.UUID
    network: str
    clicked_at: datetime


CONTRACTS: tuple[type[EventPayload], ...] = (ShareCreatedV1, LinkClickedV1)

"""Events published by the content service on the `content.events` topic.

Targeting travels in CloudEvents extension headers (orgid, programid, subprogramid, network,
topic, department) so a per-sub-program worker filters without decoding. Headers hold one value:
an event about an item aimed at several sub-programs is told once per targeted sub-program
(`sub_program_id` in the payload is that record's target; `sub_program_ids` lists them all);
a `network`/`department`/`topic` header is present only when the item names exactly one, and
absent means "every one" (the payload holds the full lists).
"""

import uuid
from datetime import datetime
from typing import ClassVar

from common.events.envelope import EventPayload

TOPIC = "content.events"


class ItemTargeting(EventPayload):
    """What an item event says about whom the item is for (shared by the item events)."""

    org_id: uuid.UUID
    program_id: uuid.UUID | None = None  # of this record's sub-program
    sub_program_id: uuid.UUID | None = None  # this record's target
    sub_program_ids: list[uuid.UUID] = []  # every target of the item
    networks: list[str] = []
    departments: list[str] = []
    topics: list[str] = []
    language: str = "en"


class ContentCreatedV1(ItemTargeting):
    """A content item was created (a draft, not visible to ambassadors yet); told once."""

    ce_type: ClassVar[str] = "content.item.created.v1"
    topic: ClassVar[str] = TOPIC

    content_id: uuid.UUID
    kind: str
    title: str
    source: str = "console"
    created_by: uuid.UUID
    author_id: uuid.UUID
    created_at: datetime


class ContentSubmittedV1(ItemTargeting):
    """A draft was sent for review; told once."""

    ce_type: ClassVar[str] = "content.item.submitted.v1"
    topic: ClassVar[str] = TOPIC

    content_id: uuid.UUID
    submitted_by: uuid.UUID
    submitted_at: datetime


class ContentApprovedV1(ItemTargeting):
    """A reviewer approved an item; `publish_at` is when it goes out (None: held, or at once)."""

    ce_type: ClassVar[str] = "content.item.approved.v1"
    topic: ClassVar[str] = TOPIC

    content_id: uuid.UUID
    approved_by: uuid.UUID
    approved_at: datetime
    publish_at: datetime | None = None


class ContentPublishedV1(ItemTargeting):
    """An item is now visible to one of its target sub-programs (one record per target)."""

    ce_type: ClassVar[str] = "content.item.published.v1"
    topic: ClassVar[str] = TOPIC

    content_id: uuid.UUID
    sub_program_id: uuid.UUID  # always set on a publication (optional in ItemTargeting)
    kind: str
    title: str
    url: str | None = None
    published_at: datetime
    expire_at: datetime | None = None
    author_id: uuid.UUID | None = None
    revision: int = 1


class ContentRevisedV1(ItemTargeting):
    """A published item was edited: consumers replace what they hold (one record per target)."""

    ce_type: ClassVar[str] = "content.item.revised.v1"
    topic: ClassVar[str] = TOPIC

    content_id: uuid.UUID
    revision: int
    title: str
    url: str | None = None
    body: str | None = None
    revised_by: uuid.UUID
    revised_at: datetime


class ContentExpiredV1(ItemTargeting):
    """An item left circulation (expired or archived): feeds drop it (one record per target)."""

    ce_type: ClassVar[str] = "content.item.expired.v1"
    topic: ClassVar[str] = TOPIC

    content_id: uuid.UUID
    expired_at: datetime
    reason: str = "expired"  # expired | archived


class IdeaPublishedV1(ItemTargeting):
    """Comms published an idea (a brief) to a sub-program (one record per target)."""

    ce_type: ClassVar[str] = "content.idea.published.v1"
    topic: ClassVar[str] = TOPIC

    idea_id: uuid.UUID
    title: str
    deadline: datetime | None = None
    campaign_id: uuid.UUID | None = None
    published_by: uuid.UUID
    published_at: datetime


class SubmissionReviewedV1(ItemTargeting):
    """A reviewer decided on an ambassador's submission; told once."""

    ce_type: ClassVar[str] = "content.submission.reviewed.v1"
    topic: ClassVar[str] = TOPIC

    submission_id: uuid.UUID
    author_id: uuid.UUID
    decision: str  # approved | changes_requested | rejected
    reason: str | None = None
    content_id: uuid.UUID | None = None  # the shareable item an approval made
    reviewed_by: uuid.UUID
    reviewed_at: datetime


class HelpRequestedV1(ItemTargeting):
    """An ambassador asked for production help (designer, writer, video); told once."""

    ce_type: ClassVar[str] = "content.help.requested.v1"
    topic: ClassVar[str] = TOPIC

    help_request_id: uuid.UUID
    requested_by: uuid.UUID
    kind: str
    idea_id: uuid.UUID | None = None
    content_id: uuid.UUID | None = None
    submission_id: uuid.UUID | None = None
    requested_at: datetime


class CampaignScheduledV1(ItemTargeting):
    """A campaign (a dated moment) was planned or moved (one record per target sub-program)."""

    ce_type: ClassVar[str] = "content.campaign.scheduled.v1"
    topic: ClassVar[str] = TOPIC

    campaign_id: uuid.UUID
    name: str
    starts_at: datetime
    ends_at: datetime | None = None
    scheduled_by: uuid.UUID
    kind: str | None = None  # launch | fair | results | event | other (added later: optional)


CONTRACTS: tuple[type[EventPayload], ...] = (
    ContentCreatedV1,
    ContentSubmittedV1,
    ContentApprovedV1,
    ContentPublishedV1,
    ContentRevisedV1,
    ContentExpiredV1,
    IdeaPublishedV1,
    SubmissionReviewedV1,
    HelpRequestedV1,
    CampaignScheduledV1,
)

"""Item rules: what a valid item is, who may write one, and what an edit after publication is."""

import uuid
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Conflict, InvalidInput
from common.events.contracts.content import ContentCreatedV1, ContentRevisedV1
from content import item_events, targeting
from content.access.visibility import require_may_create, require_may_create_somewhere, visible_to
from content.calendar.service import require_campaign
from content.items import repository
from content.items.details import Details
from content.items.schemas import ContentCreate, ContentRead, ContentUpdate, Targeting
from content.models import ContentItem, ContentSource, ContentStatus, TagDimension
from content.targeting import Target

EDITABLE = frozenset({ContentStatus.draft, ContentStatus.changes_requested})
REVISABLE = frozenset({ContentStatus.published})


class ContentNotEditable(Conflict):
    code = "content_not_editable"


class TranslationExists(Conflict):
    code = "translation_exists"


async def create_item(
    session: AsyncSession,
    *,
    principal: Principal,
    data: ContentCreate,
    source: ContentSource = ContentSource.console,
    author_id: uuid.UUID | None = None,
    check_permission: bool = True,
) -> ContentItem:
    """Stage a draft in the caller's organisation; every problem with the input in one 422.

    `check_permission=False` is for rooms that decided who may create (an approved submission,
    an accepted curation entry) and call this on the decider's behalf.
    """
    if check_permission:
        await require_may_create_somewhere(session, principal=principal)
    original = await _original(session, principal=principal, data=data)
    if original is not None:
        group_id = original.translation_group_id
        spec = await _targeting_of(session, original) if not _names_targets(data) else data
    else:
        group_id, spec = None, data
    _check_fields(kind=data.kind, url=data.url is not None, details=data.details)
    if data.campaign_id is not None:
        await require_campaign(session, org_id=principal.org_id, campaign_id=data.campaign_id)
    targets = await targeting.resolve(
        session,
        org_id=principal.org_id,
        sub_program_ids=spec.sub_program_ids,
        program_ids=spec.program_ids,
    )
    if check_permission:
        await require_may_create(
            session, principal=principal, sub_program_ids=[t.sub_program_id for t in targets]
        )
    now = datetime.now(UTC)
    item_id = uuid.uuid4()
    item = ContentItem(
        id=item_id,
        org_id=principal.org_id,
        kind=data.kind,
        title=data.title,
        url=str(data.url) if data.url else None,
        body=data.body,
        language=data.language,
        translation_group_id=group_id or item_id,
        campaign_id=data.campaign_id,
        details=data.details,
        source=source,
        created_by=principal.user_id,
        author_id=author_id or principal.user_id,
        created_at=now,
        updated_at=now,
        expire_at=data.expire_at,
    )
    session.add(item)
    try:
        await session.flush()
    except IntegrityError as exc:  # the group's (translation_group_id, language) is unique
        raise TranslationExists(
            f"this item already has a {data.language} version", field="language"
        ) from exc
    await _write_facets(session, item=item, targets=targets, spec=spec, topics=data.topics)
    item_events.once(
        session,
        targets=targets,
        payload=ContentCreatedV1(
            **_targeting(item, targets, spec=spec, topics=data.topics),
            content_id=item.id,
            kind=item.kind,
            title=item.title,
            source=item.source,
            created_by=item.created_by,
            author_id=item.author_id,
            created_at=now,
        ),
        subject=f"content/{item.id}",
        key=item.id,
    )
    return item


async def update_item(
    session: AsyncSession, *, principal: Principal, item: ContentItem, data: ContentUpdate
) -> ContentItem:
    """Edit a draft in place; edit a published item as a new revision that consumers receive.

    Items under review, approved or scheduled are frozen (what was approved is what goes out);
    rejected, expired and archived ones are done.
    """
    if item.status not in EDITABLE | REVISABLE:
        raise ContentNotEditable(
            f"a {item.status} item cannot be edited", field="status", status_now=item.status
        )
    await require_may_edit(session, principal=principal, item=item)
    changes = data.model_dump(exclude_unset=True, exclude={"targeting", "topics"})
    if "url" in changes:
        changes["url"] = str(data.url) if data.url else None
    if changes.get("campaign_id") is not None:
        await require_campaign(session, org_id=item.org_id, campaign_id=changes["campaign_id"])
    _check_fields(
        kind=item.kind,
        url=(changes.get("url", item.url) is not None),
        details=changes.get("details", item.details),
    )
    for name, value in changes.items():
        setattr(item, name, value)
    facets = (await repository.facets_of(session, content_ids=[item.id]))[item.id]
    targets = facets.targets
    if data.targeting is not None:
        targets = await _retarget(session, principal=principal, item=item, spec=data.targeting)
    if data.topics is not None:
        await repository.replace_tags(
            session, item=item, dimension=TagDimension.topic, values=data.topics
        )
    item.updated_at = datetime.now(UTC)
    if item.status in REVISABLE:
        item.revision += 1
        await _stage_revision(session, principal=principal, item=item, targets=targets)
    await session.flush()
    return item


async def require_may_edit(
    session: AsyncSession, *, principal: Principal, item: ContentItem
) -> None:
    """Whoever may create in the item's sub-programs may edit it (its owner included)."""
    targets = await repository.facets_of(session, content_ids=[item.id])
    await require_may_create(
        session,
        principal=principal,
        sub_program_ids=[t.sub_program_id for t in targets[item.id].targets],
    )


async def read_many(session: AsyncSession, items: list[ContentItem]) -> list[ContentRead]:
    """API views of items with their targets and tags (two queries for the lot)."""
    facets = await repository.facets_of(session, content_ids=[item.id for item in items])
    return [to_read(item, facets[item.id]) for item in items]


async def read_one(session: AsyncSession, item: ContentItem) -> ContentRead:
    """The API view of one item."""
    return (await read_many(session, [item]))[0]


def to_read(item: ContentItem, facets: repository.Facets) -> ContentRead:
    """The API view of an item from its row and facets."""
    sub_programs = [t.sub_program_id for t in facets.targets]
    return ContentRead.model_validate(
        {
            **item.model_dump(),
            "sub_program_id": sub_programs[0] if sub_programs else None,
            "sub_program_ids": sub_programs,
            "program_ids": sorted({t.program_id for t in facets.targets}, key=str),
            "networks": facets.values(TagDimension.network),
            "departments": facets.values(TagDimension.department),
            "topics": facets.values(TagDimension.topic),
        }
    )


async def targets_and_tags(
    session: AsyncSession, item: ContentItem
) -> tuple[list[Target], repository.Facets]:
    """The item's targets and facets (for events staged by other rooms)."""
    facets = (await repository.facets_of(session, content_ids=[item.id]))[item.id]
    return facets.targets, facets


def event_targeting(
    item: ContentItem, facets: repository.Facets, target: Target | None = None
) -> dict[str, object]:
    """The ItemTargeting fields for an event about this item (`target`: the record's own)."""
    return item_events.targeting_fields(
        org_id=item.org_id,
        targets=facets.targets,
        target=target,
        networks=facets.values(TagDimension.network),
        departments=facets.values(TagDimension.department),
        topics=facets.values(TagDimension.topic),
        language=item.language,
    )


async def _original(
    session: AsyncSession, *, principal: Principal, data: ContentCreate
) -> ContentItem | None:
    if data.translation_of is None:
        return None
    original = await repository.get(
        session,
        org_id=principal.org_id,
        content_id=data.translation_of,
        visible=visible_to(principal),
    )
    if original is None:
        raise InvalidInput(f"unknown content item {data.translation_of}", field="translation_of")
    if original.language == data.language:
        raise InvalidInput(
            f"a translation needs another language than the original's ({original.language})",
            field="language",
        )
    return original


async def _targeting_of(session: AsyncSession, item: ContentItem) -> Targeting:
    facets = (await repository.facets_of(session, content_ids=[item.id]))[item.id]
    return Targeting(
        sub_program_ids=[t.sub_program_id for t in facets.targets],
        networks=facets.values(TagDimension.network),
        departments=facets.values(TagDimension.department),
    )


def _names_targets(data: ContentCreate) -> bool:
    return bool(data.sub_program_ids or data.program_ids)


def _check_fields(*, kind: str, url: bool, details: dict[str, object]) -> None:
    # An article without a link is allowed (the first version of this API accepted it): it is
    # relayed as text, and a share then carries no tracked link.
    problems = Details.problems(kind, dict(details))
    if problems:
        field, message = problems[0]
        raise InvalidInput(
            message, field=field, errors=[{"field": f, "message": m} for f, m in problems]
        )


async def _write_facets(
    session: AsyncSession,
    *,
    item: ContentItem,
    targets: list[Target],
    spec: Targeting,
    topics: list[str],
) -> None:
    await repository.replace_targets(session, item=item, targets=targets)
    for dimension, values in (
        (TagDimension.network, spec.networks),
        (TagDimension.department, spec.departments),
        (TagDimension.topic, topics),
    ):
        await repository.replace_tags(session, item=item, dimension=dimension, values=values)


async def _retarget(
    session: AsyncSession, *, principal: Principal, item: ContentItem, spec: Targeting
) -> list[Target]:
    targets = await targeting.resolve(
        session,
        org_id=principal.org_id,
        sub_program_ids=spec.sub_program_ids,
        program_ids=spec.program_ids,
        field_prefix="targeting.",
    )
    if not targets:
        raise InvalidInput("name at least one sub-program or program", field="targeting")
    await require_may_create(
        session, principal=principal, sub_program_ids=[t.sub_program_id for t in targets]
    )
    await repository.replace_targets(session, item=item, targets=targets)
    await repository.replace_tags(
        session, item=item, dimension=TagDimension.network, values=spec.networks
    )
    await repository.replace_tags(
        session, item=item, dimension=TagDimension.department, values=spec.departments
    )
    return targets


def _targeting(
    item: ContentItem, targets: list[Target], *, spec: Targeting, topics: list[str]
) -> dict[str, object]:
    return item_events.targeting_fields(
        org_id=item.org_id,
        targets=targets,
        target=targets[0] if len(targets) == 1 else None,
        networks=spec.networks,
        departments=spec.departments,
        topics=topics,
        language=item.language,
    )


async def _stage_revision(
    session: AsyncSession, *, principal: Principal, item: ContentItem, targets: list[Target]
) -> None:
    facets = (await repository.facets_of(session, content_ids=[item.id]))[item.id]
    facets.targets = targets
    item_events.per_target(
        session,
        targets=targets,
        make=lambda target: ContentRevisedV1(
            **event_targeting(item, facets, target),
            content_id=item.id,
            revision=item.revision,
            title=item.title,
            url=item.url,
            body=item.body,
            revised_by=principal.user_id,
            revised_at=item.updated_at,
        ),
        subject=f"content/{item.id}",
        key=item.id,
    )

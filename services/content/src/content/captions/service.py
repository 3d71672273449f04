"""Caption variants: who writes them, what a valid one is, and which one a person starts from."""

import hashlib
import uuid
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Conflict, InvalidInput, NotFound
from content.captions import charter, repository, rules
from content.captions import text as caption_text
from content.captions.models import CaptionVariant
from content.captions.schemas import (
    DELIVERY,
    CaptionCreate,
    CaptionRead,
    CaptionUpdate,
    ProblemRead,
    Rotation,
    SuggestionRead,
)
from content.items.service import require_may_edit
from content.models import ContentItem, ContentStatus

MAX_VARIANTS = 20  # per (item, network, language)
CLOSED = frozenset({ContentStatus.rejected, ContentStatus.expired, ContentStatus.archived})


class CaptionNotFound(NotFound):
    code = "caption_not_found"


class CaptionExists(Conflict):
    code = "caption_exists"


class TooManyVariants(Conflict):
    code = "too_many_variants"


class ContentClosed(Conflict):
    code = "content_not_editable"


class CaptionBreaksRules(InvalidInput):
    code = "caption_breaks_rules"


async def create(
    session: AsyncSession, *, principal: Principal, item: ContentItem, data: CaptionCreate
) -> CaptionVariant:
    """Add a variant; every broken rule in one 422, a full (item, network, language) a 409."""
    await _require_writable(session, principal=principal, item=item)
    language = canonical_language(data.language or item.language)
    await _require_valid(session, item=item, network=data.network, text=data.text)
    now = datetime.now(UTC)
    digest = _digest(data.text)
    for _ in range(MAX_VARIANTS + 1):
        taken = await repository.used_slots(
            session, content_id=item.id, network=data.network, language=language
        )
        free = next((slot for slot in range(MAX_VARIANTS) if slot not in taken), None)
        if free is None:
            raise TooManyVariants(
                f"this item has {MAX_VARIANTS} {data.network} variants in {language} already",
                field="network",
                limit=MAX_VARIANTS,
            )
        row = CaptionVariant(
            org_id=item.org_id,
            content_id=item.id,
            network=data.network,
            language=language,
            slot=free,
            text=data.text,
            digest=digest,
            label=data.label,
            created_by=principal.user_id,
            created_at=now,
            updated_at=now,
        )
        if await repository.insert_variant(session, row):
            return row
        # Lost the slot or the text to a concurrent insert: which one decides the answer.
        if await repository.digest_taken(
            session, content_id=item.id, network=data.network, language=language, digest=digest
        ):
            raise _exists(data.network, language)
    raise Conflict("too many concurrent variant creations; retry", field="network")


async def update(
    session: AsyncSession,
    *,
    principal: Principal,
    item: ContentItem,
    caption_id: uuid.UUID,
    data: CaptionUpdate,
) -> CaptionVariant:
    """Change a variant's text or label; the new text must follow the rules."""
    await _require_writable(session, principal=principal, item=item)
    variant = await get(session, item=item, caption_id=caption_id)
    network, language = variant.network, variant.language
    changes = data.model_dump(exclude_unset=True)
    if changes.get("text") is None:
        changes.pop("text", None)
    else:
        await _require_valid(session, item=item, network=network, text=changes["text"])
        changes["digest"] = _digest(changes["text"])
    try:
        async with session.begin_nested():  # the unique text index decides, even in a race
            updated = await repository.update_variant(
                session, org_id=item.org_id, caption_id=caption_id, values=changes
            )
    except IntegrityError as exc:
        raise _exists(network, language) from exc
    if updated is None:  # deleted meanwhile
        raise CaptionNotFound(f"caption {caption_id} not found", field="caption_id")
    return updated


async def delete(
    session: AsyncSession, *, principal: Principal, item: ContentItem, caption_id: uuid.UUID
) -> None:
    """Remove a variant (its slot is free again); a concurrent delete's loser gets a 404."""
    await _require_writable(session, principal=principal, item=item)
    await get(session, item=item, caption_id=caption_id)
    if not await repository.delete_variant(session, org_id=item.org_id, caption_id=caption_id):
        raise CaptionNotFound(f"caption {caption_id} not found", field="caption_id")


async def get(session: AsyncSession, *, item: ContentItem, caption_id: uuid.UUID) -> CaptionVariant:
    """One variant of the item (404 otherwise)."""
    variant = await repository.get_variant(
        session, org_id=item.org_id, content_id=item.id, caption_id=caption_id
    )
    if variant is None:
        raise CaptionNotFound(f"caption {caption_id} not found", field="caption_id")
    return variant


async def suggestion(
    session: AsyncSession,
    *,
    principal: Principal,
    item: ContentItem,
    network: str,
    language: str | None,
) -> SuggestionRead:
    """The variant this person starts from: fixed per person and item, colleagues spread out.

    index = sha256(item id, person id) mod the number of variants (oldest first): stable while
    the variants stay, uniform over colleagues, and nothing to store.
    """
    variants = await repository.variants_of(
        session,
        org_id=item.org_id,
        content_id=item.id,
        network=network,
        language=canonical_language(language or item.language),
    )
    if not variants:
        raise CaptionNotFound(
            f"this item has no {network} caption in {language or item.language}", field="network"
        )
    seed = hashlib.sha256(f"{item.id}:{principal.user_id}".encode()).digest()
    index = int.from_bytes(seed[:8], "big") % len(variants)
    current = await charter.for_item(session, item)
    read = to_read(variants[index], current)
    return SuggestionRead(**read.model_dump(), rotation=Rotation(index=index, of=len(variants)))


def to_read(variant: CaptionVariant, current: rules.Rules) -> CaptionRead:
    """The API view, with what the variant breaks of the rules in force today."""
    problems = rules.check(variant.text, network=variant.network, rules=current)
    return CaptionRead(
        id=variant.id,
        content_id=variant.content_id,
        network=variant.network,
        language=variant.language,
        text=variant.text,
        label=variant.label,
        delivery=DELIVERY[variant.network],
        problems=[ProblemRead.model_validate(problem.as_error()) for problem in problems],
        created_by=variant.created_by,
        created_at=variant.created_at,
        updated_at=variant.updated_at,
    )


async def _require_writable(
    session: AsyncSession, *, principal: Principal, item: ContentItem
) -> None:
    await require_may_edit(session, principal=principal, item=item)
    if item.status in CLOSED:
        raise ContentClosed(
            f"a {item.status} item's captions cannot change", field="status", status_now=item.status
        )


async def _require_valid(
    session: AsyncSession, *, item: ContentItem, network: str, text: str
) -> None:
    problems = rules.check(text, network=network, rules=await charter.for_item(session, item))
    if problems:
        raise CaptionBreaksRules(
            f"the caption breaks {len(problems)} rule(s): {problems[0].message}",
            field="text",
            errors=[problem.as_error() for problem in problems],
        )


def canonical_language(tag: str) -> str:
    """A BCP 47 tag in its usual case (en-GB, zh-Hant-TW): tags are compared case-insensitively."""
    first, *rest = tag.split("-")
    parts = [first.lower()]
    for part in rest:
        if len(part) == 2 and part.isalpha():
            parts.append(part.upper())
        elif len(part) == 4 and part.isalpha():
            parts.append(part.title())
        else:
            parts.append(part.lower())
    return "-".join(parts)


def _digest(text: str) -> str:
    return hashlib.sha256(caption_text.normalised(text).encode()).hexdigest()


def _exists(network: str, language: str) -> CaptionExists:
    return CaptionExists(
        f"this item has the same {network} caption in {language} already", field="text"
    )

"""Routes of the captions room (thin): variants, caption rules, checks and anti-parrot."""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response, status

from common.dependencies import CurrentPrincipal, DbSession, Pagination
from common.idempotency import Idempotent
from common.pagination import Page, build_page
from content.captions import antiparrot, charter, checks, repository, service
from content.captions.models import RuleScope
from content.captions.schemas import (
    CaptionCreate,
    CaptionRead,
    CaptionUpdate,
    CheckRead,
    CheckRequest,
    CirculationRead,
    RulesRead,
    RulesWrite,
    SimilarityRead,
    SimilarityRequest,
    SuggestionRead,
)
from content.dependencies import VisibleContent
from content.items.schemas import Language, Network

router = APIRouter()
captions = APIRouter(prefix="/v1/content/{content_id}", tags=["captions"])
caption_rules = APIRouter(prefix="/v1/caption-rules", tags=["captions"])
CONFLICT: dict[int | str, dict[str, Any]] = {409: {"description": "Conflicts with the state"}}
NetworkQuery = Annotated[Network, Query()]


@captions.post("/captions", status_code=status.HTTP_201_CREATED, response_model=CaptionRead)
async def create_caption(
    data: CaptionCreate,
    item: VisibleContent,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> CaptionRead | Response:
    """Add a caption variant (the item's editors); every broken rule in one 422."""

    async def create() -> CaptionRead:
        variant = await service.create(session, principal=principal, item=item, data=data)
        return service.to_read(variant, await charter.for_item(session, item))

    return await once.run(create)


@captions.get("/captions", response_model=Page[CaptionRead])
async def list_captions(
    item: VisibleContent,
    session: DbSession,
    page: Pagination,
    network: Annotated[Network | None, Query()] = None,
    language: Annotated[Language | None, Query()] = None,
) -> Page[CaptionRead]:
    """The item's caption variants, newest first (whoever sees the item)."""
    rows = await repository.page_of_variants(
        session,
        org_id=item.org_id,
        content_id=item.id,
        page=page,
        network=network,
        language=service.canonical_language(language) if language else None,
    )
    current = await charter.for_item(session, item)
    return build_page(rows, page=page, read=lambda row: service.to_read(row, current))


@captions.get("/captions/suggestion", response_model=SuggestionRead)
async def suggest_caption(
    item: VisibleContent,
    session: DbSession,
    principal: CurrentPrincipal,
    network: NetworkQuery,
    language: Annotated[Language | None, Query()] = None,
) -> SuggestionRead:
    """The variant this caller starts from, rotated across colleagues (whoever sees the item)."""
    return await service.suggestion(
        session, principal=principal, item=item, network=network, language=language
    )


@captions.get("/captions/{caption_id}", response_model=CaptionRead)
async def get_caption(
    caption_id: uuid.UUID, item: VisibleContent, session: DbSession
) -> CaptionRead:
    """One caption variant of the item."""
    variant = await service.get(session, item=item, caption_id=caption_id)
    return service.to_read(variant, await charter.for_item(session, item))


@captions.patch("/captions/{caption_id}", response_model=CaptionRead, responses=CONFLICT)
async def update_caption(
    caption_id: uuid.UUID,
    data: CaptionUpdate,
    item: VisibleContent,
    session: DbSession,
    principal: CurrentPrincipal,
) -> CaptionRead:
    """Change a variant's text or label (the item's editors); the text must follow the rules."""
    variant = await service.update(
        session, principal=principal, item=item, caption_id=caption_id, data=data
    )
    return service.to_read(variant, await charter.for_item(session, item))


@captions.delete(
    "/captions/{caption_id}", status_code=status.HTTP_204_NO_CONTENT, responses=CONFLICT
)
async def delete_caption(
    caption_id: uuid.UUID, item: VisibleContent, session: DbSession, principal: CurrentPrincipal
) -> None:
    """Remove a variant (the item's editors)."""
    await service.delete(session, principal=principal, item=item, caption_id=caption_id)


@captions.post("/similarity", response_model=SimilarityRead)
async def check_similarity(
    data: SimilarityRequest,
    item: VisibleContent,
    session: DbSession,
    principal: CurrentPrincipal,
    once: Idempotent,
) -> SimilarityRead | Response:
    """How close a text is to the item's captions and colleagues' posts; record=true keeps it."""

    async def run() -> SimilarityRead:
        return await antiparrot.check(session, principal=principal, item=item, data=data)

    return await once.run(run)


@captions.get("/circulation", response_model=CirculationRead)
async def get_circulation(
    item: VisibleContent, session: DbSession, principal: CurrentPrincipal
) -> CirculationRead:
    """Per network: variants offered, distinct texts posted, verbatim vs personalised (staff)."""
    return await antiparrot.circulation(session, principal=principal, item=item)


@caption_rules.get("/programs/{program_id}", response_model=RulesRead)
async def get_program_rules(
    program_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> RulesRead:
    """A program's caption rules (its staff, org admins, analysts)."""
    return await charter.read_level(
        session, principal=principal, scope=RuleScope.program, scope_id=program_id
    )


@caption_rules.put("/programs/{program_id}", response_model=RulesRead)
async def put_program_rules(
    program_id: uuid.UUID, data: RulesWrite, session: DbSession, principal: CurrentPrincipal
) -> RulesRead:
    """Replace a program's caption rules (org admins, its program managers)."""
    return await charter.replace_level(
        session, principal=principal, scope=RuleScope.program, scope_id=program_id, data=data
    )


@caption_rules.get("/sub-programs/{sub_program_id}", response_model=RulesRead)
async def get_sub_program_rules(
    sub_program_id: uuid.UUID, session: DbSession, principal: CurrentPrincipal
) -> RulesRead:
    """A sub-program's own caption rules and, merged with its program's, those in force."""
    return await charter.read_level(
        session, principal=principal, scope=RuleScope.sub_program, scope_id=sub_program_id
    )


@caption_rules.put("/sub-programs/{sub_program_id}", response_model=RulesRead)
async def put_sub_program_rules(
    sub_program_id: uuid.UUID, data: RulesWrite, session: DbSession, principal: CurrentPrincipal
) -> RulesRead:
    """Replace a sub-program's caption rules (org admins, program managers covering it)."""
    return await charter.replace_level(
        session,
        principal=principal,
        scope=RuleScope.sub_program,
        scope_id=sub_program_id,
        data=data,
    )


@caption_rules.post(
    "/check", response_model=CheckRead, responses={404: {"description": "Unknown content item"}}
)
async def check_caption(
    data: CheckRequest, session: DbSession, principal: CurrentPrincipal
) -> CheckRead:
    """A dry run: every rule the text would break (nothing is stored)."""
    return await checks.dry_run(session, principal=principal, data=data)


router.include_router(captions)
router.include_router(caption_rules)

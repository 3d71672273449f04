"""The dry run of the rules: what a text would break, while someone types or before they post."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import Forbidden, InvalidInput
from content import targeting
from content.access.visibility import (
    STAFF_ROLES,
    member_sub_programs,
    uncovered_targets,
    visible_to,
)
from content.captions import charter, rules
from content.captions import text as caption_text
from content.captions.schemas import DELIVERY, CheckRead, CheckRequest, ProblemRead
from content.errors import ContentNotFound
from content.items import repository as items


async def dry_run(session: AsyncSession, *, principal: Principal, data: CheckRequest) -> CheckRead:
    """Every rule the text breaks: the item's rules, named sub-programs', or the network's."""
    in_force = await _rules(session, principal=principal, data=data)
    problems = rules.check(data.text, network=data.network, rules=in_force)
    max_length, max_hashtags = rules.limits(data.network, in_force)
    return CheckRead(
        ok=not problems,
        problems=[ProblemRead.model_validate(problem.as_error()) for problem in problems],
        length=caption_text.length(data.text, data.network),
        max_length=max_length,
        hashtags=len(caption_text.hashtags(data.text)),
        max_hashtags=max_hashtags,
        delivery=DELIVERY[data.network],
    )


async def _rules(session: AsyncSession, *, principal: Principal, data: CheckRequest) -> rules.Rules:
    if data.content_id is not None and data.sub_program_ids:
        raise InvalidInput("name content_id or sub_program_ids, not both", field="content_id")
    if data.content_id is not None:
        item = await items.get(
            session,
            org_id=principal.org_id,
            content_id=data.content_id,
            visible=visible_to(principal),
        )
        if item is None:
            raise ContentNotFound(f"content item {data.content_id} not found", field="content_id")
        return await charter.for_item(session, item)
    if principal.kind != "user":
        raise Forbidden("API keys check the rules of a content item they see", field="content_id")
    if not data.sub_program_ids:
        return rules.Rules()
    targets = await targeting.resolve(
        session, org_id=principal.org_id, sub_program_ids=data.sub_program_ids
    )
    subs = [target.sub_program_id for target in targets]
    await _require_may_see_rules_of(session, principal=principal, sub_program_ids=subs)
    return await charter.for_sub_programs(session, org_id=principal.org_id, sub_program_ids=subs)


async def _require_may_see_rules_of(
    session: AsyncSession, *, principal: Principal, sub_program_ids: list[uuid.UUID]
) -> None:
    # Staff who cover them read the rules anyway; a member checks their own sub-programs' rules.
    if principal.has_any("org_admin", "analyst"):
        return
    uncovered = await uncovered_targets(
        session, principal, sub_program_ids=sub_program_ids, roles=STAFF_ROLES
    )
    mine = set((await session.execute(member_sub_programs(principal))).scalars())
    strangers = [sub for sub in uncovered if sub not in mine]
    if strangers:
        raise Forbidden(
            f"you are neither staff nor a member of sub-program {strangers[0]}",
            field="sub_program_ids",
        )

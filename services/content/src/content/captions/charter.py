"""Caption rules by charter level: read, replace, and merged into the rules an item must follow.

The versioned charter itself will come from the ambassadors service; these are its caption rules
as content enforces them. A sub-program's rules add to its program's.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from common.auth import Principal
from common.errors import InvalidInput
from content.captions import access, repository, rules
from content.captions.models import CaptionRuleSet, RuleScope
from content.captions.schemas import EffectiveRules, RulesRead, RulesWrite
from content.items import repository as items
from content.models import ContentItem


def rules_of(row: CaptionRuleSet) -> rules.Rules:
    """One stored level as rules."""
    return rules.Rules(
        banned_terms=tuple(row.banned_terms),
        required_hashtags=tuple(row.required_hashtags),
        signatures=((row.signature, row.signature_at_end),) if row.signature else (),
        disclosure_groups=(tuple(row.disclosures),) if row.disclosures else (),
        max_hashtags=row.max_hashtags,
        max_length=row.max_length,
    )


async def for_sub_programs(
    session: AsyncSession, *, org_id: uuid.UUID, sub_program_ids: Sequence[uuid.UUID]
) -> rules.Rules:
    """The rules of these sub-programs and their programs, merged (each must hold)."""
    programs = [
        program
        for sub in dict.fromkeys(sub_program_ids)
        if (program := await repository.program_of(session, org_id=org_id, sub_program_id=sub))
    ]
    rows = await repository.rule_sets(
        session, org_id=org_id, scope_ids=[*sub_program_ids, *programs]
    )
    return rules.merge(rules_of(row) for row in rows)


async def for_item(session: AsyncSession, item: ContentItem) -> rules.Rules:
    """The rules every caption of the item must follow: those of each of its sub-programs."""
    facets = (await items.facets_of(session, content_ids=[item.id]))[item.id]
    subs = [target.sub_program_id for target in facets.targets]
    return await for_sub_programs(session, org_id=item.org_id, sub_program_ids=subs)


async def read_level(
    session: AsyncSession, *, principal: Principal, scope: RuleScope, scope_id: uuid.UUID
) -> RulesRead:
    """One level's rules and those in force there (404 unknown, 403 not staff there)."""
    program_id, subs = await _scope(session, principal=principal, scope=scope, scope_id=scope_id)
    await access.require_may_read_rules(session, principal=principal, sub_program_ids=subs)
    return await _read(
        session, principal=principal, scope=scope, scope_id=scope_id, program_id=program_id
    )


async def replace_level(
    session: AsyncSession,
    *,
    principal: Principal,
    scope: RuleScope,
    scope_id: uuid.UUID,
    data: RulesWrite,
) -> RulesRead:
    """Replace one level's rules (existing captions are not changed: their problems show)."""
    program_id, subs = await _scope(session, principal=principal, scope=scope, scope_id=scope_id)
    await access.require_may_write_rules(session, principal=principal, sub_program_ids=subs)
    _check_consistent(data)
    now = datetime.now(UTC)
    await repository.put_rule_set(
        session,
        CaptionRuleSet(
            org_id=principal.org_id,
            scope_type=scope,
            scope_id=scope_id,
            **data.model_dump(),
            updated_by=principal.user_id,
            created_at=now,
            updated_at=now,
        ),
    )
    return await _read(
        session, principal=principal, scope=scope, scope_id=scope_id, program_id=program_id
    )


async def _scope(
    session: AsyncSession, *, principal: Principal, scope: RuleScope, scope_id: uuid.UUID
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    if scope == RuleScope.program:
        subs = await access.known_program(session, principal=principal, program_id=scope_id)
        return scope_id, subs
    program = await access.known_sub_program(session, principal=principal, sub_program_id=scope_id)
    return program, [scope_id]


async def _read(
    session: AsyncSession,
    *,
    principal: Principal,
    scope: RuleScope,
    scope_id: uuid.UUID,
    program_id: uuid.UUID,
) -> RulesRead:
    ids = [scope_id] if scope == RuleScope.program else [scope_id, program_id]
    rows = await repository.rule_sets(session, org_id=principal.org_id, scope_ids=ids)
    own = next((row for row in rows if row.scope_id == scope_id), None)
    stored = own or CaptionRuleSet(
        org_id=principal.org_id,
        scope_type=scope,
        scope_id=scope_id,
        version=0,
        updated_by=uuid.UUID(int=0),
        created_at=datetime.now(UTC),
        updated_at=datetime.now(UTC),
    )
    return RulesRead(
        **{name: getattr(stored, name) for name in RulesWrite.model_fields},
        scope_type=scope,
        scope_id=scope_id,
        program_id=program_id,
        version=stored.version,
        updated_by=own.updated_by if own else None,
        updated_at=own.updated_at if own else None,
        effective=effective(rules.merge(rules_of(row) for row in rows)),
    )


def effective(merged: rules.Rules) -> EffectiveRules:
    """The API view of merged rules."""
    return EffectiveRules(
        banned_terms=list(merged.banned_terms),
        required_hashtags=list(merged.required_hashtags),
        signatures=[{"signature": s, "at_end": at_end} for s, at_end in merged.signatures],
        disclosure_groups=[list(group) for group in merged.disclosure_groups],
        max_hashtags=merged.max_hashtags,
        max_length=merged.max_length,
    )


def _check_consistent(data: RulesWrite) -> None:
    # Rules no caption could follow are refused, each one named.
    problems = []
    if data.max_hashtags is not None and len(data.required_hashtags) > data.max_hashtags:
        problems.append(
            (
                "max_hashtags",
                f"{len(data.required_hashtags)} hashtags are required, "
                f"more than max_hashtags ({data.max_hashtags})",
            )
        )
    fixed = len(data.signature or "")
    if data.max_length is not None and fixed > data.max_length:
        problems.append(("max_length", "the signature alone is longer than max_length"))
    if problems:
        raise InvalidInput(
            problems[0][1],
            field=problems[0][0],
            errors=[{"field": f, "message": m} for f, m in problems],
        )

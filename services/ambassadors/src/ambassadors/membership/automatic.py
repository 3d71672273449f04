"""Invitations made by rules, never memberships: eligibility rules (on a rule change, on every
HR change, and by the worker for large matches) and onboarding (an HR hire is offered the
programs that say so). Each is one bounded, set-based pair of statements per scope: a SELECT of
the people who match and were never proposed the scope, then one INSERT ... ON CONFLICT.
"""

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, false, func, or_, true
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.membership import events
from ambassadors.membership import repository as members
from ambassadors.membership.models import EligibilityPolicy, Invitation, OnboardingOffer
from ambassadors.people.models import Employee
from ambassadors.staff.access import Scope

# Most invitations one statement makes; a rule change matching more leaves the rest to the
# worker's eligibility loop (the policy stays `pending`).
BATCH = 1000
Reason = str  # "eligibility" | "onboarding"


def scope_of(policy: EligibilityPolicy) -> Scope:
    sub = policy.sub_program_id
    return Scope(
        type="program" if sub is None else "sub_program",
        id=policy.scope_id,
        program_id=policy.program_id,
        org_id=policy.org_id,
    )


def _text_is(column: Any, value: str) -> ColumnElement[bool]:
    return func.lower(column) == value.lower()


def holds_network(network: str) -> ColumnElement[bool]:
    # active_networks is a JSON list of network names from a closed set (linkedin, x, ...):
    # the quoted name occurs in its text exactly when the list holds it, on both engines.
    return cast(Employee.active_networks, String).like(f'%"{network}"%')


def _rule(rule: dict[str, Any]) -> ColumnElement[bool]:
    conditions: list[ColumnElement[bool]] = []
    for field in ("department", "location", "job_title"):
        if rule.get(field) is not None:
            conditions.append(_text_is(getattr(Employee, field), rule[field]))
    if rule.get("is_executive") is not None:
        conditions.append(col(Employee.is_executive) == bool(rule["is_executive"]))
    if rule.get("active_network") is not None:
        conditions.append(holds_network(rule["active_network"]))
    return and_(true(), *conditions)


def matches(rules: Sequence[dict[str, Any]]) -> ColumnElement[bool]:
    """Employees matching any rule (each rule: all of its conditions)."""
    return or_(false(), *(_rule(rule) for rule in rules))


def never_proposed(scope: Scope) -> ColumnElement[bool]:
    """Not a member of the scope, never invited to it, and never opted out of its program: an
    opt-out or a decline is the person's answer, and rules do not ask again."""
    return ~or_(
        members.is_member_of(scope, Employee),
        members.was_invited_to(scope.id, Employee),
        members.left_program(scope.program_id, Employee),
    )


async def invite_matching(
    session: AsyncSession,
    *,
    scope: Scope,
    condition: ColumnElement[bool],
    reason: Reason,
    employee_ids: Sequence[uuid.UUID] | None = None,
    limit: int = BATCH,
    invited_by: uuid.UUID | None = None,
) -> list[Invitation]:
    """Invite the scope's active employees matching `condition` (among `employee_ids`, if given)
    who were never proposed it: at most `limit`, oldest records first."""
    query = select(Employee.id, Employee.department).where(
        Employee.org_id == scope.org_id,
        Employee.employment_status == "active",
        condition,
        never_proposed(scope),
    )
    if employee_ids is not None:
        query = query.where(col(Employee.id).in_(list(employee_ids)))
    query = query.order_by(col(Employee.created_at), col(Employee.id)).limit(limit)
    found = {row.id: row.department for row in (await session.execute(query)).all()}
    now = datetime.now(UTC)
    created = await members.add_invitations(
        session,
        [
            Invitation(
                org_id=scope.org_id,
                employee_id=employee_id,
                program_id=scope.program_id,
                sub_program_id=scope.id if scope.type == "sub_program" else None,
                scope_id=scope.id,
                reason=reason,
                status="open",
                invited_by=invited_by,
                created_at=now,
            )
            for employee_id in found
        ],
    )
    for invitation in created:
        events.ambassador_invited(session, invitation, department=found[invitation.employee_id])
    return created


async def apply_policy(
    session: AsyncSession, *, policy: EligibilityPolicy, limit: int = BATCH
) -> int:
    """Invite whoever the policy's rules match (up to `limit`); marks the policy pending while
    more may remain. Returns how many were invited."""
    created = await invite_matching(
        session,
        scope=scope_of(policy),
        condition=matches(policy.rules),
        reason="eligibility",
        limit=limit,
        invited_by=None,
    )
    policy.pending = bool(policy.rules) and len(created) >= limit
    return len(created)


async def employees_changed(
    session: AsyncSession, *, org_id: uuid.UUID, changed: Sequence[Employee]
) -> int:
    """After an HR sync: offer onboarding to new hires, then apply every rule of the
    organisation to the records that really changed. Returns how many were invited."""
    active = [e.id for e in changed if e.employment_status == "active"]
    if not active:
        return 0
    # A hire is a record created active (HR's PUT, event, CSV or SCIM: all go through sync).
    hired = {e.id for e in changed if e.employment_status == "active" and e.version == 1}
    invited = 0
    for start in range(0, len(active), BATCH):
        chunk = active[start : start + BATCH]
        hires = [employee_id for employee_id in chunk if employee_id in hired]
        invited += await _offer_onboarding(session, org_id=org_id, hires=hires)
        invited += await _apply_rules(session, org_id=org_id, employee_ids=chunk)
    return invited


async def _offer_onboarding(
    session: AsyncSession, *, org_id: uuid.UUID, hires: Sequence[uuid.UUID]
) -> int:
    if not hires:
        return 0
    query = select(OnboardingOffer.program_id).where(
        OnboardingOffer.org_id == org_id, col(OnboardingOffer.offer_to_new_hires).is_(True)
    )
    invited = 0
    for program_id in (await session.execute(query)).scalars().all():
        scope = Scope(type="program", id=program_id, program_id=program_id, org_id=org_id)
        created = await invite_matching(
            session, scope=scope, condition=true(), reason="onboarding", employee_ids=hires
        )
        invited += len(created)
    return invited


async def _apply_rules(
    session: AsyncSession, *, org_id: uuid.UUID, employee_ids: Sequence[uuid.UUID]
) -> int:
    query = select(EligibilityPolicy).where(EligibilityPolicy.org_id == org_id)
    invited = 0
    for policy in (await session.execute(query)).scalars().all():
        if not policy.rules:
            continue
        created = await invite_matching(
            session,
            scope=scope_of(policy),
            condition=matches(policy.rules),
            reason="eligibility",
            employee_ids=employee_ids,
        )
        invited += len(created)
    return invited

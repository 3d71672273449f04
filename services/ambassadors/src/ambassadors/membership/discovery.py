"""Discovery: active employees already active on a network — declared by HR
(Employee.active_networks) or by themselves (the network of a profile they declared) — who
are not members of the program and were never proposed it. A suggestion to staff, who may
then invite them (reason `discovery`); nobody is told or enrolled by it."""

import uuid
from collections.abc import Collection

from sqlalchemy import ColumnElement, String, cast, exists, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from ambassadors.membership import automatic
from ambassadors.membership import repository as members
from ambassadors.models import Ambassador, SocialProfile
from ambassadors.people.models import Employee
from ambassadors.staff.access import Scope
from common.pagination import PageParams, newest_first


def _self_declared(network: str | None) -> ColumnElement[bool]:
    query = exists().where(
        col(SocialProfile.ambassador_id) == Ambassador.id, members.person_of(Employee)
    )
    if network is not None:
        query = query.where(col(SocialProfile.network) == network)
    return query


def _hr_declared(network: str | None) -> ColumnElement[bool]:
    if network is not None:
        return automatic.holds_network(network)
    # A JSON list of names holds at least one exactly when its text holds a quote.
    return cast(Employee.active_networks, String).like('%"%')


async def suggestions(
    session: AsyncSession, *, scope: Scope, page: PageParams, network: str | None
) -> list[Employee]:
    """People to invite to the program, newest HR records first."""
    query = select(Employee).where(
        Employee.org_id == scope.org_id,
        Employee.employment_status == "active",
        or_(_hr_declared(network), _self_declared(network)),
        automatic.never_proposed(scope),
    )
    rows = await session.execute(newest_first(query, model=Employee, page=page))
    return list(rows.scalars().all())


async def self_declared(
    session: AsyncSession, *, org_id: uuid.UUID, user_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """The networks of the profiles each signed-in person declared, by user id."""
    query = (
        select(col(Ambassador.user_id), col(SocialProfile.network))
        .join(Ambassador, col(Ambassador.id) == col(SocialProfile.ambassador_id))
        .where(col(Ambassador.org_id) == org_id, col(Ambassador.user_id).in_(list(user_ids)))
    )
    held: dict[uuid.UUID, set[str]] = {}
    for user_id, network in (await session.execute(query)).all():
        held.setdefault(user_id, set()).add(network)
    return {user_id: sorted(networks) for user_id, networks in held.items()}

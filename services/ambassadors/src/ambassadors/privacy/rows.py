"""The two queries a room's personal-data entry needs for a table whose rows name a person by
user id and/or ambassador id: that person's rows (the export) and their deletion (erasure)."""

from typing import Any, Protocol

from sqlalchemy import ColumnElement, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from ambassadors.privacy.personal_data import PersonRef


class PersonRow(Protocol):
    """A table naming a person by either id (charter acceptances, training completions...)."""

    org_id: Any
    user_id: Any
    ambassador_id: Any


def _about(model: type[PersonRow], person: PersonRef) -> ColumnElement[bool] | None:
    # Either id they are known by: an erasure may know only one of them.
    who = [
        column == value
        for column, value in (
            (model.user_id, person.user_id),
            (model.ambassador_id, person.ambassador_id),
        )
        if value is not None
    ]
    return (model.org_id == person.org_id) & or_(*who) if who else None


async def rows_about(
    session: AsyncSession, model: type[PersonRow], person: PersonRef, *, order_by: Any, limit: int
) -> list[Any]:
    """The person's rows of `model` in `order_by` order, at most `limit`."""
    condition = _about(model, person)
    if condition is None:
        return []
    query = select(model).where(condition).order_by(order_by).limit(limit)
    return list((await session.execute(query)).scalars().all())


async def delete_rows_about(
    session: AsyncSession, model: type[PersonRow], person: PersonRef
) -> None:
    """Forget the person's rows of `model`."""
    condition = _about(model, person)
    if condition is not None:
        await session.execute(delete(model).where(condition))

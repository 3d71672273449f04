"""The room's state changes: one conditional UPDATE each, so the database decides every race."""

import uuid
from collections.abc import Iterable
from typing import Any, TypeVar

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel, col

from common.errors import Conflict

Row = TypeVar("Row", bound=SQLModel)


class WrongStatus(Conflict):
    code = "wrong_status"


async def transition(
    session: AsyncSession,
    model: type[Row],
    *,
    org_id: uuid.UUID,
    row_id: uuid.UUID,
    from_statuses: Iterable[str],
    to_status: str,
    **values: Any,
) -> Row | None:
    """from_statuses -> to_status with these values; None if the row is in none of them now.

    PostgreSQL re-checks the WHERE for the second of two concurrent updates once the first
    commits, so exactly one of them gets the row back.
    """
    table: Any = model
    statement = (
        update(model)
        .where(
            col(table.id) == row_id,
            col(table.org_id) == org_id,
            col(table.status).in_(list(from_statuses)),
        )
        .values(status=to_status, **values)
        .returning(model)
        .execution_options(synchronize_session=False, populate_existing=True)
    )
    moved: Row | None = (await session.execute(statement)).scalar_one_or_none()
    return moved


def wrong_status(what: str, *, status_now: str, action: str, allowed: Iterable[str]) -> WrongStatus:
    """The 409 for a transition from a status that does not allow it (or a lost race)."""
    names = ", ".join(allowed)
    return WrongStatus(
        f"{what} is {status_now}; it can become {action} only from: {names}",
        field="status",
        status_now=status_now,
    )

"""Events staged one by one and many at once (common.outbox.add_event / add_events), for the
bulk-staging tests on each engine: PostgreSQL with the relay, and make run's SQLite."""

import uuid
from datetime import UTC, datetime

from sqlmodel import col, select

from common.db import Database
from common.events.contracts.content import ContentPublishedV1
from common.outbox import OutboxMessage, Staged, add_event, add_events

ORG = uuid.uuid4()


def published(title: str) -> ContentPublishedV1:
    """A content event with the given title."""
    return ContentPublishedV1(
        content_id=uuid.uuid4(),
        org_id=ORG,
        sub_program_id=uuid.uuid4(),
        kind="article",
        title=title,
        published_at=datetime.now(UTC),
    )


async def stage(db: Database) -> None:
    """One event by add_event (key k0), then three at once (k1-k3): the first must stay first."""
    async with db.transaction() as session:
        add_event(session, published("single"), source="/test", subject="s/0", key="k0")
        await add_events(
            session,
            [
                Staged(
                    published(f"bulk {i}"),
                    subject=f"s/{i}",
                    key=f"k{i}",
                    extensions={"orgid": str(ORG)},
                )
                for i in (1, 2, 3)
            ],
            source="/test",
        )


async def stored(db: Database) -> list[OutboxMessage]:
    """The outbox rows in the order they were written."""
    async with db.transaction() as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        return list((await session.execute(query)).scalars().all())

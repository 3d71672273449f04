"""The access read model, as the consumer applies it: idempotent, and ordered by change time.

Batches go through the consumer's real batch applier (inbox claim, handlers, one transaction)
on real PostgreSQL; only the Kafka poll is left out, so a batch's content is decided here.
Each event gets a time of its own, later than the one made before it, unless a test says `at`.
"""

import itertools
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from aiokafka import ConsumerRecord
from sqlalchemy import select
from sqlmodel import col

from common.consuming.applier import BatchApplier
from common.consuming.handlers import Delivery
from common.db import Database
from common.events import registry
from common.events.contracts.ambassadors import MembershipChangedV1, StaffRoleChangedV1
from common.events.envelope import Envelope, EventPayload
from common.heartbeat import Heartbeats
from content.access.handlers import handlers
from content.access.models import AccessMembership, AccessStaffGrant
from content.config import Settings

ORG, SUB = uuid.uuid4(), uuid.uuid4()
_ticks = itertools.count()
START = datetime.now(UTC)


def tick() -> datetime:
    """A time later than every one handed out before (datetime.now() can repeat itself)."""
    return START + timedelta(seconds=next(_ticks))


class Consumer:
    """The content consumer's applier, with its dead letters kept for inspection."""

    def __init__(self, db: Database, settings: Settings, *, name: str = "content") -> None:
        self.dead: list[tuple[Delivery, BaseException]] = []
        self.applier = BatchApplier(
            name=name,
            handlers=handlers,
            db=db,
            settings=settings,
            dead_letter=self._dead_letter,
            heartbeats=Heartbeats(),
        )

    async def _dead_letter(self, delivery: Delivery, error: BaseException) -> None:
        self.dead.append((delivery, error))

    async def apply(self, *events: Envelope) -> None:
        await self.applier.apply([_delivery(e, offset=i) for i, e in enumerate(events)])
        assert self.dead == []


def _delivery(event: Envelope, *, offset: int) -> Delivery:
    headers = event.headers()
    record = ConsumerRecord(
        topic="ambassadors.events",
        partition=0,
        offset=offset,
        timestamp=0,
        timestamp_type=0,
        key=event.key.encode(),
        value=event.data,
        checksum=None,
        serialized_key_size=len(event.key),
        serialized_value_size=len(event.data),
        headers=headers,
    )
    return Delivery(record=record, envelope=event, payload=registry.decode(event))


def wrap(payload: EventPayload, key: uuid.UUID) -> Envelope:
    return Envelope.wrap(payload, source="/services/ambassadors", subject="s", key=str(key))


def membership(user_id: uuid.UUID, change: str, *, at: datetime | None = None) -> Envelope:
    payload = MembershipChangedV1.model_validate(
        {
            "org_id": ORG,
            "sub_program_id": SUB,
            "user_id": user_id,
            "ambassador_id": uuid.uuid4(),
            "change": change,
            "changed_at": at or tick(),
        }
    )
    return wrap(payload, SUB)


def grant(
    user_id: uuid.UUID, change: str, *, role: str = "reviewer", at: datetime | None = None
) -> Envelope:
    payload = StaffRoleChangedV1.model_validate(
        {
            "org_id": ORG,
            "user_id": user_id,
            "role": role,
            "scope_type": "sub_program",
            "scope_id": SUB,
            "change": change,
            "changed_at": at or tick(),
        }
    )
    return wrap(payload, SUB)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url)
    yield database
    await database.dispose()


@pytest.fixture
def consumer(db: Database, settings: Settings) -> Consumer:
    return Consumer(db, settings)


async def members(db: Database) -> list[uuid.UUID]:
    async with db.transaction() as session:
        query = select(col(AccessMembership.user_id)).where(
            col(AccessMembership.sub_program_id) == SUB, col(AccessMembership.is_member)
        )
        return list((await session.execute(query)).scalars())


async def grants(db: Database) -> list[tuple[Any, ...]]:
    async with db.transaction() as session:
        query = select(col(AccessStaffGrant.user_id), col(AccessStaffGrant.role)).where(
            col(AccessStaffGrant.scope_id) == SUB, col(AccessStaffGrant.is_granted)
        )
        return [tuple(row) for row in await session.execute(query)]


async def test_same_event_twice_is_projected_once(
    consumer: Consumer, db: Database, settings: Settings
) -> None:
    user = uuid.uuid4()
    joined = membership(user, "joined")

    await consumer.apply(joined, joined)  # twice in one batch (a producer retry)
    await consumer.apply(joined)  # redelivered later: the inbox knows it
    # Even once the inbox has forgotten it (another inbox name), the write is a no-op.
    await Consumer(db, settings, name="content-forgetful").apply(joined)
    # The same change told again by another event: still one membership.
    await consumer.apply(membership(user, "joined"))

    assert await members(db) == [user]


async def test_joined_then_left_is_not_a_member(consumer: Consumer, db: Database) -> None:
    in_one_batch, in_two_batches = uuid.uuid4(), uuid.uuid4()

    await consumer.apply(membership(in_one_batch, "joined"), membership(in_one_batch, "left"))
    await consumer.apply(membership(in_two_batches, "joined"))
    await consumer.apply(membership(in_two_batches, "left"))

    assert await members(db) == []


async def test_the_last_change_of_a_batch_wins(consumer: Consumer, db: Database) -> None:
    back, gone = uuid.uuid4(), uuid.uuid4()
    await consumer.apply(membership(gone, "joined"))

    await consumer.apply(
        membership(back, "joined"),
        membership(gone, "left"),
        membership(back, "left"),
        membership(gone, "joined"),
        membership(gone, "left"),
        membership(back, "joined"),
    )

    assert await members(db) == [back]


async def test_grants_follow_granted_and_revoked_in_order(consumer: Consumer, db: Database) -> None:
    kept, revoked, regranted = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    await consumer.apply(grant(kept, "granted"), grant(revoked, "granted"))
    await consumer.apply(grant(kept, "granted"))  # again: still one grant
    await consumer.apply(
        grant(revoked, "revoked"),
        grant(regranted, "granted"),
        grant(regranted, "revoked"),
        grant(regranted, "granted"),
    )
    await consumer.apply(grant(kept, "revoked", role="program_manager"))  # not a grant they hold

    assert sorted(await grants(db)) == sorted([(kept, "reviewer"), (regranted, "reviewer")])


async def test_an_older_joined_told_after_left_changes_nothing(
    consumer: Consumer, db: Database
) -> None:
    # "joined" was dead-lettered, the person left meanwhile, then the operator replays it.
    replayed, redelivered = uuid.uuid4(), uuid.uuid4()
    joined_first, joined_second = membership(replayed, "joined"), membership(redelivered, "joined")
    await consumer.apply(membership(replayed, "left"))
    await consumer.apply(joined_first)
    # In one batch, the older one last: its place in the batch does not make it win either.
    await consumer.apply(membership(redelivered, "left"), joined_second)

    assert await members(db) == []


async def test_an_older_granted_told_after_revoked_changes_nothing(
    consumer: Consumer, db: Database
) -> None:
    replayed, in_one_batch = uuid.uuid4(), uuid.uuid4()
    granted_first, granted_second = grant(replayed, "granted"), grant(in_one_batch, "granted")
    await consumer.apply(grant(replayed, "revoked"))
    await consumer.apply(granted_first)
    await consumer.apply(grant(in_one_batch, "revoked"), granted_second)

    assert await grants(db) == []


async def test_a_newer_change_still_wins_over_a_tombstone(consumer: Consumer, db: Database) -> None:
    person = uuid.uuid4()
    await consumer.apply(membership(person, "joined"), grant(person, "granted"))
    await consumer.apply(membership(person, "left"), grant(person, "revoked"))

    await consumer.apply(membership(person, "joined"), grant(person, "granted"))

    assert (await members(db), await grants(db)) == ([person], [(person, "reviewer")])


async def test_equal_times_end_the_membership_or_grant_in_any_order(
    consumer: Consumer, db: Database
) -> None:
    # We cannot tell which came last: deny, whatever the arrival order or batching.
    at = tick()
    users = [uuid.uuid4() for _ in range(4)]
    a, b, c, d = users
    await consumer.apply(membership(a, "joined", at=at), membership(a, "left", at=at))
    await consumer.apply(membership(b, "left", at=at), membership(b, "joined", at=at))
    await consumer.apply(membership(c, "joined", at=at))
    await consumer.apply(membership(c, "left", at=at))
    await consumer.apply(membership(d, "left", at=at))
    await consumer.apply(membership(d, "joined", at=at))
    for user in users:
        await consumer.apply(grant(user, "granted", at=at))
    for user in users:
        await consumer.apply(grant(user, "revoked", at=at), grant(user, "granted", at=at))

    assert (await members(db), await grants(db)) == ([], [])


async def test_the_same_state_told_again_with_its_own_time_changes_nothing(
    consumer: Consumer, db: Database
) -> None:
    # What `ambassadors.republish` sends: current state, stamped with the row's own time.
    person = uuid.uuid4()
    at = tick()
    await consumer.apply(membership(person, "joined", at=at), grant(person, "granted", at=at))

    await consumer.apply(membership(person, "joined", at=at), grant(person, "granted", at=at))

    assert (await members(db), await grants(db)) == ([person], [(person, "reviewer")])

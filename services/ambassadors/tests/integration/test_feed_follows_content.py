"""Feeds follow content after publication: revisions, expiries, replays (real PostgreSQL, Kafka).

Records of one item share its key, so they land on one partition and are handled in order; a
final marker (an item published on the same key to a sub-program we watch) tells when everything
before it was handled, so "nothing changed" is asserted after the fact, not after a sleep.
"""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlmodel import col, select

from advocacy_testing.apps import Tenant, new_sub_program, serving
from advocacy_testing.kafka import publish
from advocacy_testing.polling import eventually
from ambassadors import worker
from ambassadors.config import Settings
from ambassadors.main import build_app
from ambassadors.models import FeedItem, FeedWithdrawal
from common.db import Database
from common.events.contracts import content
from common.events.envelope import Envelope

PUBLISHED_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        yield client


def wrap(payload: content.ItemTargeting, key: uuid.UUID) -> Envelope:
    return Envelope.wrap(payload, source="/test", subject=f"content/{key}", key=str(key))


def published(
    tenant: Tenant, sub_id: str, item: uuid.UUID, *, revision: int = 1, title: str = "First"
) -> content.ContentPublishedV1:
    return content.ContentPublishedV1(
        content_id=item,
        org_id=tenant.org_id,
        sub_program_id=uuid.UUID(sub_id),
        sub_program_ids=[uuid.UUID(sub_id)],
        kind="article",
        title=title,
        url=f"https://example.com/{title}",
        published_at=PUBLISHED_AT,
        revision=revision,
    )


def revised(
    tenant: Tenant, sub_id: str, item: uuid.UUID, *, revision: int, title: str
) -> content.ContentRevisedV1:
    return content.ContentRevisedV1(
        content_id=item,
        org_id=tenant.org_id,
        sub_program_id=uuid.UUID(sub_id),
        revision=revision,
        title=title,
        url=f"https://example.com/{title}",
        revised_by=uuid.uuid4(),
        revised_at=PUBLISHED_AT + timedelta(minutes=revision),
    )


def expired(tenant: Tenant, sub_id: str, item: uuid.UUID) -> content.ContentExpiredV1:
    return content.ContentExpiredV1(
        content_id=item,
        org_id=tenant.org_id,
        sub_program_id=uuid.UUID(sub_id),
        expired_at=PUBLISHED_AT + timedelta(days=1),
        reason="archived",
    )


async def send(settings: Settings, item: uuid.UUID, *payloads: content.ItemTargeting) -> None:
    """Publish on the item's key, in order (one partition)."""
    records: list[Envelope | bytes] = [wrap(p, item) for p in payloads]
    await publish(settings.kafka_bootstrap_servers, settings.topic(content.TOPIC), records)


async def member(client: httpx.AsyncClient, tenant: Tenant, sub_id: str) -> dict[str, str]:
    """A new LinkedIn member of the sub-program; their headers."""
    headers = tenant.headers(user_id=uuid.uuid4())
    joined = await client.post(
        f"/v1/sub-programs/{sub_id}/members",
        json={"network": "linkedin", "audience_size": 100},
        headers=headers,
    )
    assert joined.status_code == 201, joined.text
    return headers


async def feed(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, str]:
    """content_id -> title of the member's feed."""
    response = await client.get("/v1/me/feed", headers=headers)
    assert response.status_code == 200
    return {i["content_id"]: i["title"] for i in response.json()["items"]}


async def until_shown(
    client: httpx.AsyncClient, headers: dict[str, str], item: uuid.UUID
) -> dict[str, str]:
    """The feed once it shows the item (the marker of what came before it on its key)."""
    return await eventually(lambda: feed(client, headers), lambda titles: str(item) in titles)


async def stored_revisions(db: Database, item: uuid.UUID) -> list[int]:
    async with db.sessions() as session:
        rows = await session.execute(
            select(FeedItem.revision).where(col(FeedItem.content_id) == item)
        )
        return sorted(rows.scalars())


async def test_revised_replaces_title_and_url_in_the_feed(
    client: httpx.AsyncClient, settings: Settings, db: Database
) -> None:
    tenant = Tenant()
    sub_id = await new_sub_program(client, tenant)
    me = await member(client, tenant, sub_id)
    item = uuid.uuid4()

    await send(settings, item, published(tenant, sub_id, item))
    await until_shown(client, me, item)
    await send(settings, item, revised(tenant, sub_id, item, revision=2, title="Second"))

    titles = await eventually(lambda: feed(client, me), lambda t: t.get(str(item)) == "Second")
    assert list(titles) == [str(item)]
    items = (await client.get("/v1/me/feed", headers=me)).json()["items"]
    assert items[0]["url"] == "https://example.com/Second"
    assert await stored_revisions(db, item) == [2]


async def test_older_revision_replayed_changes_nothing(
    client: httpx.AsyncClient, settings: Settings, db: Database
) -> None:
    tenant = Tenant()
    sub_id = await new_sub_program(client, tenant)
    me = await member(client, tenant, sub_id)
    item, marker = uuid.uuid4(), uuid.uuid4()

    await send(
        settings,
        item,
        published(tenant, sub_id, item),
        revised(tenant, sub_id, item, revision=3, title="Third"),
    )
    await eventually(lambda: feed(client, me), lambda t: t.get(str(item)) == "Third")
    # Redelivered or replayed late, in later batches: an older revision, the first publication.
    await send(
        settings,
        item,
        revised(tenant, sub_id, item, revision=2, title="Second"),
        published(tenant, sub_id, item, revision=1, title="First"),
        published(tenant, sub_id, marker),
    )

    titles = await until_shown(client, me, marker)
    assert titles[str(item)] == "Third"
    assert await stored_revisions(db, item) == [3]


async def test_newer_publication_refreshes_a_row_from_an_older_one(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    sub_id = await new_sub_program(client, tenant)
    me = await member(client, tenant, sub_id)
    item = uuid.uuid4()

    await send(settings, item, published(tenant, sub_id, item))
    await until_shown(client, me, item)
    await send(settings, item, published(tenant, sub_id, item, revision=4, title="Fourth"))

    await eventually(lambda: feed(client, me), lambda t: t.get(str(item)) == "Fourth")


async def test_expired_removes_the_item_from_that_sub_programs_feeds_only(
    client: httpx.AsyncClient, settings: Settings, db: Database
) -> None:
    tenant = Tenant()
    target, sibling = await new_sub_program(client, tenant), await new_sub_program(client, tenant)
    target_member = await member(client, tenant, target)
    sibling_member = await member(client, tenant, sibling)
    item, marker = uuid.uuid4(), uuid.uuid4()

    await send(settings, item, published(tenant, target, item), published(tenant, sibling, item))
    await until_shown(client, sibling_member, item)
    await send(settings, item, expired(tenant, target, item), published(tenant, target, marker))

    assert str(item) not in await until_shown(client, target_member, marker)
    assert str(item) in await feed(client, sibling_member)
    async with db.sessions() as session:
        tombstones = (await session.execute(select(FeedWithdrawal))).scalars().all()
    assert [(t.content_id, str(t.sub_program_id), t.reason) for t in tombstones] == [
        (item, target, "archived")
    ]


async def test_published_after_expired_does_not_resurrect_the_item(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    tenant = Tenant()
    sub_id = await new_sub_program(client, tenant)
    early = await member(client, tenant, sub_id)
    item, marker = uuid.uuid4(), uuid.uuid4()
    await send(settings, item, published(tenant, sub_id, item))
    await until_shown(client, early, item)
    await send(settings, item, expired(tenant, sub_id, item))
    await eventually(lambda: feed(client, early), lambda titles: str(item) not in titles)
    # Someone who joined since has no row at all: only the tombstone can keep the item out.
    late = await member(client, tenant, sub_id)

    await send(settings, item, published(tenant, sub_id, item), published(tenant, sub_id, marker))

    assert str(item) not in await until_shown(client, late, marker)
    assert str(item) not in await feed(client, early)


async def test_another_organisations_events_touch_nothing(
    client: httpx.AsyncClient, settings: Settings, db: Database
) -> None:
    tenant, other = Tenant(), Tenant()
    sub_id = await new_sub_program(client, tenant)
    me = await member(client, tenant, sub_id)
    item, marker = uuid.uuid4(), uuid.uuid4()
    await send(settings, item, published(tenant, sub_id, item))
    await until_shown(client, me, item)

    # Same item id and sub-program id, another organisation: it must not reach our rows.
    await send(
        settings,
        item,
        revised(other, sub_id, item, revision=9, title="Hijacked"),
        expired(other, sub_id, item),
        published(tenant, sub_id, marker),
    )

    titles = await until_shown(client, me, marker)
    assert titles[str(item)] == "First"
    assert await stored_revisions(db, item) == [1]
    # Their tombstone does not keep our own later publication out either.
    again = published(tenant, sub_id, item, revision=2, title="Again")
    await send(settings, item, again)
    await eventually(lambda: feed(client, me), lambda t: t.get(str(item)) == "Again")

"""Tracked links: previews and scripts are redirected but only people's clicks are counted."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from advocacy_testing.apps import Tenant, new_sub_program, serving
from ambassadors.config import Settings
from ambassadors.main import build_app
from ambassadors.models import FeedItem
from common.db import Database
from common.outbox import OutboxMessage

LINK_CLICKED = "ambassadors.link.clicked.v1"
TARGET = "https://example.com/a"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
LINKEDIN_APP = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Mobile/15E148 [LinkedInApp]/9.29.3160"
)


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = Database(settings.database_url)
    yield database
    await database.dispose()


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    # The web process alone: no relay runs, so every staged click stays countable in the outbox.
    async with serving(build_app(settings)) as client:
        yield client


async def shared_link(client: httpx.AsyncClient, db: Database) -> tuple[str, str]:
    """A member shares an item of their feed (written directly); the share id and its link path."""
    tenant = Tenant()
    sub_id = await new_sub_program(client, tenant)
    me = tenant.headers(user_id=uuid.uuid4())
    membership = {"network": "linkedin", "audience_size": 10}
    joined = await client.post(f"/v1/sub-programs/{sub_id}/members", json=membership, headers=me)
    content_id = uuid.uuid4()
    async with db.transaction() as session:
        session.add(
            FeedItem(
                org_id=tenant.org_id,
                ambassador_id=uuid.UUID(joined.json()["ambassador_id"]),
                content_id=content_id,
                sub_program_id=uuid.UUID(sub_id),
                kind="article",
                title="A story",
                url=TARGET,
                created_at=datetime.now(UTC),
            )
        )
    body = {"content_id": str(content_id), "network": "linkedin"}
    share = (await client.post("/v1/me/shares", json=body, headers=me)).json()
    return share["id"], "/l/" + share["tracked_url"].rsplit("/", 1)[1]


async def clicks(db: Database, share_id: str) -> int:
    async with db.transaction() as session:
        query = (
            select(func.count())
            .select_from(OutboxMessage)
            .where(
                col(OutboxMessage.event_type) == LINK_CLICKED, col(OutboxMessage.key) == share_id
            )
        )
        return int((await session.execute(query)).scalar_one())


async def test_previews_are_redirected_and_only_the_person_after_them_counts(
    client: httpx.AsyncClient, db: Database
) -> None:
    share_id, link = await shared_link(client, db)

    previews = [
        await client.get(link, headers={"User-Agent": "LinkedInBot/1.0 (compatible; Mozilla/5.0)"}),
        await client.get(link, headers={"User-Agent": "Slackbot-LinkExpanding 1.0"}),
        await client.get(link, headers={"User-Agent": ""}),
        await client.get(link),  # httpx's own User-Agent: a script
        await client.head(link, headers={"User-Agent": CHROME}),  # a probe, even from a browser
    ]
    after_previews = await clicks(db, share_id)
    person = await client.get(link, headers={"User-Agent": LINKEDIN_APP})

    assert [(r.status_code, r.headers["location"]) for r in [*previews, person]] == [
        (302, TARGET)
    ] * 6
    assert after_previews == 0
    assert await clicks(db, share_id) == 1


async def test_every_visit_of_a_person_counts(client: httpx.AsyncClient, db: Database) -> None:
    share_id, link = await shared_link(client, db)

    for agent in (CHROME, LINKEDIN_APP, CHROME):
        assert (await client.get(link, headers={"User-Agent": agent})).status_code == 302

    assert await clicks(db, share_id) == 3

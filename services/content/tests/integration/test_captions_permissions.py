"""The permission table's rows of captions, caption rules, checks and anti-parrot, every cell
called against the content service in-process (the e2e suite calls them again via the gateway)."""

from collections.abc import AsyncIterator

import httpx
import pytest

from advocacy_testing.apps import serving
from advocacy_testing.content_access import org_a
from advocacy_testing.permission_cells import CALLER_NAMES
from advocacy_testing.permission_matrix import check
from advocacy_testing.rooms import content_captions
from advocacy_testing.world import fresh_draft
from content.config import Settings
from content.main import build_app


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings)) as client:
        yield client


async def test_every_cell_of_the_rooms_rows_answers_as_the_table_says(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    world = await org_a(settings.database_url)
    world.draft_id = await fresh_draft(client, world)
    world.published_id = await fresh_draft(client, world)
    approved = await client.post(f"/v1/content/{world.published_id}/approve", headers=world.admin)
    assert approved.status_code == 200, approved.text

    differences = await check(client, world, content_captions.rows(), CALLER_NAMES)

    assert differences == []

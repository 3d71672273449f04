"""The permission table's rows of ideas, submissions and help requests, every cell called
against the content service in-process (the e2e suite calls them again through the gateway)."""

from collections.abc import AsyncIterator

import httpx
import pytest

from advocacy_testing.apps import serving
from advocacy_testing.content_access import org_a
from advocacy_testing.permission_cells import CALLER_NAMES
from advocacy_testing.permission_matrix import check
from advocacy_testing.rooms import content_ideas
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

    differences = await check(client, world, content_ideas.rows(), CALLER_NAMES)

    assert differences == []

"""The permission table's rows of ideas, submissions and help requests, every cell called
against the content service in-process (the e2e suite calls them again through the gateway)."""

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.content_access import grant, known_sub_program, member
from advocacy_testing.identity import user_token
from advocacy_testing.permission_cells import CALLER_NAMES
from advocacy_testing.permission_matrix import World, check
from advocacy_testing.rooms import content_ideas
from content.config import Settings
from content.main import build_app

PERSON_ROLES = {
    "org_admin": ["org_admin"],
    "program_manager": ["program_manager"],
    "reviewer": ["reviewer"],
    "analyst": ["analyst"],
    "member": ["employee"],
    "employee": ["employee"],
    "ungranted_manager": ["program_manager"],
}
KEY_SCOPES = {
    "key_programs": ["programs:read"],
    "key_content": ["content:read"],
    "key_metrics": ["metrics:read"],
    "key_other": ["hr:write", "outcomes:write", "events:read"],
}


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings)) as client:
        yield client


async def org_a(settings: Settings) -> World:
    """Org A as the e2e world has it: P with S and S2, S's member, reviewer and P's manager."""
    org, url = Tenant(), settings.database_url
    people = {name: uuid.uuid4() for name in PERSON_ROLES} | {"org_admin": org.admin_id}
    program = uuid.uuid4()
    subs = [await known_sub_program(url, org_id=org.org_id, program_id=program) for _ in "ab"]
    for sub in subs:
        await member(url, org_id=org.org_id, user_id=people["member"], sub_program_id=sub)
    await grant(
        url, org_id=org.org_id, user_id=people["reviewer"], scope_id=subs[0], role="reviewer"
    )
    await grant(
        url,
        org_id=org.org_id,
        user_id=people["program_manager"],
        scope_id=program,
        role="program_manager",
        scope_type="program",
    )
    headers = {
        name: org.headers(user_id=people[name], roles=roles) for name, roles in PERSON_ROLES.items()
    }
    for name, scopes in KEY_SCOPES.items():
        token = user_token(
            user_id=uuid.uuid4(),
            org_id=org.org_id,
            roles=["integration"],
            kind="api_key",
            scopes=scopes,
        )
        headers[name] = {"Authorization": f"Bearer {token}"}
    headers["operator"] = Tenant().headers(roles=["operator"])
    headers["other_org_admin"] = Tenant().headers(roles=["org_admin"])
    return World(
        headers=headers,
        program_id=str(program),
        sub_program_id=str(subs[0]),
        second_sub_program_id=str(subs[1]),
        published_id="",
        link_code="",
        api_key_id="",
    )


async def test_every_cell_of_the_rooms_rows_answers_as_the_table_says(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    world = await org_a(settings)

    differences = await check(client, world, content_ideas.rows(), CALLER_NAMES)

    assert differences == []

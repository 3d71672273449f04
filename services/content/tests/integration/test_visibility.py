"""Who sees and does what in content, from the access read model its consumer projects.

The ambassadors service's events are published to real Kafka and projected by the real worker;
nothing is inserted behind the consumer's back.
"""

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx
import pytest

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.identity import user_token
from advocacy_testing.kafka import publish
from advocacy_testing.polling import eventually
from common.events.contracts.ambassadors import (
    TOPIC,
    MembershipChangedV1,
    ShareCreatedV1,
    StaffRoleChangedV1,
    SubProgramCreatedV1,
)
from common.events.envelope import Envelope, EventPayload
from content import worker
from content.config import Settings
from content.main import build_app

Headers = dict[str, str]


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(settings), worker=worker.build_app(settings)) as client:
        yield client


def envelope(payload: EventPayload, *, key: uuid.UUID, org_id: uuid.UUID) -> Envelope:
    # Keyed as the ambassadors service keys them: by the sub-program or scope they change.
    return Envelope.wrap(
        payload,
        source="/services/ambassadors",
        subject=f"test/{key}",
        key=str(key),
        orgid=str(org_id),
        subprogramid=str(key),
    )


def sub_program_created(org_id: uuid.UUID, program_id: uuid.UUID, sub: uuid.UUID) -> Envelope:
    payload = SubProgramCreatedV1(
        sub_program_id=sub,
        program_id=program_id,
        org_id=org_id,
        name="LinkedIn people",
        kind="network",
        created_at=datetime.now(UTC),
    )
    return envelope(payload, key=sub, org_id=org_id)


def membership(org_id: uuid.UUID, user_id: uuid.UUID, sub: uuid.UUID, change: str) -> Envelope:
    payload = MembershipChangedV1.model_validate(
        {
            "org_id": org_id,
            "sub_program_id": sub,
            "user_id": user_id,
            "ambassador_id": uuid.uuid4(),
            "change": change,
            "changed_at": datetime.now(UTC),
        }
    )
    return envelope(payload, key=sub, org_id=org_id)


def staff_role(
    org_id: uuid.UUID,
    user_id: uuid.UUID,
    *,
    role: str,
    scope_type: str,
    scope_id: uuid.UUID,
    change: str = "granted",
) -> Envelope:
    payload = StaffRoleChangedV1.model_validate(
        {
            "org_id": org_id,
            "user_id": user_id,
            "role": role,
            "scope_type": scope_type,
            "scope_id": scope_id,
            "change": change,
            "changed_at": datetime.now(UTC),
        }
    )
    return envelope(payload, key=scope_id, org_id=org_id)


@dataclass
class Org:
    """An organisation with programs P (sub-programs s1, s2) and Q (s3), and its people."""

    tenant: Tenant = field(default_factory=Tenant)
    program: uuid.UUID = field(default_factory=uuid.uuid4)
    other_program: uuid.UUID = field(default_factory=uuid.uuid4)
    s1: uuid.UUID = field(default_factory=uuid.uuid4)
    s2: uuid.UUID = field(default_factory=uuid.uuid4)
    s3: uuid.UUID = field(default_factory=uuid.uuid4)
    employee: uuid.UUID = field(default_factory=uuid.uuid4)  # a member of s1
    reviewer: uuid.UUID = field(default_factory=uuid.uuid4)  # granted on s1
    manager: uuid.UUID = field(default_factory=uuid.uuid4)  # granted on program P
    items: dict[str, str] = field(default_factory=dict)  # "s1-draft" -> id

    def as_(self, user_id: uuid.UUID, *roles: str) -> Headers:
        return self.tenant.headers(user_id=user_id, roles=list(roles))

    @property
    def admin(self) -> Headers:
        return self.tenant.headers(admin=True)

    def access_events(self) -> list[Envelope | bytes]:
        org = self.tenant.org_id
        return [
            sub_program_created(org, self.program, self.s1),
            sub_program_created(org, self.program, self.s2),
            sub_program_created(org, self.other_program, self.s3),
            membership(org, self.employee, self.s1, "joined"),
            staff_role(
                org, self.reviewer, role="reviewer", scope_type="sub_program", scope_id=self.s1
            ),
            staff_role(
                org,
                self.manager,
                role="program_manager",
                scope_type="program",
                scope_id=self.program,
            ),
        ]


async def titles(client: httpx.AsyncClient, headers: Headers) -> set[str]:
    response = await client.get("/v1/content", params={"limit": 100}, headers=headers)
    assert response.status_code == 200, response.text
    return {item["title"] for item in response.json()["items"]}


async def _create_items_once_known(client: httpx.AsyncClient, org: Org) -> bool:
    # The last sub-program's event came last on its own key: try the items in order, each
    # retried until its sub-program is known (422 before), without leaving anything behind.
    for name in ("s1", "s2", "s3"):
        if f"{name}-published" in org.items:
            continue
        body = {"sub_program_id": str(getattr(org, name)), "title": f"{name}-draft"}
        created = await client.post("/v1/content", json=body, headers=org.admin)
        if created.status_code == 422:
            return False
        assert created.status_code == 201, created.text
        org.items[f"{name}-draft"] = created.json()["id"]
        body["title"] = f"{name}-published"
        published = await client.post("/v1/content", json=body, headers=org.admin)
        assert published.status_code == 201, published.text
        org.items[f"{name}-published"] = published.json()["id"]
        approve = f"/v1/content/{published.json()['id']}/approve"
        assert (await client.post(approve, headers=org.admin)).status_code == 200
    return True


@pytest.fixture
async def org(client: httpx.AsyncClient, settings: Settings) -> Org:
    """The organisation, once its access events are projected by the worker."""
    org = Org()
    await publish(settings.kafka_bootstrap_servers, settings.topic(TOPIC), org.access_events())
    # Content refuses targets it does not know yet (422): create once the sub-programs arrived.
    await eventually(lambda: _create_items_once_known(client, org), lambda done: done)
    # Shares are on the same topic: the consumer skips them without failing on them.
    share = ShareCreatedV1(
        share_id=uuid.uuid4(),
        org_id=org.tenant.org_id,
        ambassador_id=uuid.uuid4(),
        content_id=uuid.uuid4(),
        sub_program_id=org.s1,
        network="linkedin",
        audience_size=10,
        tracked_link_code="abcd1234",
        created_at=datetime.now(UTC),
    )
    await publish(
        settings.kafka_bootstrap_servers,
        settings.topic(TOPIC),
        [envelope(share, key=org.s1, org_id=org.tenant.org_id)],
    )

    async def views() -> tuple[set[str], set[str], set[str]]:
        return (
            await titles(client, org.as_(org.employee, "employee")),
            await titles(client, org.as_(org.reviewer, "reviewer")),
            await titles(client, org.as_(org.manager, "program_manager")),
        )

    await eventually(
        views,
        lambda seen: (
            seen
            == (
                {"s1-published"},
                {"s1-draft", "s1-published"},
                {"s1-draft", "s1-published", "s2-draft", "s2-published"},
            )
        ),
    )
    return org


async def test_employee_member_sees_published_items_of_their_sub_programs_only(
    client: httpx.AsyncClient, org: Org
) -> None:
    member = org.as_(org.employee, "employee")

    assert await titles(client, member) == {"s1-published"}
    assert (await client.get(f"/v1/content/{org.items['s1-published']}", headers=member)).is_success
    for hidden in ("s1-draft", "s2-published", "s3-published"):
        seen = await client.get(f"/v1/content/{org.items[hidden]}", headers=member)
        assert seen.status_code == 404, hidden


async def test_employee_of_no_sub_program_sees_nothing(client: httpx.AsyncClient, org: Org) -> None:
    stranger = org.as_(uuid.uuid4(), "employee")

    assert await titles(client, stranger) == set()
    seen = await client.get(f"/v1/content/{org.items['s1-published']}", headers=stranger)
    assert seen.status_code == 404


async def test_reviewer_and_manager_see_every_item_their_grants_cover(
    client: httpx.AsyncClient, org: Org
) -> None:
    # A grant confers its role whatever the token says: this reviewer's token only says employee.
    assert await titles(client, org.as_(org.reviewer, "employee")) == {"s1-draft", "s1-published"}
    manager = org.as_(org.manager, "program_manager")
    seen = await client.get(f"/v1/content/{org.items['s3-draft']}", headers=manager)
    assert seen.status_code == 404
    # The role without a grant shows nothing.
    assert await titles(client, org.as_(uuid.uuid4(), "program_manager", "reviewer")) == set()


async def test_reviewer_and_manager_approve_within_their_grants(
    client: httpx.AsyncClient, org: Org
) -> None:
    s1_draft, s2_draft = org.items["s1-draft"], org.items["s2-draft"]
    reviewer, manager = org.as_(org.reviewer, "reviewer"), org.as_(org.manager, "program_manager")

    outside = await client.post(f"/v1/content/{s2_draft}/approve", headers=reviewer)
    inside = await client.post(f"/v1/content/{s1_draft}/approve", headers=reviewer)
    by_manager = await client.post(f"/v1/content/{s2_draft}/approve", headers=manager)

    assert outside.status_code == 404  # s2 is not the reviewer's: invisible
    assert (inside.status_code, inside.json()["approved_by"]) == (200, str(org.reviewer))
    assert by_manager.status_code == 200


async def test_analyst_sees_everything_but_cannot_approve(
    client: httpx.AsyncClient, org: Org
) -> None:
    analyst = org.as_(uuid.uuid4(), "analyst")

    assert await titles(client, analyst) == set(org.items)
    approve = await client.post(f"/v1/content/{org.items['s3-draft']}/approve", headers=analyst)
    assert approve.status_code == 403


async def test_visible_but_not_approvable_is_403_invisible_is_404(
    client: httpx.AsyncClient, org: Org
) -> None:
    member = org.as_(org.employee, "employee")

    visible = await client.post(f"/v1/content/{org.items['s1-published']}/approve", headers=member)
    invisible = await client.post(f"/v1/content/{org.items['s1-draft']}/approve", headers=member)

    assert visible.status_code == 403
    assert invisible.status_code == 404


async def test_api_key_reads_published_items_with_content_read_only(
    client: httpx.AsyncClient, org: Org
) -> None:
    def api_key(*scopes: str) -> Headers:
        token = user_token(
            user_id=uuid.uuid4(),
            org_id=org.tenant.org_id,
            roles=["integration"],
            kind="api_key",
            scopes=list(scopes),
        )
        return {"Authorization": f"Bearer {token}"}

    reader, other = api_key("content:read"), api_key("metrics:read")

    assert await titles(client, reader) == {"s1-published", "s2-published", "s3-published"}
    draft = await client.get(f"/v1/content/{org.items['s1-draft']}", headers=reader)
    assert draft.status_code == 404
    assert (await client.get("/v1/content", headers=other)).status_code == 403
    draft_by_other = await client.get(f"/v1/content/{org.items['s1-draft']}", headers=other)
    assert draft_by_other.status_code == 403
    approve = await client.post(f"/v1/content/{org.items['s1-published']}/approve", headers=reader)
    assert approve.status_code == 403


async def test_program_manager_creates_only_where_a_grant_covers(
    client: httpx.AsyncClient, org: Org
) -> None:
    manager = org.as_(org.manager, "program_manager")

    async def create(sub: uuid.UUID, headers: Headers) -> httpx.Response:
        body = {"sub_program_id": str(sub), "title": "From the manager"}
        return await client.post("/v1/content", json=body, headers=headers)

    covered = await create(org.s2, manager)  # through the grant on program P
    uncovered = await create(org.s3, manager)
    unknown = await create(uuid.uuid4(), manager)
    by_reviewer = await create(org.s1, org.as_(org.reviewer, "reviewer"))
    by_role_alone = await create(org.s1, org.as_(uuid.uuid4(), "program_manager"))

    assert covered.status_code == 201
    assert uncovered.status_code == 403
    assert (unknown.status_code, unknown.json()["errors"][0]["field"]) == (422, "sub_program_ids")
    assert by_reviewer.status_code == 403
    assert by_role_alone.status_code == 403


async def test_other_organisation_sees_nothing_even_with_a_grant_on_the_same_ids(
    client: httpx.AsyncClient, org: Org, settings: Settings
) -> None:
    intruder_org, intruder = Tenant(), uuid.uuid4()
    # Org B's reviewer grant names org A's sub-program id: it still covers nothing of org A.
    grant = staff_role(
        intruder_org.org_id, intruder, role="reviewer", scope_type="sub_program", scope_id=org.s1
    )
    await publish(settings.kafka_bootstrap_servers, settings.topic(TOPIC), [grant])
    marker = membership(org.tenant.org_id, uuid.uuid4(), org.s1, "joined")  # same key, after it
    await publish(settings.kafka_bootstrap_servers, settings.topic(TOPIC), [marker])
    await eventually(
        lambda: titles(client, org.as_(_user_of(marker), "employee")),
        lambda seen: seen == {"s1-published"},
    )

    for headers in (
        intruder_org.headers(admin=True),
        intruder_org.headers(user_id=intruder, roles=["reviewer"]),
    ):
        assert await titles(client, headers) == set()
        seen = await client.get(f"/v1/content/{org.items['s1-draft']}", headers=headers)
        approve = await client.post(f"/v1/content/{org.items['s1-draft']}/approve", headers=headers)
        assert (seen.status_code, approve.status_code) == (404, 404)
    # Org A's sub-program is unknown to org B, even to its admin: a 422 naming the field, the
    # answer any id that is not theirs gets (nothing tells org B the id exists elsewhere).
    body = {"sub_program_id": str(org.s1), "title": "Planted"}
    planted = await client.post("/v1/content", json=body, headers=intruder_org.headers(admin=True))
    assert (planted.status_code, planted.json()["errors"][0]["field"]) == (422, "sub_program_ids")


def _user_of(event: Envelope) -> uuid.UUID:
    return MembershipChangedV1.model_validate_json(event.data).user_id


async def test_joined_then_left_is_not_a_member(
    client: httpx.AsyncClient, org: Org, settings: Settings
) -> None:
    org_id, leaver = org.tenant.org_id, uuid.uuid4()
    marker = membership(org_id, uuid.uuid4(), org.s1, "joined")
    await publish(
        settings.kafka_bootstrap_servers,
        settings.topic(TOPIC),
        [
            membership(org_id, leaver, org.s1, "joined"),
            membership(org_id, leaver, org.s1, "left"),
            marker,  # same key: projected after both
        ],
    )
    await eventually(
        lambda: titles(client, org.as_(_user_of(marker), "employee")),
        lambda seen: seen == {"s1-published"},
    )

    assert await titles(client, org.as_(leaver, "employee")) == set()


async def test_revoked_grants_show_nothing(
    client: httpx.AsyncClient, org: Org, settings: Settings
) -> None:
    org_id = org.tenant.org_id
    marker = membership(org_id, uuid.uuid4(), org.s1, "joined")
    revoked = [
        staff_role(
            org_id,
            org.reviewer,
            role="reviewer",
            scope_type="sub_program",
            scope_id=org.s1,
            change="revoked",
        ),
        staff_role(
            org_id,
            org.manager,
            role="program_manager",
            scope_type="program",
            scope_id=org.program,
            change="revoked",
        ),
    ]
    await publish(settings.kafka_bootstrap_servers, settings.topic(TOPIC), [*revoked, marker])
    await eventually(
        lambda: titles(client, org.as_(_user_of(marker), "employee")),
        lambda seen: seen == {"s1-published"},
    )

    # Their rows stay, as tombstones of the revocation: nothing is shown through them.
    assert await titles(client, org.as_(org.reviewer, "reviewer")) == set()
    # The program's revocation has another key (maybe another partition): wait for it.
    manager = org.as_(org.manager, "program_manager")
    await eventually(lambda: titles(client, manager), lambda seen: seen == set())

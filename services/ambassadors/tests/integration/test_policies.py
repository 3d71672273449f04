"""Program and sub-program policies on PostgreSQL: inheritance, validation, who may read and
write, optimistic versions, the share gates (the cap and the spreading decided by the database)
and the program roll-up on a known dataset."""

import asyncio
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from advocacy_testing.apps import Tenant
from advocacy_testing.identity import user_token
from ambassadors.models import FeedItem, Membership, Share
from ambassadors.policies import housekeeping, privacy
from ambassadors.policies.models import DailyShareCount, ShareSpread
from ambassadors.privacy.personal_data import PersonRef
from common.db import Database
from common.outbox import OutboxMessage

Headers = dict[str, str]
POLICY_CHANGED = "ambassadors.policy.changed.v1"


async def created(response: httpx.Response) -> str:
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def program(client: httpx.AsyncClient, org: Tenant) -> str:
    body = {"name": "Advocates"}
    return await created(
        await client.post("/v1/programs", json=body, headers=org.headers(admin=True))
    )


async def sub_program(client: httpx.AsyncClient, org: Tenant, program_id: str) -> str:
    url = f"/v1/programs/{program_id}/sub-programs"
    body = {"name": "LinkedIn people", "kind": "network"}
    return await created(await client.post(url, json=body, headers=org.headers(admin=True)))


async def put_policy(
    client: httpx.AsyncClient, scope: str, headers: Headers, **fields: Any
) -> httpx.Response:
    """Write a policy at the version just read (as optimistic clients do)."""
    read = await client.get(f"{scope}/policy", headers=headers)
    assert read.status_code == 200, read.text
    body = {"version": read.json()["version"], **fields}
    return await client.put(f"{scope}/policy", json=body, headers=headers)


async def set_policy(client: httpx.AsyncClient, org: Tenant, scope: str, **fields: Any) -> None:
    answer = await put_policy(client, scope, org.headers(admin=True), **fields)
    assert answer.status_code == 200, answer.text


async def join(
    client: httpx.AsyncClient,
    sub_id: str,
    me: Headers,
    network: str = "linkedin",
    audience: int = 100,
) -> str:
    body = {"network": network, "audience_size": audience}
    joined = await client.post(f"/v1/sub-programs/{sub_id}/members", json=body, headers=me)
    assert joined.status_code == 201, joined.text
    return str(joined.json()["ambassador_id"])


async def items(db: Database, org: Tenant, ambassador_id: str, sub_id: str, n: int) -> list[str]:
    """n items in the member's feed, written directly (the fan-out is tested elsewhere)."""
    ids = [uuid.uuid4() for _ in range(n)]
    async with db.transaction() as session:
        for content_id in ids:
            session.add(
                FeedItem(
                    org_id=org.org_id,
                    ambassador_id=uuid.UUID(ambassador_id),
                    content_id=content_id,
                    sub_program_id=uuid.UUID(sub_id),
                    kind="article",
                    title="A story",
                    url="https://example.com/a",
                    created_at=datetime.now(UTC),
                )
            )
    return [str(i) for i in ids]


async def share(
    client: httpx.AsyncClient, me: Headers, content_id: str, network: str = "linkedin"
) -> httpx.Response:
    body = {"content_id": content_id, "network": network}
    return await client.post("/v1/me/shares", json=body, headers=me)


async def count(db: Database, model: Any, *where: Any) -> int:
    async with db.transaction() as session:
        query = select(func.count()).select_from(model).where(*where)
        return int((await session.execute(query)).scalar_one())


async def day_count(db: Database, ambassador_id: str) -> int:
    async with db.transaction() as session:
        query = select(func.coalesce(func.sum(col(DailyShareCount.count)), 0)).where(
            col(DailyShareCount.ambassador_id) == uuid.UUID(ambassador_id)
        )
        return int((await session.execute(query)).scalar_one())


def code(response: httpx.Response) -> str:
    return str(response.json()["type"]).rsplit(":", 1)[1]


def fields(response: httpx.Response) -> list[str]:
    return [str(e["field"]) for e in response.json().get("errors", [])]


async def setup(
    client: httpx.AsyncClient, db: Database, n: int = 3, **policy: Any
) -> tuple[Tenant, str, Headers, str, list[str]]:
    """An org with a program and a sub-program whose policy is `policy`, and a LinkedIn member
    with n items: (org, sub-program id, member's headers, ambassador id, content ids)."""
    org = Tenant()
    sub_id = await sub_program(client, org, await program(client, org))
    if policy:
        await set_policy(client, org, f"/v1/sub-programs/{sub_id}", **policy)
    me = org.headers(user_id=uuid.uuid4())
    ambassador_id = await join(client, sub_id, me)
    return org, sub_id, me, ambassador_id, await items(db, org, ambassador_id, sub_id, n)


# --- levels and inheritance --------------------------------------------------------------


async def test_a_program_without_policy_has_the_defaults(client: httpx.AsyncClient) -> None:
    org = Tenant()
    p = await program(client, org)
    read = await client.get(f"/v1/programs/{p}/policy", headers=org.headers())

    assert read.status_code == 200
    body = read.json()
    assert (body["version"], body["updated_at"], body["daily_share_cap"]) == (0, None, None)
    effective = body["effective"]
    assert effective["allowed_networks"] == ["linkedin", "x", "facebook", "instagram"]
    assert (effective["time_zone"], effective["gamification"], effective["sharing_paused"]) == (
        "UTC",
        False,
        False,
    )
    assert effective["rewarded_networks"] == []
    assert set(effective["sources"].values()) == {"default"}
    assert effective["caption_rules"] == f"/v1/caption-rules/programs/{p}"


async def test_a_sub_program_inherits_what_it_leaves_null_and_overrides_the_rest(
    client: httpx.AsyncClient,
) -> None:
    org = Tenant()
    p = await program(client, org)
    own, inheriting = await sub_program(client, org, p), await sub_program(client, org, p)
    await set_policy(
        client,
        org,
        f"/v1/programs/{p}",
        allowed_networks=["linkedin", "facebook"],
        daily_share_cap=5,
        time_zone="Europe/Paris",
        gamification=True,
        sharing_hours={"start": "08:00", "end": "18:00", "days": ["fri", "mon"]},
    )
    await set_policy(
        client,
        org,
        f"/v1/sub-programs/{own}",
        allowed_networks=["x", "linkedin"],
        daily_share_cap=2,
    )

    mine = await client.get(f"/v1/sub-programs/{own}/policy/effective", headers=org.headers())
    theirs = await client.get(
        f"/v1/sub-programs/{inheriting}/policy/effective", headers=org.headers()
    )
    level = (await client.get(f"/v1/sub-programs/{own}/policy", headers=org.headers())).json()

    assert mine.status_code == theirs.status_code == 200
    m, t = mine.json(), theirs.json()
    assert (m["allowed_networks"], m["daily_share_cap"]) == (["x", "linkedin"], 2)
    assert (m["sources"]["allowed_networks"], m["sources"]["daily_share_cap"]) == (
        "sub_program",
    ) * 2
    assert (m["time_zone"], m["sources"]["time_zone"]) == ("Europe/Paris", "program")
    assert m["sharing_hours"] == {"start": "08:00", "end": "18:00", "days": ["mon", "fri"]}
    assert m["rewarded_networks"] == ["x", "linkedin"]
    # Facebook's platform policy: gamification never rewards a Facebook share.
    assert (t["allowed_networks"], t["rewarded_networks"]) == (
        ["linkedin", "facebook"],
        ["linkedin"],
    )
    assert (t["daily_share_cap"], t["sources"]["daily_share_cap"]) == (5, "program")
    assert m["caption_rules"] == f"/v1/caption-rules/sub-programs/{own}"
    # The level's own settings stay null where it inherits.
    assert (level["daily_share_cap"], level["time_zone"], level["version"]) == (2, None, 1)
    assert level["effective"] == m

    # Writing nulls hands every setting back to the program.
    await set_policy(client, org, f"/v1/sub-programs/{own}")
    back = (
        await client.get(f"/v1/sub-programs/{own}/policy/effective", headers=org.headers())
    ).json()
    assert back == t | {"sub_program_id": own, "caption_rules": m["caption_rules"]}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Olympus_Mons"}, "time_zone"),
        ({"time_zone": "../../etc/passwd"}, "time_zone"),
        ({"time_zone": ""}, "time_zone"),
        ({"sharing_hours": {"start": "25:00", "end": "18:00"}}, "sharing_hours.start"),
        ({"sharing_hours": {"start": "8:00", "end": "18:00"}}, "sharing_hours.start"),
        ({"sharing_hours": {"start": "08:00"}}, "sharing_hours.end"),
        ({"sharing_hours": {"start": "08:00", "end": "18:00", "days": []}}, "sharing_hours.days"),
        (
            {"sharing_hours": {"start": "08:00", "end": "18:00", "days": ["mon", "mon"]}},
            "sharing_hours.days",
        ),
        (
            {"sharing_hours": {"start": "08:00", "end": "18:00", "days": ["funday"]}},
            "sharing_hours.days.0",
        ),
        ({"allowed_networks": ["myspace"]}, "allowed_networks.0"),
        ({"allowed_networks": []}, "allowed_networks"),
        ({"allowed_networks": ["x", "x"]}, "allowed_networks"),
        ({"daily_share_cap": 0}, "daily_share_cap"),
        ({"daily_share_cap": 101}, "daily_share_cap"),
        ({"spread_minutes": 0}, "spread_minutes"),
        ({"gamification": "sometimes"}, "gamification"),
        ({"signature": "— Team ACME"}, "signature"),
        ({"version": -1}, "version"),
    ],
)
async def test_an_invalid_policy_is_422_naming_the_field_and_writes_nothing(
    client: httpx.AsyncClient, db: Database, change: dict[str, Any], field: str
) -> None:
    org = Tenant()
    scope = f"/v1/sub-programs/{await sub_program(client, org, await program(client, org))}"

    answer = await client.put(
        f"{scope}/policy", json={"version": 0} | change, headers=org.headers(admin=True)
    )

    assert (answer.status_code, code(answer)) == (422, "invalid_input"), answer.text
    assert field in fields(answer)
    assert (await client.get(f"{scope}/policy", headers=org.headers())).json()["version"] == 0
    assert await count(db, OutboxMessage, col(OutboxMessage.event_type) == POLICY_CHANGED) == 0


async def test_a_policy_without_version_is_422(client: httpx.AsyncClient) -> None:
    org = Tenant()
    p = await program(client, org)
    answer = await client.put(
        f"/v1/programs/{p}/policy", json={"daily_share_cap": 3}, headers=org.headers(admin=True)
    )
    assert (answer.status_code, fields(answer)) == (422, ["version"])


# --- who may read and write ----------------------------------------------------------------


def key(org: Tenant, *scopes: str) -> Headers:
    token = user_token(
        user_id=uuid.uuid4(),
        org_id=org.org_id,
        roles=["integration"],
        kind="api_key",
        scopes=list(scopes),
    )
    return {"Authorization": f"Bearer {token}"}


async def grant(client: httpx.AsyncClient, org: Tenant, scope: str, role: str) -> Headers:
    person = uuid.uuid4()
    body = {"user_id": str(person), "role": role}
    await created(await client.post(f"{scope}/staff", json=body, headers=org.headers(admin=True)))
    return org.headers(user_id=person, roles=[role])


async def test_people_and_program_keys_read_admins_and_covering_managers_write(
    client: httpx.AsyncClient,
) -> None:
    org = Tenant()
    p = await program(client, org)
    s = await sub_program(client, org, p)
    on_p, on_s = f"/v1/programs/{p}", f"/v1/sub-programs/{s}"
    program_manager = await grant(client, org, on_p, "program_manager")
    sub_manager = await grant(client, org, on_s, "program_manager")
    reviewer = await grant(client, org, on_s, "reviewer")
    readers = [org.headers(), key(org, "programs:read"), reviewer]

    for headers in readers:
        for url in (f"{on_p}/policy", f"{on_s}/policy", f"{on_s}/policy/effective"):
            assert (await client.get(url, headers=headers)).status_code == 200, url
    assert (await client.get(f"{on_p}/policy", headers=key(org, "content:read"))).status_code == 403

    refused = [
        (on_p, org.headers()),
        (on_p, key(org, "programs:read")),
        (on_p, sub_manager),  # a grant on a sub-program does not cover its program
        (on_s, reviewer),
        (on_s, org.headers(roles=["program_manager"])),  # the role without a grant
        (on_s, org.headers(roles=["analyst"])),
    ]
    for scope, headers in refused:
        answer = await put_policy(client, scope, headers, daily_share_cap=1)
        assert (answer.status_code, code(answer)) == (403, "forbidden"), (scope, answer.text)

    allowed = [(on_p, program_manager), (on_s, program_manager), (on_s, sub_manager)]
    for scope, headers in allowed:
        assert (await put_policy(client, scope, headers, daily_share_cap=7)).status_code == 200
    assert (await client.get(f"{on_s}/policy", headers=org.headers())).json()["version"] == 2


async def test_another_organisation_gets_404_and_changes_nothing(
    client: httpx.AsyncClient,
) -> None:
    org, other = Tenant(), Tenant()
    p = await program(client, org)
    s = await sub_program(client, org, p)
    await set_policy(client, org, f"/v1/sub-programs/{s}", daily_share_cap=3)
    intruder = other.headers(roles=["org_admin", "analyst", "employee"])
    attempts = [
        ("GET", f"/v1/programs/{p}/policy"),
        ("PUT", f"/v1/programs/{p}/policy"),
        ("GET", f"/v1/sub-programs/{s}/policy"),
        ("PUT", f"/v1/sub-programs/{s}/policy"),
        ("GET", f"/v1/sub-programs/{s}/policy/effective"),
        ("GET", f"/v1/programs/{p}/rollup"),
    ]
    for method, url in attempts:
        body = {"version": 1, "daily_share_cap": 100} if method == "PUT" else None
        answer = await client.request(method, url, json=body, headers=intruder)
        assert answer.status_code == 404, (method, url, answer.text)

    mine = (await client.get(f"/v1/sub-programs/{s}/policy", headers=org.headers())).json()
    assert (mine["version"], mine["daily_share_cap"]) == (1, 3)


# --- versions and events -----------------------------------------------------------------


async def test_a_stale_version_is_409_and_of_concurrent_writers_one_wins(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    p = await program(client, org)
    url, admin = f"/v1/programs/{p}/policy", org.headers(admin=True)

    for version in (0, 1, 2):
        bodies = [{"version": version, "daily_share_cap": cap} for cap in range(1, 9)]
        answers = await asyncio.gather(*(client.put(url, json=b, headers=admin) for b in bodies))
        assert sorted(a.status_code for a in answers) == [200] + [409] * 7
        losers = [a for a in answers if a.status_code == 409]
        assert {code(a) for a in losers} == {"policy_version_conflict"}
        assert {a.json()["current_version"] for a in losers} == {version + 1}
        assert {tuple(fields(a)) for a in losers} == {("version",)}
        winner = next(a for a in answers if a.status_code == 200).json()
        assert winner["version"] == version + 1

    stale = await client.put(url, json={"version": 1, "daily_share_cap": 9}, headers=admin)
    ahead = await client.put(url, json={"version": 7, "daily_share_cap": 9}, headers=admin)
    assert (stale.status_code, ahead.status_code) == (409, 409)
    final = (await client.get(url, headers=admin)).json()
    assert (final["version"], final["daily_share_cap"]) == (3, winner["daily_share_cap"])
    # One event per write that happened, none for the refused ones.
    changed = [col(OutboxMessage.event_type) == POLICY_CHANGED, col(OutboxMessage.key) == p]
    assert await count(db, OutboxMessage, *changed) == 3


async def test_each_write_stages_one_policy_changed_event(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    p = await program(client, org)
    s = await sub_program(client, org, p)
    hours = {"start": "22:00", "end": "02:00", "days": ["sat"]}
    await set_policy(
        client, org, f"/v1/sub-programs/{s}", sharing_hours=hours, time_zone="Asia/Tokyo"
    )

    async with db.transaction() as session:
        rows = (
            (
                await session.execute(
                    select(OutboxMessage)
                    .where(col(OutboxMessage.event_type) == POLICY_CHANGED)
                    .where(col(OutboxMessage.key) == p)
                )
            )
            .scalars()
            .all()
        )
    assert len(rows) == 1
    payload, headers = json.loads(rows[0].payload), dict(rows[0].headers)
    assert (payload["scope_type"], payload["scope_id"], payload["version"]) == ("sub_program", s, 1)
    assert (payload["sharing_start"], payload["sharing_end"], payload["sharing_days"]) == (
        "22:00",
        "02:00",
        ["sat"],
    )
    assert (payload["time_zone"], payload["daily_share_cap"]) == ("Asia/Tokyo", None)
    assert payload["changed_by"] == str(org.admin_id)
    assert (headers["ce_programid"], headers["ce_subprogramid"]) == (p, s)


# --- share gates ---------------------------------------------------------------------------


async def test_with_no_policy_shares_pass_and_nothing_is_counted(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, _, me, ambassador_id, content = await setup(client, db, n=3)
    for content_id in content:
        assert (await share(client, me, content_id)).status_code == 201
    assert await day_count(db, ambassador_id) == 0


async def test_paused_sharing_is_409_sharing_paused(
    client: httpx.AsyncClient, db: Database
) -> None:
    org, sub_id, me, _, content = await setup(client, db, n=1, sharing_paused=True)

    refused = await share(client, me, content[0])
    await set_policy(client, org, f"/v1/sub-programs/{sub_id}", sharing_paused=False)
    resumed = await share(client, me, content[0])

    assert (refused.status_code, code(refused)) == (409, "sharing_paused")
    assert resumed.status_code == 201


async def test_a_network_the_policy_excludes_is_409_for_shares_and_opt_ins(
    client: httpx.AsyncClient, db: Database
) -> None:
    org, sub_id, me, _, content = await setup(client, db, n=1)
    # The member also declares X elsewhere, then the sub-program narrows to LinkedIn.
    await join(client, await sub_program(client, org, await program(client, org)), me, "x")
    await set_policy(client, org, f"/v1/sub-programs/{sub_id}", allowed_networks=["linkedin"])
    newcomer = org.headers(user_id=uuid.uuid4())

    on_x = await share(client, me, content[0], "x")
    on_linkedin = await share(client, me, content[0], "linkedin")
    body = {"network": "facebook", "audience_size": 10}
    joined = await client.post(f"/v1/sub-programs/{sub_id}/members", json=body, headers=newcomer)

    for refused in (on_x, joined):
        assert (refused.status_code, code(refused)) == (409, "network_not_allowed"), refused.text
        assert fields(refused) == ["network"]
        assert refused.json()["allowed_networks"] == ["linkedin"]
    assert on_linkedin.status_code == 201
    members = col(Membership.sub_program_id) == uuid.UUID(sub_id)
    assert await count(db, Membership, members) == 1  # the refused opt-in wrote nothing


async def test_outside_sharing_hours_is_409_with_the_local_window(
    client: httpx.AsyncClient, db: Database
) -> None:
    zone = ZoneInfo("Asia/Kolkata")  # UTC+05:30: local time is not UTC's
    local = datetime.now(zone)
    opens = (local + timedelta(hours=2)).strftime("%H:%M")
    closes = (local + timedelta(hours=3)).strftime("%H:%M")
    hours = {"start": opens, "end": closes}
    org, sub_id, me, _, content = await setup(
        client, db, n=1, sharing_hours=hours, time_zone=zone.key
    )

    refused = await share(client, me, content[0])

    assert (refused.status_code, code(refused)) == (409, "outside_sharing_hours")
    body = refused.json()
    assert body["sharing_hours"] == hours | {
        "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    }
    assert body["time_zone"] == "Asia/Kolkata"
    assert body["opens_at_local"][11:16] == opens and body["opens_at_local"].endswith("+05:30")
    assert datetime.fromisoformat(body["opens_at"]) == datetime.fromisoformat(
        body["opens_at_local"]
    )
    assert f"sharing opens at {opens}" in body["detail"]

    # A window open now (it runs past midnight when now is late in the evening).
    now_open = {"start": (local - timedelta(hours=1)).strftime("%H:%M"), "end": closes}
    await set_policy(
        client, org, f"/v1/sub-programs/{sub_id}", sharing_hours=now_open, time_zone=zone.key
    )
    assert (await share(client, me, content[0])).status_code == 201


async def test_the_daily_cap_refuses_the_share_over_it(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, _, me, ambassador_id, content = await setup(
        client, db, n=3, daily_share_cap=2, time_zone="America/New_York"
    )

    answers = [await share(client, me, content_id) for content_id in content]

    assert [a.status_code for a in answers] == [201, 201, 409]
    refused = answers[2].json()
    assert (code(answers[2]), refused["daily_share_cap"], refused["time_zone"]) == (
        "daily_share_cap_reached",
        2,
        "America/New_York",
    )
    resets = datetime.fromisoformat(refused["resets_at_local"])
    assert (resets.hour, resets.minute) == (0, 0)
    assert resets.date() == datetime.now(ZoneInfo("America/New_York")).date() + timedelta(days=1)
    assert await day_count(db, ambassador_id) == 2


async def test_concurrent_shares_against_a_cap_of_k_give_exactly_k(
    client: httpx.AsyncClient, db: Database
) -> None:
    cap, attempts = 3, 12
    _, _, me, ambassador_id, content = await setup(client, db, n=attempts, daily_share_cap=cap)

    answers = await asyncio.gather(*(share(client, me, content_id) for content_id in content))

    assert sorted(a.status_code for a in answers) == [201] * cap + [409] * (attempts - cap)
    assert {code(a) for a in answers if a.status_code == 409} == {"daily_share_cap_reached"}
    assert await day_count(db, ambassador_id) == cap
    assert await count(db, Share, col(Share.ambassador_id) == uuid.UUID(ambassador_id)) == cap


async def test_a_refused_duplicate_share_leaves_the_counter_right(
    client: httpx.AsyncClient, db: Database
) -> None:
    _, _, me, ambassador_id, (first, second, third) = await setup(
        client, db, n=3, daily_share_cap=2
    )

    assert (await share(client, me, first)).status_code == 201
    again = await share(client, me, first)
    # The gate counted it, then the share's insert found the duplicate: both rolled back.
    assert (again.status_code, code(again)) == (409, "already_shared")
    assert await day_count(db, ambassador_id) == 1
    assert (await share(client, me, second)).status_code == 201
    assert code(await share(client, me, third)) == "daily_share_cap_reached"


async def test_a_program_cap_spans_the_sub_programs_inheriting_it(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    p = await program(client, org)
    one, two, own = [await sub_program(client, org, p) for _ in range(3)]
    await set_policy(client, org, f"/v1/programs/{p}", daily_share_cap=2)
    await set_policy(client, org, f"/v1/sub-programs/{own}", daily_share_cap=1)
    me = org.headers(user_id=uuid.uuid4())
    ambassador_id = ""
    for sub_id in (one, two, own):
        ambassador_id = await join(client, sub_id, me)
    in_one = await items(db, org, ambassador_id, one, 2)
    in_two = await items(db, org, ambassador_id, two, 1)
    in_own = await items(db, org, ambassador_id, own, 2)

    answers = [await share(client, me, c) for c in (in_one[0], in_two[0], in_one[1])]
    own_answers = [await share(client, me, c) for c in in_own]

    assert [a.status_code for a in answers] == [201, 201, 409]
    # The sub-program's own cap is its own count, apart from the program's.
    assert [a.status_code for a in own_answers] == [201, 409]
    assert await day_count(db, ambassador_id) == 3


async def test_colleagues_sharing_one_item_are_spread_over_time(
    client: httpx.AsyncClient, db: Database
) -> None:
    org, sub_id, me, _, (content_id,) = await setup(client, db, n=1, spread_minutes=30)
    colleagues = [org.headers(user_id=uuid.uuid4()) for _ in range(8)]
    for colleague in colleagues:
        ambassador_id = await join(client, sub_id, colleague)
        await join(
            client, await sub_program(client, org, await program(client, org)), colleague, "x"
        )
        async with db.transaction() as session:
            session.add(
                FeedItem(
                    org_id=org.org_id,
                    ambassador_id=uuid.UUID(ambassador_id),
                    content_id=uuid.UUID(content_id),
                    sub_program_id=uuid.UUID(sub_id),
                    kind="article",
                    title="A story",
                    url="https://example.com/a",
                    created_at=datetime.now(UTC),
                )
            )

    answers = await asyncio.gather(*(share(client, c, content_id) for c in [me, *colleagues]))
    on_x = await share(client, colleagues[0], content_id, "x")

    assert sorted(a.status_code for a in answers) == [201] + [409] * 8
    refused = [a for a in answers if a.status_code == 409]
    assert {code(a) for a in refused} == {"colleague_shared_recently"}
    shared_at = datetime.fromisoformat(
        next(a for a in answers if a.status_code == 201).json()["created_at"]
    )
    assert {datetime.fromisoformat(a.json()["retry_at"]) for a in refused} == {
        shared_at + timedelta(minutes=30)
    }
    assert on_x.status_code == 201  # another network: another turn
    assert await count(db, ShareSpread, col(ShareSpread.sub_program_id) == uuid.UUID(sub_id)) == 2


# --- roll-up -------------------------------------------------------------------------------


async def add_share(
    db: Database, org: Tenant, ambassador_id: str, sub_id: str, *, days_ago: int, audience: int
) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as session:
        session.add(
            Share(
                org_id=org.org_id,
                ambassador_id=uuid.UUID(ambassador_id),
                content_id=uuid.uuid4(),
                sub_program_id=uuid.UUID(sub_id),
                network="linkedin",
                audience_size=audience,
                tracked_code=uuid.uuid4().hex[:16],
                target_url="https://example.com/a",
                created_at=now - timedelta(days=days_ago),
            )
        )


def values(figures: dict[str, Any]) -> dict[str, Any]:
    names = ("members", "shares", "potential_reach", "active_ambassadors", "active_rate")
    return {name: figures[name]["value"] for name in names}


async def test_the_rollup_counts_a_known_dataset(client: httpx.AsyncClient, db: Database) -> None:
    org = Tenant()
    p = await program(client, org)
    one, two = await sub_program(client, org, p), await sub_program(client, org, p)
    people = {name: org.headers(user_id=uuid.uuid4()) for name in "abcde"}
    ids = {}
    for name, subs in {"a": (one, two), "b": (one,), "c": (two,), "d": (one,), "e": (two,)}.items():
        for sub_id in subs:
            ids[name] = await join(client, sub_id, people[name])
    # e shared, then left: their share counts, they are no member and not active.
    assert (
        await client.delete(f"/v1/sub-programs/{two}/members/me", headers=people["e"])
    ).status_code == 204
    await add_share(db, org, ids["a"], one, days_ago=1, audience=100)
    await add_share(db, org, ids["a"], two, days_ago=2, audience=200)
    await add_share(db, org, ids["b"], one, days_ago=40, audience=50)  # before the default window
    await add_share(db, org, ids["e"], two, days_ago=3, audience=70)
    admin = org.headers(admin=True)
    url = f"/v1/programs/{p}/rollup"

    default = (await client.get(url, headers=admin)).json()
    wider = await client.get(
        url,
        params={"since": (datetime.now(UTC) - timedelta(days=60)).isoformat()},
        headers=admin,
    )

    by_sub = {s["sub_program_id"]: s for s in default["sub_programs"]["items"]}
    assert values(by_sub[one]) == {
        "members": 3,
        "shares": 1,
        "potential_reach": 100,
        "active_ambassadors": 1,
        "active_rate": 33.3,
    }
    assert values(by_sub[two]) == {
        "members": 2,
        "shares": 2,
        "potential_reach": 270,
        "active_ambassadors": 1,
        "active_rate": 50.0,
    }
    assert values(default["program"]) == {
        "members": 4,
        "shares": 3,
        "potential_reach": 370,
        "active_ambassadors": 1,
        "active_rate": 25.0,
    }
    assert default["program"]["potential_reach"]["basis"] == "estimated"
    assert default["program"]["shares"]["basis"] == "observed"
    assert datetime.fromisoformat(default["until"]) - datetime.fromisoformat(
        default["since"]
    ) == timedelta(days=30)
    assert values(wider.json()["program"]) == {
        "members": 4,
        "shares": 4,
        "potential_reach": 420,
        "active_ambassadors": 2,
        "active_rate": 50.0,
    }

    first = (await client.get(url, params={"limit": 1}, headers=admin)).json()
    rest = (
        await client.get(
            url, params={"limit": 1, "cursor": first["sub_programs"]["next_cursor"]}, headers=admin
        )
    ).json()
    assert [s["sub_program_id"] for s in first["sub_programs"]["items"]] == [two]
    assert [s["sub_program_id"] for s in rest["sub_programs"]["items"]] == [one]
    assert rest["sub_programs"]["next_cursor"] is None
    assert values(first["program"]) == values(rest["program"]) == values(default["program"])


async def test_the_rollup_is_for_admins_analysts_and_the_program_managers(
    client: httpx.AsyncClient,
) -> None:
    org = Tenant()
    p = await program(client, org)
    s = await sub_program(client, org, p)
    url = f"/v1/programs/{p}/rollup"
    allowed = [
        org.headers(admin=True),
        org.headers(roles=["analyst"]),
        await grant(client, org, f"/v1/programs/{p}", "program_manager"),
    ]
    refused = [
        org.headers(),
        await grant(client, org, f"/v1/sub-programs/{s}", "program_manager"),
        org.headers(roles=["program_manager"]),
        key(org, "programs:read"),
    ]
    for headers in allowed:
        assert (await client.get(url, headers=headers)).status_code == 200
    for headers in refused:
        assert (await client.get(url, headers=headers)).status_code == 403


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "2026-01-01T00:00:00+00:00", "until": "2025-12-01T00:00:00+00:00"}, "since"),
        ({"since": "2024-01-01T00:00:00+00:00", "until": "2025-12-01T00:00:00+00:00"}, "since"),
        ({"since": "2026-01-01T00:00:00"}, "since"),  # no offset: whose midnight?
        ({"until": "yesterday"}, "until"),
        ({"until": "0001-01-01T00:00:00+14:00"}, "until"),
        ({"since": "9999-12-31T23:59:59-12:00"}, "since"),
    ],
)
async def test_a_bad_rollup_window_is_422_naming_it(
    client: httpx.AsyncClient, params: dict[str, str], field: str
) -> None:
    org = Tenant()
    p = await program(client, org)
    answer = await client.get(
        f"/v1/programs/{p}/rollup", params=params, headers=org.headers(admin=True)
    )
    assert (answer.status_code, fields(answer)) == (422, [field])


# --- personal data and housekeeping ---------------------------------------------------------


async def test_a_persons_counters_are_exported_and_erased(
    client: httpx.AsyncClient, db: Database
) -> None:
    org, _, me, ambassador_id, content = await setup(client, db, n=1, daily_share_cap=5)
    assert (await share(client, me, content[0])).status_code == 201
    person = PersonRef(
        org_id=org.org_id,
        user_id=org.admin_id,
        ambassador_id=uuid.UUID(ambassador_id),
        employee_id=None,
    )

    async with db.transaction() as session:
        exported = await privacy.export(session, person)
        await privacy.erase(session, person)
        after = await privacy.export(session, person)

    assert [c["count"] for c in exported["daily_share_counts"]] == [1]
    assert [p["scope_type"] for p in exported["policies_last_changed"]] == ["sub_program"]
    assert after is None
    assert await day_count(db, ambassador_id) == 0


async def test_housekeeping_forgets_past_days_and_turns_only(
    client: httpx.AsyncClient, db: Database
) -> None:
    now = datetime.now(UTC)
    org_id, old, today = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    async with db.transaction() as session:
        for ambassador_id, day in ((old, now.date() - timedelta(days=3)), (today, now.date())):
            session.add(
                DailyShareCount(
                    ambassador_id=ambassador_id,
                    scope_id=org_id,
                    day=day,
                    org_id=org_id,
                    count=1,
                    updated_at=now,
                )
            )
        for minutes in (-5, 5):
            session.add(
                ShareSpread(
                    sub_program_id=org_id,
                    content_id=uuid.uuid4(),
                    network="x",
                    org_id=org_id,
                    next_share_at=now + timedelta(minutes=minutes),
                )
            )

    await housekeeping.tick(db, now=now)

    assert await count(db, DailyShareCount, col(DailyShareCount.scope_id) == org_id) == 1
    assert await count(db, DailyShareCount, col(DailyShareCount.ambassador_id) == today) == 1
    assert await count(db, ShareSpread, col(ShareSpread.org_id) == org_id) == 1

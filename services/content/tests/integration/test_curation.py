"""Curation feeds against a real local HTTP server, real PostgreSQL and real Kafka: sources
checked on creation, the poller (failures, back-off, dedupe, two pollers), the queue's decisions
(races included) and organisation isolation."""

import asyncio
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
import pytest
from aiohttp import web
from sqlalchemy import text

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.content_access import grant, known_sub_program
from advocacy_testing.identity import user_token
from advocacy_testing.kafka import read_all
from common.db import Database
from common.events.contracts.content import TOPIC
from common.heartbeat import Heartbeats
from content import worker
from content.config import Settings
from content.curation import poller
from content.curation.fetch import Limits
from content.main import build_app

Json = dict[str, Any]
Headers = dict[str, str]


def rss(*items: tuple[str, str], title: str = "Company blog") -> bytes:
    """An RSS 2.0 document with (title, link) items."""
    entries = "".join(
        f"<item><title>{t}</title><link>{link}</link>"
        "<description>&lt;p&gt;Read &lt;b&gt;this&lt;/b&gt;&lt;/p&gt;"
        "&lt;script&gt;alert(1)&lt;/script&gt;</description>"
        "<pubDate>Tue, 01 Dec 2026 09:30:00 GMT</pubDate></item>"
        for t, link in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://blog.example</link>{entries}</channel></rss>"
    ).encode()


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Press room</title><id>urn:press</id>
<updated>2026-12-01T10:00:00Z</updated>
<entry><title>We opened Lyon</title><id>urn:1</id><link href="https://press.example/lyon"/>
<updated>2026-12-01T10:00:00Z</updated><summary>New office</summary></entry></feed>"""
HTML = b"<!DOCTYPE html><html><head><title>Blog</title></head><body>Hello</body></html>"
GARBAGE = bytes(range(256)) * 8


@dataclass
class FeedServer:
    """A local web server: fixed feeds, switchable ones (`serve`), and a count of requests."""

    base: str = ""
    bodies: dict[str, tuple[int, bytes, str]] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    validators: list[str | None] = field(default_factory=list)

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def serve(self, path: str, body: bytes, *, status: int = 200, kind: str = "") -> str:
        self.bodies[path] = (status, body, kind or "application/rss+xml")
        return self.url(path)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"]
        self.hits[path] += 1
        self.validators.append(request.headers.get("If-None-Match"))
        if path == "slow":
            await asyncio.sleep(6)
        if path == "loop":
            raise web.HTTPFound(f"/loop?n={self.hits[path]}")
        if path == "huge":
            return web.Response(
                body=rss(*[(f"t{i}", f"https://x.example/{i}") for i in range(2000)])
            )
        if path == "etag":
            if request.headers.get("If-None-Match") == '"v1"':
                return web.Response(status=304)
            return web.Response(body=rss(("E", "https://e.example/1")), headers={"ETag": '"v1"'})
        status, body, kind = self.bodies.get(path, (404, b"not found", "text/plain"))
        return web.Response(status=status, body=body, content_type=kind)


@pytest.fixture
async def feeds() -> AsyncIterator[FeedServer]:
    server = FeedServer()
    app = web.Application()
    app.router.add_get("/{path}", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    server.base = f"http://127.0.0.1:{port}"
    server.serve(
        "rss.xml",
        rss(("Hiring", "https://blog.example/hiring"), ("Results", "https://blog.example/q3")),
    )
    server.serve("atom.xml", ATOM, kind="application/atom+xml")
    server.serve("page.html", HTML, kind="text/html")
    server.serve("garbage", GARBAGE, kind="application/octet-stream")
    server.serve("error", b"oops", status=500, kind="text/plain")
    yield server
    await runner.cleanup()


@pytest.fixture
def local(settings: Settings) -> Settings:
    # The test feeds live on 127.0.0.1, which production refuses; the poller is driven by hand.
    return settings.model_copy(
        update={
            "curation_allow_loopback": True,
            "curation_fetch_timeout_seconds": 3.0,
            "curation_max_feed_bytes": 64 * 1024,
            "curation_tick_seconds": 3600.0,
        }
    )


@pytest.fixture
async def client(local: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(build_app(local), worker=worker.build_app(local)) as client:
        yield client


@pytest.fixture
async def db(local: Settings) -> AsyncIterator[Database]:
    database = Database(local.database_url)
    yield database
    await database.dispose()


LIMITS = Limits(timeout_seconds=3.0, max_bytes=64 * 1024, allow_loopback=True)


@dataclass
class Org:
    """A tenant with one sub-program S (of program P) that content knows."""

    tenant: Tenant
    program: str
    sub: str

    @property
    def admin(self) -> Headers:
        return self.tenant.headers(admin=True)

    def as_(self, *roles: str, user_id: uuid.UUID | None = None) -> Headers:
        return self.tenant.headers(user_id=user_id or uuid.uuid4(), roles=list(roles))


async def new_org(settings: Settings) -> Org:
    tenant, program = Tenant(), uuid.uuid4()
    sub = await known_sub_program(settings.database_url, org_id=tenant.org_id, program_id=program)
    return Org(tenant, str(program), str(sub))


@pytest.fixture
async def org(local: Settings) -> Org:
    return await new_org(local)


async def add_source(client: httpx.AsyncClient, org: Org, url: str, **body: Any) -> httpx.Response:
    headers = body.pop("headers", org.admin)
    payload = {"name": "Blog", "url": url, "targeting": {"sub_program_ids": [org.sub]}, **body}
    return await client.post("/v1/curation/sources", json=payload, headers=headers)


async def source_of(client: httpx.AsyncClient, org: Org, url: str) -> Json:
    response = await add_source(client, org, url)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def queue(client: httpx.AsyncClient, org: Org, **params: Any) -> list[Json]:
    response = await client.get(
        "/v1/curation/entries", params={"limit": 100, **params}, headers=org.admin
    )
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


async def source_now(client: httpx.AsyncClient, org: Org, source: Json) -> Json:
    response = await client.get(f"/v1/curation/sources/{source['id']}", headers=org.admin)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def due_now(client: httpx.AsyncClient, org: Org, source: Json) -> None:
    response = await client.post(f"/v1/curation/sources/{source['id']}/poll", headers=org.admin)
    assert response.status_code == 200, response.text


def problem_fields(response: httpx.Response) -> list[str]:
    return [error["field"] for error in response.json()["errors"]]


# --- sources -------------------------------------------------------------------------------


async def test_create_source_reads_rss_and_queues_its_entries(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer
) -> None:
    source = await source_of(client, org, feeds.url("rss.xml"))
    assert (source["status"], source["entries_found"], source["last_error"]) == ("ok", 2, None)
    assert source["targeting"] == {"sub_program_ids": [org.sub], "program_ids": []}
    assert source["poll_interval_minutes"] == 60 and source["last_polled_at"]
    entries = await queue(client, org)
    assert sorted(e["link"] for e in entries) == [
        "https://blog.example/hiring",
        "https://blog.example/q3",
    ]
    entry = entries[0]
    assert (entry["status"], entry["source_id"], entry["summary"]) == (
        "pending",
        source["id"],
        "Read this",
    )
    assert entry["published_at"].startswith("2026-12-01T09:30:00")


async def test_create_source_reads_atom(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer
) -> None:
    await source_of(client, org, feeds.url("atom.xml"))
    [entry] = await queue(client, org)
    assert (entry["title"], entry["link"], entry["summary"]) == (
        "We opened Lyon",
        "https://press.example/lyon",
        "New office",
    )


@pytest.mark.parametrize(
    ("path", "reason"),
    [
        ("page.html", "HTML page"),
        ("garbage", "not serve a parseable RSS or Atom feed"),
        ("error", "HTTP 500"),
        ("missing", "HTTP 404"),
        ("slow", "did not answer within 3 s"),
        ("huge", "larger than 64 KiB"),
        ("loop", "redirects more than 3 times"),
    ],
)
async def test_create_source_with_unusable_feed_is_422_naming_url(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer, path: str, reason: str
) -> None:
    response = await add_source(client, org, feeds.url(path))
    assert response.status_code == 422, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert (body["code"] if "code" in body else body["type"]).endswith("feed_unusable")
    assert problem_fields(response) == ["url"] and reason in body["detail"]
    listed = await client.get("/v1/curation/sources", headers=org.admin)
    assert listed.json()["items"] == [] and await queue(client, org) == []


async def test_create_source_refuses_private_addresses_by_default(
    settings: Settings, org: Org, feeds: FeedServer
) -> None:
    guarded = settings.model_copy(update={"curation_allow_loopback": False})
    async with serving(build_app(guarded)) as client:
        for url in (
            feeds.url("rss.xml"),
            "http://localhost/rss",
            "http://[::1]/rss",
            "http://169.254.169.254/latest",
        ):
            response = await add_source(client, org, url)
            assert response.status_code == 422, (url, response.text)
            assert problem_fields(response) == ["url"] and "refused" in response.json()["detail"]
    assert feeds.hits["rss.xml"] == 0  # refused before any connection


async def test_create_source_with_bad_fields_lists_them(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer
) -> None:
    cases: list[tuple[Json, str]] = [
        ({"url": "ftp://example.com/feed"}, "url"),
        ({"poll_interval_minutes": 2}, "poll_interval_minutes"),
        ({"poll_interval_minutes": 1441}, "poll_interval_minutes"),
        ({"name": ""}, "name"),
        ({"targeting": {"sub_program_ids": [str(uuid.uuid4())]}}, "targeting.sub_program_ids"),
        ({"targeting": {"program_ids": [str(uuid.uuid4())]}}, "targeting.program_ids"),
        ({"targeting": {}}, "targeting"),
        ({"org_id": str(uuid.uuid4())}, "org_id"),
    ]
    for change, field_name in cases:
        body = {
            "name": "Blog",
            "url": feeds.url("rss.xml"),
            "targeting": {"sub_program_ids": [org.sub]},
        }
        response = await client.post(
            "/v1/curation/sources", json={**body, **change}, headers=org.admin
        )
        assert response.status_code == 422, (change, response.text)
        assert field_name in problem_fields(response), (change, response.text)


async def test_create_source_by_program_targets_its_sub_programs(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer
) -> None:
    body = {
        "name": "Blog",
        "url": feeds.url("rss.xml"),
        "targeting": {"program_ids": [org.program]},
    }
    response = await client.post("/v1/curation/sources", json=body, headers=org.admin)
    assert response.status_code == 201, response.text
    assert response.json()["targeting"]["program_ids"] == [org.program]


async def test_create_same_feed_twice_at_once_is_one_201_and_one_409(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer
) -> None:
    first, second = await asyncio.gather(
        add_source(client, org, feeds.url("rss.xml")), add_source(client, org, feeds.url("rss.xml"))
    )
    assert sorted([first.status_code, second.status_code]) == [201, 409]
    loser = first if first.status_code == 409 else second
    assert problem_fields(loser) == ["url"]
    assert len(await queue(client, org)) == 2


async def test_create_source_with_idempotency_key_replays(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer
) -> None:
    body = {
        "name": "Blog",
        "url": feeds.url("rss.xml"),
        "targeting": {"sub_program_ids": [org.sub]},
    }
    headers = {**org.admin, "Idempotency-Key": "blog-1"}
    first = await client.post("/v1/curation/sources", json=body, headers=headers)
    again = await client.post("/v1/curation/sources", json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true" and feeds.hits["rss.xml"] == 1


async def test_source_routes_by_role(
    client: httpx.AsyncClient, org: Org, local: Settings, feeds: FeedServer
) -> None:
    manager, stranger = uuid.uuid4(), uuid.uuid4()
    await grant(
        local.database_url,
        org_id=org.tenant.org_id,
        user_id=manager,
        scope_id=uuid.UUID(org.sub),
        role="program_manager",
    )
    elsewhere = await known_sub_program(local.database_url, org_id=org.tenant.org_id)
    await grant(
        local.database_url,
        org_id=org.tenant.org_id,
        user_id=stranger,
        scope_id=elsewhere,
        role="program_manager",
    )
    key = {
        "Authorization": "Bearer "
        + user_token(
            user_id=uuid.uuid4(),
            org_id=org.tenant.org_id,
            roles=[],
            kind="api_key",
            scopes=["content:read"],
        )
    }
    pm = org.as_("program_manager", user_id=manager)
    other_pm = org.as_("program_manager", user_id=stranger)

    created = await add_source(client, org, feeds.url("rss.xml"), headers=pm)
    assert created.status_code == 201, created.text
    path = f"/v1/curation/sources/{created.json()['id']}"
    for headers in (org.as_("employee"), org.as_("analyst"), org.as_("reviewer"), key, other_pm):
        refused = await add_source(client, org, feeds.url("atom.xml"), headers=headers)
        assert refused.status_code == 403, refused.text
    for headers in (org.as_("employee"), org.as_("reviewer"), key):
        assert (await client.get("/v1/curation/sources", headers=headers)).status_code == 403
        assert (await client.get(path, headers=headers)).status_code == 403
    analyst = org.as_("analyst")
    assert (await client.get(path, headers=analyst)).status_code == 200
    assert len((await client.get("/v1/curation/sources", headers=analyst)).json()["items"]) == 1
    assert (await client.patch(path, json={"name": "x"}, headers=analyst)).status_code == 403
    # A manager whose grants do not cover the source does not see it.
    assert (await client.get(path, headers=other_pm)).status_code == 404
    assert (await client.get("/v1/curation/sources", headers=other_pm)).json()["items"] == []
    assert (await client.patch(path, json={"name": "Ours"}, headers=pm)).status_code == 200


async def test_other_organisation_gets_404_for_sources_and_entries(
    client: httpx.AsyncClient, org: Org, local: Settings, feeds: FeedServer
) -> None:
    source = await source_of(client, org, feeds.url("rss.xml"))
    entry = (await queue(client, org))[0]
    other = await new_org(local)
    path, entry_path = f"/v1/curation/sources/{source['id']}", f"/v1/curation/entries/{entry['id']}"
    calls = [
        client.get(path, headers=other.admin),
        client.patch(path, json={"name": "Mine"}, headers=other.admin),
        client.delete(path, headers=other.admin),
        client.post(f"{path}/poll", headers=other.admin),
        client.get(entry_path, headers=other.admin),
        client.post(
            f"{entry_path}/accept", json={"sub_program_ids": [other.sub]}, headers=other.admin
        ),
        client.post(f"{entry_path}/discard", headers=other.admin),
    ]
    for response in [await call for call in calls]:
        assert response.status_code == 404, response.text
    assert (await client.get("/v1/curation/sources", headers=other.admin)).json()["items"] == []
    assert await queue(client, other) == []
    assert (await source_now(client, org, source))["name"] == "Blog"
    assert (await queue(client, org))[0]["status"] == "pending"


async def test_patch_pauses_resumes_and_repoints_a_source(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer, db: Database
) -> None:
    source = await source_of(client, org, feeds.url("rss.xml"))
    path = f"/v1/curation/sources/{source['id']}"
    paused = await client.patch(path, json={"paused": True}, headers=org.admin)
    assert paused.json()["status"] == "paused"
    refused = await client.post(f"{path}/poll", headers=org.admin)
    assert (refused.status_code, problem_fields(refused)) == (409, ["status"])
    resumed = await client.patch(
        path, json={"paused": False, "poll_interval_minutes": 5}, headers=org.admin
    )
    assert (resumed.json()["status"], resumed.json()["poll_interval_minutes"]) == ("ok", 5)
    html = await client.patch(path, json={"url": feeds.url("page.html")}, headers=org.admin)
    assert (html.status_code, problem_fields(html)) == (422, ["url"])
    moved = await client.patch(path, json={"url": feeds.url("atom.xml")}, headers=org.admin)
    assert (moved.json()["url"], moved.json()["entries_found"]) == (feeds.url("atom.xml"), 3)
    other = await source_of(client, org, feeds.url("rss.xml"))
    taken = await client.patch(
        f"/v1/curation/sources/{other['id']}",
        json={"url": feeds.url("atom.xml")},
        headers=org.admin,
    )
    assert (taken.status_code, problem_fields(taken)) == (409, ["url"])


async def test_delete_source_removes_pending_entries_and_keeps_decided_ones(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer
) -> None:
    source = await source_of(client, org, feeds.url("rss.xml"))
    first, _ = await queue(client, org)
    await client.post(f"/v1/curation/entries/{first['id']}/discard", headers=org.admin)
    deleted = await client.delete(f"/v1/curation/sources/{source['id']}", headers=org.admin)
    assert deleted.status_code == 204
    assert (
        await client.get(f"/v1/curation/sources/{source['id']}", headers=org.admin)
    ).status_code == 404
    assert [e["id"] for e in await queue(client, org)] == [first["id"]]


# --- the poller ------------------------------------------------------------------------------


async def test_poll_dedupes_links_across_polls_and_sources(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer, local: Settings, db: Database
) -> None:
    blog = await source_of(client, org, feeds.url("rss.xml"))
    variant = "https://BLOG.example/hiring/?utm_source=x&utm_medium=rss#top"
    watch_url = feeds.serve(
        "watch.xml", rss(("Hiring again", variant), ("New", "https://watch.example/n"))
    )
    watch = await source_of(client, org, watch_url)
    assert watch["entries_found"] == 1
    for source in (blog, watch):
        await due_now(client, org, source)
    assert await poller.tick(db, limits=LIMITS) == 2
    assert len(await queue(client, org)) == 3
    assert (await source_now(client, org, blog))["entries_found"] == 2
    # Another organisation queues the same links for itself.
    other = await new_org(local)
    await source_of(client, other, feeds.url("rss.xml"))
    assert len(await queue(client, other)) == 2


async def test_poll_failure_is_recorded_backed_off_and_cleared(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer, db: Database
) -> None:
    url = feeds.serve("switch.xml", rss(("A", "https://a.example/1")))
    source = await source_of(client, org, url)
    expected = [
        (HTML, "text/html", 200, "HTML page"),
        (GARBAGE, "application/octet-stream", 200, "parseable RSS or Atom"),
        (b"down", "text/plain", 503, "HTTP 503"),
    ]
    for failures, (body, kind, status, reason) in enumerate(expected, start=1):
        feeds.serve("switch.xml", body, status=status, kind=kind)
        await due_now(client, org, source)
        await poller.tick(db, limits=LIMITS)
        now = await source_now(client, org, source)
        assert (now["status"], now["consecutive_failures"]) == ("failing", failures)
        assert reason in now["last_error"] and now["last_error_at"]
        waited = _minutes(now["next_poll_at"], now["last_polled_at"])
        assert waited == pytest.approx(min(60 * 2**failures, 24 * 60), abs=0.1)
    feeds.serve("switch.xml", rss(("B", "https://a.example/2")))
    await due_now(client, org, source)
    await poller.tick(db, limits=LIMITS)
    now = await source_now(client, org, source)
    assert (now["status"], now["consecutive_failures"], now["last_error"]) == ("ok", 0, None)
    assert now["entries_found"] == 2


def _minutes(later: str, earlier: str) -> float:
    return (datetime.fromisoformat(later) - datetime.fromisoformat(earlier)).total_seconds() / 60


async def test_poller_loop_survives_every_bad_feed(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer, local: Settings, db: Database
) -> None:
    bad = {
        "b-html": (HTML, "text/html", 200),
        "b-garbage": (GARBAGE, "text/plain", 200),
        "b-500": (b"x", "text/plain", 500),
    }
    special = {"b-slow": "slow", "b-huge": "huge", "b-loop": "loop"}
    sources = [
        await source_of(client, org, feeds.serve(path, rss((path, f"https://{path}.example/1"))))
        for path in (*bad, *special)
    ]
    for path, (body, kind, status) in bad.items():
        feeds.serve(path, body, status=status, kind=kind)
    # From now on these sources answer slowly, with too much, or with a redirect loop.
    await _repoint_raw(db, {feeds.url(path): feeds.url(to) for path, to in special.items()})
    await _make_due(db)
    heartbeats = Heartbeats()
    fast = local.model_copy(update={"curation_tick_seconds": 0.05})
    loop = asyncio.create_task(poller.run(db, fast, heartbeats))
    try:
        for _ in range(100):
            states = [(await source_now(client, org, s))["status"] for s in sources]
            if states == ["failing"] * len(sources):
                break
            await asyncio.sleep(0.1)
        assert states == ["failing"] * len(sources)
        assert not loop.done() and "curation" in heartbeats.beats
    finally:
        loop.cancel()


async def _make_due(db: Database) -> None:
    async with db.transaction() as session:
        await session.execute(
            text("UPDATE curation_sources SET next_poll_at = :now"), {"now": datetime.now(UTC)}
        )


async def _repoint_raw(db: Database, moves: dict[str, str]) -> None:
    # Straight in the table: the API refuses to point a source at a feed that does not work.
    async with db.transaction() as session:
        for old, new in moves.items():
            await session.execute(
                text("UPDATE curation_sources SET url = :new WHERE url = :old"),
                {"new": new, "old": old},
            )


async def test_two_pollers_at_once_fetch_each_source_once(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer, local: Settings
) -> None:
    sources = [
        await source_of(
            client, org, feeds.serve(f"p{i}.xml", rss((f"T{i}", f"https://p.example/{i}")))
        )
        for i in range(4)
    ]
    for source in sources:
        await due_now(client, org, source)
    feeds.hits.clear()
    first, second = Database(local.database_url), Database(local.database_url)
    try:
        polled = await asyncio.gather(
            poller.tick(first, limits=LIMITS), poller.tick(second, limits=LIMITS)
        )
    finally:
        await first.dispose()
        await second.dispose()
    assert sum(polled) == 4
    assert feeds.hits == Counter({f"p{i}.xml": 1 for i in range(4)})


async def test_poll_sends_conditional_get_and_keeps_entries_on_304(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer, db: Database
) -> None:
    source = await source_of(client, org, feeds.url("etag"))
    await due_now(client, org, source)
    await poller.tick(db, limits=LIMITS)
    assert feeds.validators[-1] == '"v1"'
    now = await source_now(client, org, source)
    assert (now["status"], now["entries_found"]) == ("ok", 1)


async def test_poll_refuses_private_addresses_at_fetch_time(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer, db: Database
) -> None:
    source = await source_of(client, org, feeds.url("rss.xml"))
    await due_now(client, org, source)
    feeds.hits.clear()
    await poller.tick(db, limits=Limits(allow_loopback=False))
    now = await source_now(client, org, source)
    assert now["status"] == "failing" and "refused" in now["last_error"]
    assert feeds.hits["rss.xml"] == 0


async def test_paused_source_is_not_polled(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer, db: Database
) -> None:
    source = await source_of(client, org, feeds.url("rss.xml"))
    await due_now(client, org, source)
    await client.patch(
        f"/v1/curation/sources/{source['id']}", json={"paused": True}, headers=org.admin
    )
    assert await poller.tick(db, limits=LIMITS) == 0


# --- the queue -------------------------------------------------------------------------------


async def test_accept_entry_makes_a_draft_and_stages_content_created(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer, local: Settings
) -> None:
    await source_of(client, org, feeds.url("atom.xml"))
    [entry] = await queue(client, org)
    accepted = await client.post(f"/v1/curation/entries/{entry['id']}/accept", headers=org.admin)
    assert accepted.status_code == 200, accepted.text
    body = accepted.json()
    assert body["status"] == "accepted" and body["content_id"] and body["decided_at"]
    item = (await client.get(f"/v1/content/{body['content_id']}", headers=org.admin)).json()
    assert (item["status"], item["source"], item["kind"]) == ("draft", "curation", "article")
    assert (item["title"], item["url"], item["body"]) == (
        "We opened Lyon",
        "https://press.example/lyon",
        "New office",
    )
    assert item["sub_program_ids"] == [org.sub]
    records = await read_all(local.kafka_bootstrap_servers, local.topic(TOPIC), expected=1)
    created = [r for r in records if orjson.loads(r.value)["content_id"] == body["content_id"]]
    headers = {k: v.decode() for k, v in created[0].headers}
    assert headers["ce_type"] == "content.item.created.v1"
    assert (headers["ce_orgid"], headers["ce_subprogramid"]) == (str(org.tenant.org_id), org.sub)
    assert orjson.loads(created[0].value)["source"] == "curation"


async def test_accept_entry_overrides_fields_and_targets(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer, local: Settings
) -> None:
    await source_of(client, org, feeds.url("atom.xml"))
    [entry] = await queue(client, org)
    other_sub = str(await known_sub_program(local.database_url, org_id=org.tenant.org_id))
    path = f"/v1/curation/entries/{entry['id']}/accept"
    unknown = await client.post(
        path, json={"sub_program_ids": [str(uuid.uuid4())]}, headers=org.admin
    )
    assert (unknown.status_code, problem_fields(unknown)) == (422, ["sub_program_ids"])
    extra = await client.post(path, json={"status": "accepted"}, headers=org.admin)
    assert (extra.status_code, problem_fields(extra)) == (422, ["status"])
    assert (await queue(client, org))[0]["status"] == "pending"
    body = {
        "kind": "post",
        "title": "Lyon!",
        "body": "We are in Lyon",
        "sub_program_ids": [other_sub],
        "topics": ["offices"],
    }
    accepted = await client.post(path, json=body, headers=org.admin)
    assert accepted.status_code == 200, accepted.text
    item = (
        await client.get(f"/v1/content/{accepted.json()['content_id']}", headers=org.admin)
    ).json()
    assert (item["kind"], item["title"], item["body"]) == ("post", "Lyon!", "We are in Lyon")
    assert (item["sub_program_ids"], item["topics"]) == ([other_sub], ["offices"])


async def test_accept_needs_a_grant_covering_the_targets(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer, local: Settings
) -> None:
    await source_of(client, org, feeds.url("atom.xml"))
    [entry] = await queue(client, org)
    path = f"/v1/curation/entries/{entry['id']}/accept"
    assert (await client.post(path, headers=org.as_("analyst"))).status_code == 403
    assert (await client.post(path, headers=org.as_("employee"))).status_code == 403
    manager = uuid.uuid4()
    await grant(
        local.database_url,
        org_id=org.tenant.org_id,
        user_id=manager,
        scope_id=uuid.UUID(org.program),
        role="program_manager",
        scope_type="program",
    )
    accepted = await client.post(path, headers=org.as_("program_manager", user_id=manager))
    assert accepted.status_code == 200, accepted.text


async def test_accept_and_discard_at_once_is_one_200_and_one_409(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer
) -> None:
    await source_of(client, org, feeds.url("rss.xml"))
    first, second = await queue(client, org)
    raced = await asyncio.gather(
        client.post(f"/v1/curation/entries/{first['id']}/accept", headers=org.admin),
        client.post(f"/v1/curation/entries/{first['id']}/discard", headers=org.admin),
    )
    assert sorted(r.status_code for r in raced) == [200, 409]
    twice = await asyncio.gather(
        client.post(f"/v1/curation/entries/{second['id']}/accept", headers=org.admin),
        client.post(f"/v1/curation/entries/{second['id']}/accept", headers=org.admin),
    )
    assert sorted(r.status_code for r in twice) == [200, 409]
    loser = next(r for r in twice if r.status_code == 409)
    assert problem_fields(loser) == ["status"]
    library = (await client.get("/v1/content", params={"limit": 100}, headers=org.admin)).json()
    accepted = sum(
        1 for r in (*raced, *twice) if r.status_code == 200 and r.json()["status"] == "accepted"
    )
    assert len(library["items"]) == accepted


async def test_discarded_link_is_not_queued_again(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer, db: Database
) -> None:
    source = await source_of(client, org, feeds.url("rss.xml"))
    entry = (await queue(client, org))[0]
    discarded = await client.post(f"/v1/curation/entries/{entry['id']}/discard", headers=org.admin)
    assert discarded.json()["status"] == "discarded"
    again = await client.post(f"/v1/curation/entries/{entry['id']}/accept", headers=org.admin)
    assert (again.status_code, problem_fields(again)) == (409, ["status"])
    await due_now(client, org, source)
    await poller.tick(db, limits=LIMITS)
    assert len(await queue(client, org)) == 2
    assert [e["id"] for e in await queue(client, org, status="discarded")] == [entry["id"]]


async def test_list_entries_filters_and_paginates(
    client: httpx.AsyncClient, org: Org, feeds: FeedServer
) -> None:
    blog = await source_of(client, org, feeds.url("rss.xml"))
    await source_of(client, org, feeds.url("atom.xml"))
    assert len(await queue(client, org, source_id=blog["id"])) == 2
    assert len(await queue(client, org, status="pending")) == 3
    assert await queue(client, org, status="accepted") == []
    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/curation/entries", params=params, headers=org.admin)).json()
        seen += [e["id"] for e in page["items"]]
        if not (cursor := page["next_cursor"]):
            break
    assert len(seen) == len(set(seen)) == 3
    bad = await client.get("/v1/curation/entries", params={"status": "maybe"}, headers=org.admin)
    assert (bad.status_code, problem_fields(bad)) == (422, ["status"])

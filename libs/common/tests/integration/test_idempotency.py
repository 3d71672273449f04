"""Idempotency-Key mechanism on a tiny app over real PostgreSQL: replays, failures, twins, purge."""

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request, Response
from pydantic import BaseModel
from sqlalchemy import Column, Integer, MetaData, String, Table, func, insert, select
from sqlmodel import SQLModel, col

from advocacy_testing.apps import Tenant, serving
from advocacy_testing.databases import create_database, drop_database
from common.app import ServiceSpec, create_app
from common.db import Database
from common.dependencies import DbSession
from common.errors import Conflict
from common.idempotency import Idempotent, purge_expired, request_hash
from common.idempotency_table import IdempotencyRecord
from common.settings import ServiceSettings

# A business table of the test's own (kept out of the shared SQLModel metadata).
things = Table(
    "things",
    MetaData(),
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False),
)


class ThingIn(BaseModel):
    name: str
    delay: float = 0.0


class ThingOut(BaseModel):
    id: int
    name: str


router = APIRouter()


@router.post("/things", status_code=201, response_model=ThingOut)
async def create_thing(
    data: ThingIn, request: Request, session: DbSession, once: Idempotent
) -> ThingOut | Response:
    async def create() -> ThingOut:
        statement = insert(things).values(name=data.name).returning(things.c.id)
        thing_id = (await session.execute(statement)).scalar_one()
        await asyncio.sleep(data.delay)  # widens the window a twin could slip through
        if request.app.state.failures_left > 0:
            request.app.state.failures_left -= 1
            raise Conflict("failing on purpose", field="name")
        return ThingOut(id=thing_id, name=data.name)

    return await once.run(create)


@pytest.fixture
async def url(postgres_url: str) -> AsyncIterator[str]:
    url = await create_database(postgres_url, prefix="idempotency")
    db = Database(url)
    async with db.engine.begin() as connection:
        await connection.run_sync(things.metadata.create_all)
        table = IdempotencyRecord.__table__  # type: ignore[attr-defined]
        await connection.run_sync(SQLModel.metadata.create_all, tables=[table])
    await db.dispose()
    yield url
    await drop_database(postgres_url, url)


@pytest.fixture
async def db(url: str) -> AsyncIterator[Database]:
    database = Database(url)
    yield database
    await database.dispose()


@pytest.fixture
def app(url: str) -> FastAPI:
    settings = ServiceSettings(env="test", service_name="idempotency-test", database_url=url)
    app = create_app(ServiceSpec(settings=settings, title="t", description="t", routers=[router]))
    app.state.failures_left = 0
    return app


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with serving(app) as client:
        yield client


async def rows(db: Database, table: Any) -> int:
    async with db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(table))).scalar_one())


def keyed(key: str = "key-1") -> dict[str, str]:
    return Tenant().headers() | {"Idempotency-Key": key}


async def test_replay_returns_the_stored_response_without_doing_the_work(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = keyed()
    first = await client.post("/things", json={"name": "a"}, headers=headers)
    again = await client.post("/things", json={"name": "a"}, headers=headers)

    assert (first.status_code, again.status_code) == (201, 201)
    assert again.content == first.content
    assert again.headers["content-type"] == "application/json"
    assert await rows(db, things) == 1


async def test_without_a_key_every_request_does_the_work(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers = Tenant().headers()
    for _ in range(2):
        assert (await client.post("/things", json={"name": "a"}, headers=headers)).is_success
    assert (await rows(db, things), await rows(db, IdempotencyRecord)) == (2, 0)


async def test_a_failed_request_leaves_no_key_and_can_be_retried(
    client: httpx.AsyncClient, db: Database, app: FastAPI
) -> None:
    app.state.failures_left = 1
    headers = keyed()
    failed = await client.post("/things", json={"name": "a"}, headers=headers)
    assert failed.status_code == 409
    assert (await rows(db, things), await rows(db, IdempotencyRecord)) == (0, 0)

    retried = await client.post("/things", json={"name": "a"}, headers=headers)
    assert retried.status_code == 201
    assert (await rows(db, things), await rows(db, IdempotencyRecord)) == (1, 1)


async def test_concurrent_twins_wait_for_the_first_and_get_its_response(
    client: httpx.AsyncClient, db: Database
) -> None:
    headers, body = keyed(), {"name": "a", "delay": 0.3}
    first, second = await asyncio.gather(
        client.post("/things", json=body, headers=headers),
        client.post("/things", json=body, headers=headers),
    )
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.content == second.content
    assert await rows(db, things) == 1


async def test_the_twin_of_a_failed_request_does_the_work_itself(
    client: httpx.AsyncClient, db: Database, app: FastAPI
) -> None:
    app.state.failures_left = 1
    headers, body = keyed(), {"name": "a", "delay": 0.3}
    first, second = await asyncio.gather(
        client.post("/things", json=body, headers=headers),
        client.post("/things", json=body, headers=headers),
    )
    assert sorted([first.status_code, second.status_code]) == [201, 409]
    assert (await rows(db, things), await rows(db, IdempotencyRecord)) == (1, 1)


async def test_purge_forgets_only_keys_past_retention(db: Database) -> None:
    now = datetime.now(UTC)
    async with db.transaction() as session:
        for key, age in (("old", timedelta(hours=25)), ("recent", timedelta(hours=23))):
            session.add(
                IdempotencyRecord(
                    scope="s", key=key, request_hash="h", status_code=201, created_at=now - age
                )
            )
    async with db.transaction() as session:
        assert await purge_expired(session) == 1
    async with db.transaction() as session:
        keys = (await session.execute(select(col(IdempotencyRecord.key)))).scalars().all()
    assert keys == ["recent"]


def test_request_hash_ignores_key_order_but_not_values_or_path() -> None:
    base = request_hash(method="POST", path="/things", body=b'{"a": 1, "b": 2}')
    assert base == request_hash(method="POST", path="/things", body=b'{"b":2,"a":1}')
    assert base != request_hash(method="POST", path="/things", body=b'{"a": 1, "b": 3}')
    assert base != request_hash(method="POST", path="/other", body=b'{"a": 1, "b": 2}')

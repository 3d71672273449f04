"""HR's CSV import as a job: the header checked at upload, the rows run by the worker in chunks
(its tick, in-process, on the real database), good rows kept, bad rows reported with their row
and field, progress readable between chunks, a re-run that changes nothing, a killed chunk
resumed without applying anything twice, each job run by one worker, organisations apart."""

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, text
from sqlmodel import col

from advocacy_testing.apps import Tenant
from advocacy_testing.identity import user_token
from ambassadors.config import Settings
from ambassadors.imports import repository as imports
from ambassadors.imports import runner
from ambassadors.imports.models import CsvImport, CsvImportFile
from common.db import Database
from common.failures import is_infrastructure
from common.outbox import OutboxMessage

SYNCED = "ambassadors.employee.synced.v1"
HEADER = "external_id,user_name,email,department,employment_status,active_networks,is_executive"
URL = "/v1/hr/imports"


def hr_key(org: Tenant) -> dict[str, str]:
    token = user_token(
        user_id=uuid.uuid4(),
        org_id=org.org_id,
        roles=["integration"],
        kind="api_key",
        scopes=["hr:write"],
    )
    return {"Authorization": f"Bearer {token}"}


def people(count: int, *, start: int = 1, department: str = "Sales") -> list[str]:
    return [
        f"E-{n:04d},p{n}@example.com,p{n}@example.com,{department},active,linkedin;x,false"
        for n in range(start, start + count)
    ]


def csv(*rows: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


async def upload(
    client: httpx.AsyncClient, org: Tenant, content: bytes, **headers: str
) -> dict[str, Any]:
    response = await client.post(
        URL, content=content, headers={**hr_key(org), "content-type": "text/csv", **headers}
    )
    assert response.status_code == 202, response.text
    assert response.headers["location"] == f"{URL}/{response.json()['id']}"
    return dict(response.json())


async def job(client: httpx.AsyncClient, org: Tenant, import_id: str) -> dict[str, Any]:
    response = await client.get(f"{URL}/{import_id}", headers=hr_key(org))
    assert response.status_code == 200, response.text
    return dict(response.json())


async def errors(client: httpx.AsyncClient, org: Tenant, import_id: str) -> list[dict[str, Any]]:
    """Every error row, following the cursor with small pages."""
    found: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = await client.get(f"{URL}/{import_id}/errors", params=params, headers=hr_key(org))
        assert page.status_code == 200, page.text
        found += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return found


async def synced_events(db: Database) -> int:
    async with db.transaction() as session:
        query = select(func.count()).where(col(OutboxMessage.event_type) == SYNCED)
        return int((await session.execute(query)).scalar_one())


async def employees(client: httpx.AsyncClient, org: Tenant) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    cursor: str | None = None
    while True:
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/v1/employees", params=params, headers=hr_key(org))).json()
        found |= {e["external_id"]: e for e in page["items"]}
        cursor = page["next_cursor"]
        if cursor is None:
            return found


async def test_good_rows_are_kept_and_bad_rows_reported_with_their_fields(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    taken = await client.put(
        "/v1/hr/employees/E-9000",
        json={"user_name": "taken@example.com"},
        headers=org.headers(admin=True),
    )
    assert taken.status_code == 201
    content = csv(
        *people(2),
        "E-0003,p3@example.com,not-an-address,Sales,active,linkedin,false",
        "E-0004,p4@example.com,,Sales,retired,myspace,maybe",
        "E-0005,p5@example.com,,Sales",
        "E-0001,again@example.com,,Sales,active,,false",
        ",p7@example.com,,Sales,active,,false",
        "E-0008,taken@example.com,,Sales,active,,false",
        '"E-0009","P9@Example.com","p9@example.com","R&D, Lyon",on_leave,,TRUE',
    )
    created = await upload(client, org, content)
    assert created["status"] == "queued" and created["rows_total"] == 9
    assert created["rows_done"] == 0 and created["file_name"] is None

    assert (await runner.tick(db)) is not None
    done = await job(client, org, created["id"])
    assert done["status"] == "succeeded" and done["finished_at"] is not None
    assert (done["rows_done"], done["rows_failed"], done["rows_changed"]) == (9, 6, 3)
    report = {
        row["row"]: {e["field"] for e in row["errors"]}
        for row in await errors(client, org, created["id"])
    }
    assert report == {
        4: {"email"},
        5: {"employment_status", "active_networks", "is_executive"},
        6: {"row"},
        7: {"external_id"},
        8: {"external_id"},
        9: {"user_name"},
    }
    kept = await employees(client, org)
    assert set(kept) == {"E-0001", "E-0002", "E-0009", "E-9000"}
    assert kept["E-0001"]["user_name"] == "p1@example.com"  # row 7 did not overwrite it
    assert kept["E-0001"]["active_networks"] == ["linkedin", "x"]
    assert kept["E-0009"]["department"] == "R&D, Lyon" and kept["E-0009"]["is_executive"]
    assert kept["E-0009"]["user_name"] == "p9@example.com" and kept["E-0001"]["source"] == "csv"
    assert await synced_events(db) == 1 + 3
    async with db.transaction() as session:  # the people's data leaves with the job's end
        assert (await session.execute(select(CsvImportFile))).first() is None


async def test_progress_is_readable_between_chunks(client: httpx.AsyncClient, db: Database) -> None:
    org = Tenant()
    created = await upload(client, org, csv(*people(4), "E-0005,bad", *people(20, start=6)))
    assert await runner.tick(db, chunk_rows=10, max_chunks=1) is not None
    halfway = await job(client, org, created["id"])
    assert halfway["status"] == "running" and halfway["started_at"] is not None
    assert (halfway["rows_total"], halfway["rows_done"], halfway["rows_failed"]) == (25, 10, 1)
    assert [e["row"] for e in await errors(client, org, created["id"])] == [6]
    assert len(await employees(client, org)) == 9
    listed = (await client.get(URL, params={"status": "running"}, headers=hr_key(org))).json()
    assert [j["id"] for j in listed["items"]] == [created["id"]]

    assert await runner.tick(db, chunk_rows=10) is not None
    done = await job(client, org, created["id"])
    assert (done["status"], done["rows_done"], done["rows_changed"]) == ("succeeded", 25, 24)
    assert await runner.tick(db) is None  # nothing left to run


async def test_running_the_same_file_again_changes_nothing(
    client: httpx.AsyncClient, db: Database
) -> None:
    org = Tenant()
    content = csv(*people(30))
    first = await upload(client, org, content)
    await runner.tick(db, chunk_rows=7)
    assert (await job(client, org, first["id"]))["rows_changed"] == 30
    assert await synced_events(db) == 30
    before = await employees(client, org)

    again = await upload(client, org, content)
    assert again["id"] != first["id"] and again["file_sha256"] == first["file_sha256"]
    await runner.tick(db, chunk_rows=7)
    rerun = await job(client, org, again["id"])
    assert (rerun["status"], rerun["rows_done"], rerun["rows_changed"]) == ("succeeded", 30, 0)
    assert await synced_events(db) == 30
    assert await employees(client, org) == before  # same versions, same updated_at


async def _blocked_on_a_lock(db: Database) -> int:
    """The backend of ours that waits for a row lock (the worker's), once it does."""
    query = text(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
        "AND wait_event_type = 'Lock'"
    )
    for _ in range(600):
        async with db.transaction() as session:
            pid = (await session.execute(query)).scalar_one_or_none()
        if pid is not None:
            return int(pid)
        await asyncio.sleep(0.05)
    raise AssertionError("the worker never waited for the lock")


async def test_a_job_killed_mid_chunk_resumes_from_its_checkpoint(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    org = Tenant()
    created = await upload(client, org, csv(*people(25)))
    # Chunk 2 (rows of E-0011..E-0020) will stop on E-0015, locked by someone else.
    blocker = await client.put(
        "/v1/hr/employees/E-0015", json={"user_name": "p15@example.com"}, headers=hr_key(org)
    )
    assert blocker.status_code == 201
    worker = Database(settings.database_url)
    try:
        async with db.transaction() as holder:
            await holder.execute(
                text("SELECT 1 FROM employees WHERE external_id = 'E-0015' FOR UPDATE")
            )
            ticking = asyncio.create_task(runner.tick(worker, chunk_rows=10))
            pid = await _blocked_on_a_lock(db)
            # The worker's connection dies mid-chunk, as when its process is killed.
            async with db.transaction() as session:
                await session.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            with pytest.raises(Exception) as lost:  # noqa: B017 - the driver's word for it
                await ticking
            assert is_infrastructure(lost.value), repr(lost.value)
    finally:
        await worker.dispose()
    killed = await job(client, org, created["id"])
    assert (killed["status"], killed["rows_done"]) == ("running", 10)
    assert len(await employees(client, org)) == 11  # chunk 1 and the blocker: chunk 2 undone
    assert await runner.tick(db) is None  # its lease has not run out yet

    later = datetime.now(UTC) + 2 * runner.LEASE
    assert await runner.tick(db, now=later, chunk_rows=10) is not None
    done = await job(client, org, created["id"])
    assert (done["status"], done["rows_done"], done["rows_changed"]) == ("succeeded", 25, 25)
    assert len(await employees(client, org)) == 25
    # Once each: 24 created by the import, the blocker created then updated (new e-mail).
    assert await synced_events(db) == 1 + 25
    async with db.transaction() as session:
        stored = await session.get(CsvImport, uuid.UUID(created["id"]))
        assert stored is not None and stored.attempts == 2


async def test_two_workers_run_each_job_once(
    client: httpx.AsyncClient, db: Database, settings: Settings
) -> None:
    org, other = Tenant(), Tenant()
    ours = await upload(client, org, csv(*people(40)))
    theirs = await upload(client, other, csv(*people(40)))
    # Worker B may not wait for A's lock: waiting would fail it (55P03) rather than hang.
    b = Database(settings.database_url, connect_args={"server_settings": {"lock_timeout": "3s"}})
    token, now = uuid.uuid4(), datetime.now(UTC)
    try:
        async with db.transaction() as session:  # worker A, its claim not yet committed
            first = await imports.claim(session, token=token, now=now, until=now + runner.LEASE)
            assert first is not None and str(first.id) == ours["id"]
            second = await runner.tick(b, chunk_rows=5)
            assert second is not None and str(second.id) == theirs["id"]
            assert await runner.tick(b) is None  # nothing else waits: A's job is A's
        await runner.run_claimed(db, first, token=token, chunk_rows=5)
    finally:
        await b.dispose()
    async with db.transaction() as session:
        attempts = (await session.execute(select(col(CsvImport.attempts)))).scalars().all()
    assert attempts == [1, 1]
    for tenant, created in ((org, ours), (other, theirs)):
        done = await job(client, tenant, created["id"])
        assert (done["status"], done["rows_done"], done["rows_changed"]) == ("succeeded", 40, 40)
    assert await synced_events(db) == 80


async def test_other_organisations_see_no_import(client: httpx.AsyncClient, db: Database) -> None:
    org, other = Tenant(), Tenant()
    created = await upload(client, org, csv(*people(3), "E-0004,bad"))
    await runner.tick(db)
    for path in (f"{URL}/{created['id']}", f"{URL}/{created['id']}/errors"):
        foreign = await client.get(path, headers=other.headers(admin=True))
        assert foreign.status_code == 404, foreign.text
        assert foreign.json()["type"].endswith("import_not_found")
    assert (await client.get(URL, headers=hr_key(other))).json()["items"] == []
    assert await employees(client, other) == {}
    # Their own file with the same external ids makes their own employees, ours untouched.
    theirs = await upload(client, other, csv(*people(3, department="CSR")))
    await runner.tick(db)
    assert (await job(client, other, theirs["id"]))["rows_changed"] == 3
    assert {e["department"] for e in (await employees(client, org)).values()} == {"Sales"}
    # Only HR writers: an employee of the organisation is refused, the admin allowed.
    assert (await client.get(URL, headers=org.headers())).status_code == 403
    assert (await client.get(f"{URL}/{created['id']}", headers=org.headers())).status_code == 403
    refused = await client.post(
        URL, content=csv(*people(1)), headers={**org.headers(), "content-type": "text/csv"}
    )
    assert refused.status_code == 403
    mine = await client.get(URL, headers=org.headers(admin=True))
    assert [j["id"] for j in mine.json()["items"]] == [created["id"]]


@pytest.mark.parametrize(
    ("content", "named"),
    [
        (csv(*people(1), header=HEADER + ",salary"), "'salary'"),
        (b"external_id,email\nE-1,a@example.com\n", "'user_name'"),
        (b"external_id,user_name,User_Name\nE-1,a,b\n", "appears more than once"),
        (b"external_id,user_name\n", "no rows"),
        (b"", "empty"),
        (b"  \n\n", "empty"),
        ("external_id,user_name\nE-1,zoë@example.com\n".encode("latin-1"), "UTF-8"),
        (b'external_id,user_name\nE-1,"unterminated\n', "line"),
    ],
)
async def test_a_file_that_cannot_be_imported_is_refused_at_once(
    client: httpx.AsyncClient, content: bytes, named: str
) -> None:
    org = Tenant()
    response = await client.post(
        URL, content=content, headers={**hr_key(org), "content-type": "text/csv"}
    )
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["type"].endswith("invalid_csv")
    assert body["errors"][0]["field"] in ("columns", "file") and named in response.text
    assert (await client.get(URL, headers=hr_key(org))).json()["items"] == []


async def test_the_media_type_and_the_form_field_are_checked(client: httpx.AsyncClient) -> None:
    org = Tenant()
    as_json = await client.post(URL, json={"external_id": "E-1"}, headers=hr_key(org))
    assert as_json.status_code == 415 and as_json.json()["errors"][0]["field"] == "content-type"
    no_file = await client.post(
        URL, data={"file": "E-1"}, files={"other": b"x"}, headers=hr_key(org)
    )
    assert no_file.status_code == 422 and no_file.json()["errors"][0]["field"] == "file"


async def test_size_bounds_are_the_upload_routes_own(client: httpx.AsyncClient) -> None:
    org = Tenant()
    filler = "x" * 150
    big = csv(
        *(f"E-{n},p{n}@example.com,,{filler}" for n in range(8_000)),
        header="external_id,user_name,email,job_title",
    )
    assert 1_048_576 < len(big) < 20 * 1024 * 1024
    # Above the service's 1 MiB everywhere else, accepted here...
    accepted = await client.post(
        URL, content=big, headers={**hr_key(org), "content-type": "text/csv"}
    )
    assert accepted.status_code == 202, accepted.text[:300]
    elsewhere = await client.put(
        "/v1/hr/employees/E-1",
        content=big,
        headers={**hr_key(org), "content-type": "application/json"},
    )
    assert elsewhere.status_code == 413
    # ...up to 20 MiB, and 200,000 rows.
    huge = b"external_id,user_name\n" + b"E-1,a@example.com," + b"x" * (20 * 1024 * 1024)
    too_big = await client.post(
        URL, content=huge, headers={**hr_key(org), "content-type": "text/csv"}
    )
    assert too_big.status_code == 413 and too_big.json()["type"].endswith("payload_too_large")
    many = csv(*(f"E-{n},p{n}@x.io" for n in range(200_001)), header="external_id,user_name")
    too_many = await client.post(
        URL, content=many, headers={**hr_key(org), "content-type": "text/csv"}
    )
    assert too_many.status_code == 413 and too_many.json()["type"].endswith("too_many_rows")
    listed = (await client.get(URL, headers=hr_key(org))).json()["items"]
    assert [j["id"] for j in listed] == [accepted.json()["id"]]


async def test_a_multipart_upload_with_an_idempotency_key_is_queued_once(
    client: httpx.AsyncClient,
) -> None:
    org = Tenant()
    content = csv(*people(3))
    headers = {**hr_key(org), "Idempotency-Key": "upload-1"}
    sent = [
        await client.post(URL, files={"file": ("staff.csv", content, "text/csv")}, headers=headers)
        for _ in range(2)
    ]
    assert [r.status_code for r in sent] == [202, 202], sent[0].text
    assert sent[0].json()["file_name"] == "staff.csv"
    assert sent[1].json()["id"] == sent[0].json()["id"]
    assert sent[1].headers["idempotent-replayed"] == "true"
    assert sent[1].headers["location"] == f"{URL}/{sent[0].json()['id']}"
    other_file = await client.post(
        URL, files={"file": ("staff.csv", csv(*people(4)), "text/csv")}, headers=headers
    )
    assert other_file.status_code == 422 and "Idempotency-Key" in other_file.text
    assert len((await client.get(URL, headers=hr_key(org))).json()["items"]) == 1

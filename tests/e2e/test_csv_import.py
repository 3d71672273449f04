"""An HR CSV import through the gateway and the real processes: a file over the usual 1 MiB
body bound is uploaded, the ambassadors worker process runs the job, its progress and error
report are read through the gateway, and the employees are listed."""

import uuid
from typing import Any

import httpx

from advocacy_testing.apps import Tenant
from advocacy_testing.polling import eventually
from advocacy_testing.stack import Stack

ROWS = 5_000
HEADER = "external_id,user_name,display_name,department,location,job_title,active_networks"


def _file() -> bytes:
    padding = "x" * 180  # long titles: the file is over the gateway's usual 1 MiB
    rows = [
        f"E-{n:05d},p{n}@example.com,Person {n},Sales,Lyon,Account executive {padding},linkedin"
        for n in range(1, ROWS + 1)
    ]
    rows[41] = "E-00042,p42@example.com,Person 42,Sales,Lyon,Rep,myspace"
    return ("\n".join([HEADER, *rows]) + "\n").encode()


async def test_a_csv_import_runs_in_the_worker_and_its_employees_are_listed(
    stack: Stack,
) -> None:
    tenant = Tenant()
    admin = tenant.headers(admin=True)
    content = _file()
    assert len(content) > 1_048_576
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        upload = await gw.post(
            "/v1/hr/imports",
            files={"file": ("people.csv", content, "text/csv")},
            headers={**admin, "Idempotency-Key": str(uuid.uuid4())},
        )
        assert upload.status_code == 202, upload.text
        location = upload.headers["location"]
        assert location == f"/v1/hr/imports/{upload.json()['id']}"

        async def progress() -> dict[str, Any]:
            return dict((await gw.get(location, headers=admin)).json())

        done = await eventually(progress, lambda job: job["status"] == "succeeded", timeout=120)
        assert (done["rows_total"], done["rows_done"]) == (ROWS, ROWS)
        assert (done["rows_failed"], done["rows_changed"]) == (1, ROWS - 1)
        report = (await gw.get(f"{location}/errors", headers=admin)).json()["items"]
        assert report == [
            {
                "row": 43,
                "external_id": "E-00042",
                "errors": [
                    {"field": "active_networks", "message": report[0]["errors"][0]["message"]}
                ],
            }
        ]
        listed = await gw.get("/v1/employees", params={"external_id": "E-05000"}, headers=admin)
        assert [e["display_name"] for e in listed.json()["items"]] == ["Person 5000"]
        first = await gw.get("/v1/employees", params={"limit": 100}, headers=admin)
        assert len(first.json()["items"]) == 100 and first.json()["next_cursor"]

        # Another organisation sees none of it.
        other = Tenant().headers(admin=True)
        assert (await gw.get(location, headers=other)).status_code == 404
        # The route's own bound holds at the gateway too.
        huge = b"external_id,user_name\n" + b"x" * (20 * 1024 * 1024)
        too_big = await gw.post(
            "/v1/hr/imports", content=huge, headers={**admin, "content-type": "text/csv"}
        )
        assert too_big.status_code == 413, too_big.text

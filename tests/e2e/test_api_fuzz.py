"""Property-based testing of the whole public API through the gateway (schemathesis), with two
organisations, then org B's credentials replayed on every object of org A.

The fuzzers check every answer against the merged OpenAPI document (status, content type,
headers, body); org A's admin also runs the stateful phase, which creates programs, sub-programs,
grants, content and API keys by following the document's links. Afterwards every id of org A is
sent through every id-templated operation with org B's credentials: each must be a 404, and org
A's objects must be as they were.
"""

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest

from advocacy_testing import cross_tenant
from advocacy_testing.apps import Tenant
from advocacy_testing.fuzzing import FuzzResult, FuzzRun, fuzz
from advocacy_testing.polling import eventually
from advocacy_testing.processes import LOG_DIR
from advocacy_testing.rooms.content_curation import feed_url
from advocacy_testing.stack import Stack, running_stack
from common.auth import SCOPES

# not_a_server_error: no input makes us answer 5xx; negative_data_rejection: invalid input is a
# 4xx; ignored_auth: an operation that declares auth refuses a request without it; the four
# conformance checks: every answer's status, content type, headers and body are the documented
# ones (errors included: common.openapi documents them, the gateway's merge adds its own).
CHECKS = ",".join(
    (
        "not_a_server_error",
        "negative_data_rejection",
        "ignored_auth",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
    )
)
SEED = 20261124
MIN_REQUESTS = 5000
ORG_A, ORG_B, OPERATOR = Tenant(), Tenant(), Tenant()
ORG_A_EMPLOYEE = uuid.uuid4()
ALL_PHASES = "examples,coverage,fuzzing,stateful"
STATELESS = "examples,coverage,fuzzing"
Credential = Callable[[], dict[str, str]]
# (run, credential, phases, examples per operation, only these paths); about 5,900 requests.
RUNS: dict[str, tuple[Credential, str, int, str | None]] = {
    # Examples per operation chosen so the module stays near 5 minutes with ~95 operations.
    "org-a-admin": (lambda: ORG_A.headers(admin=True), ALL_PHASES, 20, None),
    "org-a-employee": (lambda: ORG_A.headers(user_id=ORG_A_EMPLOYEE), STATELESS, 12, None),
    "org-b-admin": (lambda: ORG_B.headers(admin=True), STATELESS, 12, None),
    # Dead letters are read from Kafka (~0.15 s a request): a few examples, for the 200s' schemas.
    "operator": (lambda: OPERATOR.headers(roles=["operator"]), "examples,fuzzing", 5, "^/v1/ops/"),
}
# The runs keep both cores busy (schemathesis, gateway, services); the operator's waits on Kafka.
LANES = [["org-a-admin", "org-a-employee", "org-b-admin"], ["operator"]]


@pytest.fixture(scope="module")
async def stack(postgres_url: str, kafka_bootstrap: str) -> AsyncIterator[Stack]:
    """The stack with the gateway's rate limits raised far above the fuzzers' pace (still on)."""
    limits = {
        "GATEWAY_RATE_LIMIT_CREDENTIAL_PER_MINUTE": "1000000",
        "GATEWAY_RATE_LIMIT_IP_PER_MINUTE": "1000000",
    }
    async with running_stack(
        postgres_url=postgres_url, kafka=kafka_bootstrap, gateway_env=limits
    ) as running:
        yield running


@pytest.fixture(scope="module")
async def fuzzed(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> dict[str, FuzzResult]:
    """Org A's objects of every kind, then every run, LANES at a time."""
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        await objects_of_every_kind(gw)
    reports = tmp_path_factory.mktemp("schemathesis")
    results = {}

    async def lane(names: list[str]) -> None:
        for name in names:
            credential, phases, examples, paths = RUNS[name]
            authorization = credential()["Authorization"]
            run = FuzzRun(name, authorization, phases, examples, CHECKS, SEED, paths)
            results[name] = await fuzz(run, gateway=stack.gateway, report_dir=reports)

    await asyncio.gather(*(lane(names) for names in LANES))
    return results


async def created(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 201, response.text
    return dict(response.json())


async def objects_of_every_kind(gw: httpx.AsyncClient) -> None:
    """At least one of each in org A, whatever the fuzzers make; a shared item has figures."""
    admin, employee = ORG_A.headers(admin=True), ORG_A.headers(user_id=ORG_A_EMPLOYEE)
    program = await created(await gw.post("/v1/programs", json={"name": "P"}, headers=admin))
    sub = await created(
        await gw.post(
            f"/v1/programs/{program['id']}/sub-programs", json={"name": "S"}, headers=admin
        )
    )
    for scope, role in (
        (f"programs/{program['id']}", "program_manager"),
        (f"sub-programs/{sub['id']}", "reviewer"),
    ):
        grant = {"user_id": str(uuid.uuid4()), "role": role}
        await created(await gw.post(f"/v1/{scope}/staff", json=grant, headers=admin))
    key = {"name": "HR", "scopes": ["hr:write"]}
    await created(await gw.post("/v1/api-keys", json=key, headers=admin))
    membership = {"network": "linkedin", "audience_size": 500}
    await created(
        await gw.post(f"/v1/sub-programs/{sub['id']}/members", json=membership, headers=employee)
    )
    item = {"sub_program_id": sub["id"], "title": "Shared", "url": "https://example.com/a"}
    # Content hears of the sub-program by event: a 422 until it has.
    shared = await eventually(
        lambda: gw.post("/v1/content", json=item, headers=admin),
        lambda response: response.status_code != 422,
    )
    shared = await created(shared)
    await created(await gw.post("/v1/content", json=item | {"title": "Draft"}, headers=admin))
    approved = await gw.post(f"/v1/content/{shared['id']}/approve", headers=admin)
    assert approved.status_code == 200, approved.text

    async def share() -> int:
        body = {"content_id": shared["id"], "network": "linkedin"}
        return (await gw.post("/v1/me/shares", json=body, headers=employee)).status_code

    await eventually(share, lambda status: status == 201)  # once the feed has the item

    async def figures() -> Any:
        return (await gw.get(f"/v1/metrics/content/{shared['id']}", headers=admin)).json()

    await eventually(figures, lambda body: body["shares"]["value"] == 1)
    await content_rooms_objects(gw, sub["id"], shared["id"])
    await csv_import(gw)
    await invitation(gw, program["id"])


async def invitation(gw: httpx.AsyncClient, program: str) -> None:
    """An HR record of org A invited to its program (the membership room's invitation ids)."""
    admin = ORG_A.headers(admin=True)
    record = {"user_name": f"invited-{uuid.uuid4().hex[:8]}@example.com"}
    hired = await gw.put(f"/v1/hr/employees/E-{uuid.uuid4().hex[:8]}", json=record, headers=admin)
    assert hired.status_code == 201, hired.text
    body = {"employee_ids": [hired.json()["id"]]}
    await created(await gw.post(f"/v1/programs/{program}/invitations", json=body, headers=admin))


async def csv_import(gw: httpx.AsyncClient) -> None:
    """An HR CSV import of org A (the imports room's ids)."""
    name = uuid.uuid4().hex[:8]
    file = f"external_id,user_name\nE-{name},csv-{name}@example.com\n"
    headers = {**ORG_A.headers(admin=True), "content-type": "text/csv"}
    queued = await gw.post("/v1/hr/imports", content=file.encode(), headers=headers)
    assert queued.status_code == 202, queued.text


async def content_rooms_objects(gw: httpx.AsyncClient, sub: str, item: str) -> None:
    """A caption, a campaign, an idea, a submission, a help request, a curation source and its
    entries in org A, so every content room's id-templated routes are replayed."""
    admin, employee = ORG_A.headers(admin=True), ORG_A.headers(user_id=ORG_A_EMPLOYEE)
    targeting = {"sub_program_ids": [sub]}
    caption = {"network": "linkedin", "text": "Our new plant opens today"}
    await created(await gw.post(f"/v1/content/{item}/captions", json=caption, headers=admin))
    moment = {"name": "Launch", "kind": "launch", "starts_at": "2027-05-01T09:00:00Z"}
    await created(
        await gw.post("/v1/campaigns", json=moment | {"targeting": targeting}, headers=admin)
    )
    brief = {"title": "Film your team", "angle": "30 s", "format": "video", "targeting": targeting}
    idea = await created(await gw.post("/v1/ideas", json=brief, headers=admin))
    published = await gw.post(f"/v1/ideas/{idea['id']}/publish", headers=admin)
    assert published.status_code == 200, published.text
    post = {"idea_id": idea["id"], "title": "Our launch", "text": "We shipped it"}
    # The employee's membership reaches content by event too: 403 until it has.
    submitted = await eventually(
        lambda: gw.post("/v1/submissions", json=post, headers=employee),
        lambda response: response.status_code != 403,
    )
    submission = await created(submitted)
    ask = {"kind": "video", "message": "Help me film", "submission_id": submission["id"]}
    await created(await gw.post("/v1/help-requests", json=ask, headers=employee))
    KEPT.update(sub=sub)


# Ids the cross-tenant replay needs after the fuzzers ran (they may delete what they find).
KEPT: dict[str, str] = {}


async def deletable_objects(gw: httpx.AsyncClient) -> None:
    """Objects of org A the fuzzers may have deleted: made again just before the replay."""
    admin = ORG_A.headers(admin=True)
    draft = {"sub_program_ids": [KEPT["sub"]], "title": "Captioned"}
    item = await created(await gw.post("/v1/content", json=draft, headers=admin))
    caption = {"network": "x", "text": f"Replayed {uuid.uuid4().hex[:8]}"}
    captions = f"/v1/content/{item['id']}/captions"
    await created(await gw.post(captions, json=caption, headers=admin))
    url = f"{feed_url()}?n={uuid.uuid4().hex}"
    source = {"name": "Press room", "url": url, "targeting": {"sub_program_ids": [KEPT["sub"]]}}
    await created(await gw.post("/v1/curation/sources", json=source, headers=admin))
    await people_rooms_objects(gw)


async def people_rooms_objects(gw: httpx.AsyncClient) -> None:
    """A program of its own in org A with a published and a draft charter, a training module,
    a kit resource, and a sub-program whose fresh member is spotlighted: the fuzzers may erase
    A's admin and employee or delete modules and resources, and nothing here gates S's shares."""
    admin, member = ORG_A.headers(admin=True), ORG_A.headers(user_id=uuid.uuid4())
    program = await created(await gw.post("/v1/programs", json={"name": "Team"}, headers=admin))
    scope = f"/v1/programs/{program['id']}"
    for _ in range(2):  # the first is published, the second stays a draft
        charter = await created(
            await gw.post(f"{scope}/charters", json={"terms": "Be yourself."}, headers=admin)
        )
    published = await gw.post(f"/v1/charters/{charter['id']}/publish", headers=admin)
    assert published.status_code == 200, published.text
    module = {"title": "Sharing well", "url": "https://example.com/course"}
    await created(await gw.post(f"{scope}/training-modules", json=module, headers=admin))
    resource = {"kind": "follow_company_page", "title": "Follow us", "url": "https://example.com"}
    await created(await gw.post(f"{scope}/kit-resources", json=resource, headers=admin))
    sub = await created(
        await gw.post(f"{scope}/sub-programs", json={"name": "Team"}, headers=admin)
    )
    opt_in = {"network": "linkedin", "audience_size": 10}
    joined = await created(
        await gw.post(f"/v1/sub-programs/{sub['id']}/members", json=opt_in, headers=member)
    )
    spotlight = {"ambassador_id": joined["ambassador_id"], "message": "Well done"}
    await created(
        await gw.post(f"/v1/sub-programs/{sub['id']}/spotlights", json=spotlight, headers=admin)
    )


@pytest.mark.parametrize("name", list(RUNS))
async def test_no_generated_request_breaks_the_api(
    fuzzed: dict[str, FuzzResult], name: str
) -> None:
    result = fuzzed[name]
    assert result.returncode == 0, result.output


async def test_fuzzers_send_at_least_5000_requests(
    fuzzed: dict[str, FuzzResult], request: pytest.FixtureRequest
) -> None:
    total = sum(result.requests for result in fuzzed.values())
    summary = {
        name: {
            "requests": result.requests,
            "seconds": round(result.seconds, 1),
            "by_phase": dict(result.requests_by_phase),
            "by_status": {str(k): v for k, v in sorted(result.requests_by_status.items())},
        }
        for name, result in fuzzed.items()
    }
    report(request, "schemathesis", {"requests": total, "runs": summary})
    assert total >= MIN_REQUESTS, summary
    assert fuzzed["org-a-admin"].requests_by_phase["stateful"] > 0, summary


async def test_org_b_gets_404_for_every_object_of_org_a(
    stack: Stack, fuzzed: dict[str, FuzzResult], request: pytest.FixtureRequest
) -> None:
    async with httpx.AsyncClient(base_url=stack.gateway, timeout=30) as gw:
        document = (await gw.get("/openapi.json")).json()
        await deletable_objects(gw)
        before = await cross_tenant.objects_of(gw, ORG_A.headers(admin=True))
        credentials, own = await org_b(gw)
        operations = cross_tenant.id_operations(document)
        started = time.monotonic()
        replayed = await cross_tenant.replay(gw, operations, before, credentials, own)
        seconds = round(time.monotonic() - started, 1)
        after = await cross_tenant.objects_of(gw, ORG_A.headers(admin=True))

    objects = {kind: len(items) for kind, items in before.items()}
    figures = {"objects": objects, "triples": replayed.triples, "seconds": seconds}
    report(request, "cross-tenant replay", figures)
    assert replayed.wrong == [], f"{len(replayed.wrong)} wrong answers:\n{replayed.summary()}"
    assert set(replayed.triples) == set(cross_tenant.KINDS.values())
    assert all(count > 0 for count in replayed.triples.values()), replayed.triples
    assert after == before


async def org_b(gw: httpx.AsyncClient) -> tuple[dict[str, dict[str, str]], dict[str, str]]:
    """Org B's admin, employee, program manager without grants and API key with every scope;
    and a program and sub-program of B's own, which its admin manages."""
    admin = ORG_B.headers(admin=True)
    key = await created(
        await gw.post("/v1/api-keys", json={"name": "All", "scopes": list(SCOPES)}, headers=admin)
    )
    program = await created(await gw.post("/v1/programs", json={"name": "B"}, headers=admin))
    sub_programs = f"/v1/programs/{program['id']}/sub-programs"
    sub = await created(await gw.post(sub_programs, json={"name": "B"}, headers=admin))
    credentials = {
        "org-b-admin": admin,
        "org-b-employee": ORG_B.headers(),
        "org-b-program-manager": ORG_B.headers(roles=["program_manager", "employee"]),
        "org-b-api-key": {"Authorization": f"Bearer {key['key']}"},
    }
    return credentials, {"program": program["id"], "sub_program": sub["id"]}


def report(request: pytest.FixtureRequest, title: str, figures: dict[str, Any]) -> None:
    """Show the figures in pytest's output, even under -q, and keep them in the test logs."""
    text = json.dumps(figures, indent=1, default=dict)
    LOG_DIR.mkdir(parents=True, exist_ok=True)
    (LOG_DIR / f"api-fuzz-{title.replace(' ', '-')}.json").write_text(text)
    terminal = request.config.pluginmanager.get_plugin("terminalreporter")
    if terminal is not None:
        terminal.write_line(f"\n{title}: {text}")

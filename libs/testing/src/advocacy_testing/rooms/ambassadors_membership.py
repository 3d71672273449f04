"""Permission rows of voluntary membership: joining and leaving programs, member lists,
invitations, eligibility rules, onboarding and discovery.

People act for themselves (employees join and leave; any person reads and answers the
invitations addressed to them — these callers have no HR record linked, so none: 404). Staff
rows are for org admins and program managers covering the scope; member lists also for its
reviewers. A join acts on a fresh program; a leave on a fresh program the member joined; an
invitation is made to a fresh employee of A. Rules and onboarding are written so that they
match nobody and offer nothing, so the table's runs change no other row's answers.
"""

import uuid
from collections.abc import Mapping

import httpx

from advocacy_testing.permission_cells import PERSONS_OF_A, Outcome, Row, cells
from advocacy_testing.rooms.ambassadors_people import fresh_employee
from advocacy_testing.world import Call, Headers, RowKey, World, get_call

PROGRAM = "/v1/programs/{program_id}"
SUB_PROGRAM = "/v1/sub-programs/{sub_program_id}"
INVITATION = "/v1/invitations/{invitation_id}"
MY_INVITATION = "/v1/me/invitations/{invitation_id}"
OTHER_ORGS: dict[str, Outcome] = {"operator": "404", "other_org_admin": "404"}
MANAGERS = ("org_admin", "program_manager")
NOT_ADDRESSED: dict[str, Outcome] = dict.fromkeys((*PERSONS_OF_A, "other_org_admin"), "404")


def _staff(method: str, path: str, rule: str, *allowed: str) -> Row:
    return Row(method, path, "ambassadors", rule, cells(*allowed, **OTHER_ORGS))


def rows() -> list[Row]:
    managers = "org admin; program managers of the program"
    covering = "org admin; program managers covering the sub-program"
    return [
        Row(
            "POST",
            f"{PROGRAM}/members",
            "ambassadors",
            "employees, for themselves (join a whole program)",
            cells("member", "employee", **OTHER_ORGS),
        ),
        Row(
            "DELETE",
            f"{PROGRAM}/members/me",
            "ambassadors",
            "employees, their own membership (leave a whole program)",
            cells("member", employee="404", **OTHER_ORGS),
        ),
        _staff("GET", f"{PROGRAM}/members", f"{managers}; its reviewers", *MANAGERS),
        _staff(
            "GET",
            f"{SUB_PROGRAM}/members",
            f"{covering}; reviewers covering it",
            *MANAGERS,
            "reviewer",
        ),
        _staff("POST", f"{PROGRAM}/invitations", managers, *MANAGERS),
        _staff("GET", f"{PROGRAM}/invitations", managers, *MANAGERS),
        _staff("POST", f"{SUB_PROGRAM}/invitations", covering, *MANAGERS),
        _staff("GET", f"{SUB_PROGRAM}/invitations", covering, *MANAGERS),
        Row(
            "GET",
            "/v1/invitations",
            "ambassadors",
            "org admins (each organisation its own)",
            cells("org_admin", "other_org_admin"),
        ),
        _staff(
            "POST", f"{INVITATION}/revoke", "org admin; program managers of its scope", *MANAGERS
        ),
        Row(
            "GET",
            "/v1/me/invitations",
            "ambassadors",
            "any person: the invitations to their own HR record",
            cells(*PERSONS_OF_A, "other_org_admin"),
        ),
        Row(
            "POST",
            f"{MY_INVITATION}/accept",
            "ambassadors",
            "the person invited, an employee (these callers are not: 404)",
            cells(otherwise="403", **NOT_ADDRESSED),
        ),
        Row(
            "POST",
            f"{MY_INVITATION}/decline",
            "ambassadors",
            "the person invited (these callers are not: 404)",
            cells(otherwise="403", **NOT_ADDRESSED),
        ),
        _staff("GET", f"{PROGRAM}/eligibility", managers, *MANAGERS),
        _staff("PUT", f"{PROGRAM}/eligibility", managers, *MANAGERS),
        _staff("GET", f"{SUB_PROGRAM}/eligibility", covering, *MANAGERS),
        _staff("PUT", f"{SUB_PROGRAM}/eligibility", covering, *MANAGERS),
        _staff("GET", f"{PROGRAM}/onboarding", managers, *MANAGERS),
        _staff("PUT", f"{PROGRAM}/onboarding", managers, *MANAGERS),
        _staff("GET", f"{PROGRAM}/suggestions", managers, *MANAGERS),
    ]


async def _fresh_program(client: httpx.AsyncClient, world: World) -> str:
    response = await client.post("/v1/programs", json={"name": "Fresh"}, headers=world.admin)
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def _join(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    program_id = await _fresh_program(client, world)
    return await client.post(f"/v1/programs/{program_id}/members", headers=headers)


async def _leave(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
    program_id = await _fresh_program(client, world)
    url = f"/v1/programs/{program_id}/members"
    joined = await client.post(url, headers=world.headers["member"])
    assert joined.status_code == 201, joined.text
    return await client.delete(f"{url}/me", headers=headers)


def _invite(scope: str) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        employee = await fresh_employee(client, world)
        body = {"employee_ids": [employee["id"]]}
        return await client.post(
            f"{scope.format(**vars(world))}/invitations", json=body, headers=headers
        )

    return call


async def _fresh_invitation(client: httpx.AsyncClient, world: World) -> str:
    response = await _invite("/v1/programs/{program_id}")(client, world, world.admin)
    assert response.status_code == 201, response.text
    return str(response.json()["items"][0]["id"])


def _answer(url: str) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        invitation_id = await _fresh_invitation(client, world)
        return await client.post(url.format(invitation_id=invitation_id), headers=headers)

    return call


def _put(url: str, body: Mapping[str, object]) -> Call:
    async def call(client: httpx.AsyncClient, world: World, headers: Headers) -> httpx.Response:
        return await client.put(url.format(**vars(world)), json=body, headers=headers)

    return call


def calls() -> dict[RowKey, Call]:
    program, sub = "/v1/programs/{program_id}", "/v1/sub-programs/{sub_program_id}"
    # A department nobody has: the rules invite nobody, whichever caller writes them last.
    nobody = {"rules": [{"department": f"permission-table-{uuid.uuid4().hex}"}]}
    return {
        ("POST", f"{PROGRAM}/members", ""): _join,
        ("DELETE", f"{PROGRAM}/members/me", ""): _leave,
        ("GET", f"{PROGRAM}/members", ""): get_call(
            lambda w: f"/v1/programs/{w.program_id}/members"
        ),
        ("GET", f"{SUB_PROGRAM}/members", ""): get_call(
            lambda w: f"/v1/sub-programs/{w.sub_program_id}/members"
        ),
        ("POST", f"{PROGRAM}/invitations", ""): _invite(program),
        ("GET", f"{PROGRAM}/invitations", ""): get_call(
            lambda w: f"/v1/programs/{w.program_id}/invitations"
        ),
        ("POST", f"{SUB_PROGRAM}/invitations", ""): _invite(sub),
        ("GET", f"{SUB_PROGRAM}/invitations", ""): get_call(
            lambda w: f"/v1/sub-programs/{w.sub_program_id}/invitations"
        ),
        ("GET", "/v1/invitations", ""): get_call(lambda w: "/v1/invitations"),
        ("POST", f"{INVITATION}/revoke", ""): _answer("/v1/invitations/{invitation_id}/revoke"),
        ("GET", "/v1/me/invitations", ""): get_call(lambda w: "/v1/me/invitations"),
        ("POST", f"{MY_INVITATION}/accept", ""): _answer(
            "/v1/me/invitations/{invitation_id}/accept"
        ),
        ("POST", f"{MY_INVITATION}/decline", ""): _answer(
            "/v1/me/invitations/{invitation_id}/decline"
        ),
        ("GET", f"{PROGRAM}/eligibility", ""): get_call(
            lambda w: f"/v1/programs/{w.program_id}/eligibility"
        ),
        ("PUT", f"{PROGRAM}/eligibility", ""): _put(f"{program}/eligibility", nobody),
        ("GET", f"{SUB_PROGRAM}/eligibility", ""): get_call(
            lambda w: f"/v1/sub-programs/{w.sub_program_id}/eligibility"
        ),
        ("PUT", f"{SUB_PROGRAM}/eligibility", ""): _put(f"{sub}/eligibility", nobody),
        ("GET", f"{PROGRAM}/onboarding", ""): get_call(
            lambda w: f"/v1/programs/{w.program_id}/onboarding"
        ),
        # The default, so no later row's fresh employee is offered anything.
        ("PUT", f"{PROGRAM}/onboarding", ""): _put(
            f"{program}/onboarding", {"offer_to_new_hires": False}
        ),
        ("GET", f"{PROGRAM}/suggestions", ""): get_call(
            lambda w: f"/v1/programs/{w.program_id}/suggestions"
        ),
    }

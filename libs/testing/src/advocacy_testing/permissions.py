"""The permission table: every public route × every kind of caller → allowed, 401, 403 or 404.

It is the contract each service enforces for itself. docs/permissions.md is rendered from it
(`python -m advocacy_testing.permissions_doc --write`; a unit test fails when the document is
stale or when a route is missing from the table), and tests/e2e/test_permissions.py calls every
cell through the gateway and the real processes.

Org A holds a program P, its sub-program S and one draft and one published item in S.
"""

from collections.abc import Mapping

from advocacy_testing.permission_cells import (
    CALLER_NAMES,
    CALLERS,
    KEYS,
    PERSONS_OF_A,
    Caller,
    Outcome,
    Row,
    cells,
)
from advocacy_testing.rooms import ROOM_ROWS

__all__ = ["CALLERS", "CALLER_NAMES", "CONTENT_LIST", "KEYS", "ROWS", "Caller", "Outcome", "Row"]

A_OBJECT: dict[str, Outcome] = {"operator": "404", "other_org_admin": "404"}
READERS = (*PERSONS_OF_A, "key_programs")
STAFF_ADMINS = ("org_admin", "program_manager")
EMPLOYEES = ("member", "employee")


def _programs() -> list[Row]:
    def row(method: str, path: str, rule: str, outcomes: dict[str, Outcome], **kw: str) -> Row:
        return Row(method, path, "ambassadors", rule, outcomes, **kw)

    return [
        row(
            "POST",
            "/v1/programs",
            "org admin (in their own organisation)",
            cells("org_admin", "other_org_admin"),
        ),
        row(
            "GET",
            "/v1/programs",
            "any person; API keys with programs:read",
            cells(*READERS, "other_org_admin"),
        ),
        row("GET", "/v1/programs/{program_id}", "as above", cells(*READERS, **A_OBJECT)),
        row(
            "POST",
            "/v1/programs/{program_id}/sub-programs",
            "org admin; program managers of the program",
            cells(*STAFF_ADMINS, **A_OBJECT),
        ),
        row(
            "GET", "/v1/programs/{program_id}/sub-programs", "as above", cells(*READERS, **A_OBJECT)
        ),
        row(
            "GET",
            "/v1/sub-programs/{sub_program_id}",
            "any person; API keys with programs:read",
            cells(*READERS, **A_OBJECT),
        ),
        row(
            "POST",
            "/v1/sub-programs/{sub_program_id}/members",
            "employees, for themselves (join)",
            cells(*EMPLOYEES, **A_OBJECT),
        ),
        row(
            "DELETE",
            "/v1/sub-programs/{sub_program_id}/members/me",
            "employees, their own membership (leave)",
            cells("member", employee="404", **A_OBJECT),
        ),
    ]


def _staff() -> list[Row]:
    rows: list[Row] = []
    for scope, path in (
        ("program", "/v1/programs/{program_id}"),
        ("sub-program", "/v1/sub-programs/{sub_program_id}"),
    ):
        staff = f"{path}/staff"
        rows += [
            Row(
                "POST",
                staff,
                "ambassadors",
                f"org admin; program managers of the {scope} grant reviewers",
                cells(*STAFF_ADMINS, **A_OBJECT),
                variant="reviewer",
            ),
            Row(
                "POST",
                staff,
                "ambassadors",
                "org admin only",
                cells("org_admin", **A_OBJECT),
                variant="program_manager",
            ),
            Row(
                "GET",
                staff,
                "ambassadors",
                f"org admin; program managers of the {scope}",
                cells(*STAFF_ADMINS, **A_OBJECT),
            ),
            Row(
                "DELETE",
                f"{staff}/{{grant_id}}",
                "ambassadors",
                "as granting",
                cells(*STAFF_ADMINS, **A_OBJECT),
                variant="reviewer",
            ),
            Row(
                "DELETE",
                f"{staff}/{{grant_id}}",
                "ambassadors",
                "org admin only",
                cells("org_admin", **A_OBJECT),
                variant="program_manager",
            ),
        ]
    return rows


def _me() -> list[Row]:
    def row(method: str, path: str, rule: str, outcomes: dict[str, Outcome]) -> Row:
        return Row(method, path, "ambassadors", rule, outcomes)

    return [
        row(
            "GET",
            "/v1/me/staff-roles",
            "any person: their own grants",
            cells(*PERSONS_OF_A, "other_org_admin"),
        ),
        row("GET", "/v1/me/feed", "employees: their own feed", cells(*EMPLOYEES)),
        row("GET", "/v1/me/shares", "employees: their own shares", cells(*EMPLOYEES)),
        row(
            "POST",
            "/v1/me/shares",
            "employees: items of their own feed",
            cells("member", employee="404"),
        ),
        Row(
            "GET",
            "/l/{code}",
            "ambassadors",
            "public (the tracked link people click)",
            dict.fromkeys(CALLER_NAMES, "allowed"),
        ),
    ]


def _api_keys() -> list[Row]:
    admin = "org admin (of the key's organisation)"
    return [
        Row("POST", "/v1/api-keys", "ambassadors", admin, cells("org_admin", "other_org_admin")),
        Row("GET", "/v1/api-keys", "ambassadors", admin, cells("org_admin", "other_org_admin")),
        Row(
            "GET",
            "/v1/api-keys/{api_key_id}",
            "ambassadors",
            admin,
            cells("org_admin", **A_OBJECT),
        ),
        Row(
            "DELETE",
            "/v1/api-keys/{api_key_id}",
            "ambassadors",
            admin,
            cells("org_admin", **A_OBJECT),
        ),
    ]


def _content() -> list[Row]:
    seers_of_drafts = ("org_admin", "program_manager", "reviewer", "analyst")
    blind_keys: dict[str, Outcome] = dict.fromkeys(
        ("key_programs", "key_metrics", "key_other"), "403"
    )
    return [
        Row(
            "POST",
            "/v1/content",
            "content",
            "org admin; program managers whose grants cover every target (org B: A's target is "
            "unknown to it, 422)",
            cells(*STAFF_ADMINS, other_org_admin="422"),
        ),
        Row(
            "GET",
            "/v1/content",
            "content",
            "any person and content:read keys, filtered (see below)",
            cells(*PERSONS_OF_A, "key_content", "operator", "other_org_admin"),
        ),
        Row(
            "GET",
            "/v1/content/{content_id}",
            "content",
            "org admin, analysts, staff covering S",
            cells(*seers_of_drafts, otherwise="404", **blind_keys),
            variant="draft",
        ),
        Row(
            "GET",
            "/v1/content/{content_id}",
            "content",
            "as a draft, plus S's members and content:read keys",
            cells(*seers_of_drafts, "member", "key_content", otherwise="404", **blind_keys),
            variant="published",
        ),
        Row(
            "POST",
            "/v1/content/{content_id}/approve",
            "content",
            "org admin; program managers and reviewers covering S (seen but not allowed: 403)",
            cells(
                "org_admin",
                "program_manager",
                "reviewer",
                analyst="403",
                otherwise="404",
                **blind_keys,
            ),
            variant="draft",
        ),
    ]


# Which of A's two items each caller finds in GET /v1/content.
CONTENT_LIST: Mapping[str, frozenset[str]] = {
    "org_admin": frozenset({"draft", "published"}),
    "program_manager": frozenset({"draft", "published"}),
    "reviewer": frozenset({"draft", "published"}),
    "analyst": frozenset({"draft", "published"}),
    "member": frozenset({"published"}),
    "employee": frozenset(),
    "ungranted_manager": frozenset(),
    "key_content": frozenset({"published"}),
    "operator": frozenset(),
    "other_org_admin": frozenset(),
}


def _metrics() -> list[Row]:
    readers = ("org_admin", "analyst", "key_metrics", "other_org_admin")
    rule = "org admin, analysts, metrics:read keys (figures of their own organisation)"
    return [
        Row("GET", "/v1/metrics/summary", "metrics", rule, cells(*readers)),
        Row("GET", "/v1/metrics/content/{content_id}", "metrics", rule, cells(*readers)),
    ]


def _dead_letters(consumer: str) -> list[Row]:
    base = f"/v1/ops/dead-letters/{consumer}"
    rule = "platform operators"
    return [
        Row(method, f"{base}{suffix}", consumer, rule, cells("operator"))
        for method, suffix in (
            ("GET", ""),
            ("GET", "/{partition}/{offset}"),
            ("POST", "/{partition}/{offset}/replay"),
            ("POST", "/replay"),
        )
    ]


ROWS: tuple[Row, ...] = (
    *_programs(),
    *_staff(),
    *_me(),
    *_api_keys(),
    *_content(),
    *_metrics(),
    *_dead_letters("content"),
    *_dead_letters("ambassadors"),
    *_dead_letters("metrics"),
    *ROOM_ROWS,
)

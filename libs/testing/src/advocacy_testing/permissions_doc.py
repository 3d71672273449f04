"""Render the permission table into docs/permissions.md, between its generated-section markers.

`python -m advocacy_testing.permissions_doc --write` rewrites the section; without `--write` it
exits 1 when the document is stale (what the unit test checks).
"""

import sys
from pathlib import Path

from advocacy_testing.permissions import CALLERS, CONTENT_LIST, ROWS, Outcome, Row

DOC = Path(__file__).resolve().parents[4] / "docs" / "permissions.md"
BEGIN = "<!-- permissions:begin — generated from libs/testing/src/advocacy_testing/permissions.py"
END = "<!-- permissions:end -->"
MARK: dict[Outcome, str] = {"allowed": "✓", "401": "401", "403": "403", "404": "404", "422": "422"}
SERVICES = ("ambassadors", "content", "metrics")


def _route(row: Row) -> str:
    variant = f" ({row.variant})" if row.variant else ""
    return f"`{row.method} {row.path}`{variant}"


def _table(rows: list[Row]) -> list[str]:
    header = ["route", "who", *(caller.title for caller in CALLERS)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        marks = [MARK[row.outcomes[caller.name]] for caller in CALLERS]
        lines.append("| " + " | ".join([_route(row), row.rule, *marks]) + " |")
    return lines


def _callers() -> list[str]:
    lines = ["| column | caller |", "|---|---|"]
    lines += [f"| {caller.title} | {caller.description} |" for caller in CALLERS]
    return lines


def _content_list() -> list[str]:
    lines = ["| caller | draft in S | published in S |", "|---|---|---|"]
    titles = {caller.name: caller.title for caller in CALLERS}
    for name, seen in CONTENT_LIST.items():
        marks = ["listed" if item in seen else "—" for item in ("draft", "published")]
        lines.append(f"| {titles[name]} | {marks[0]} | {marks[1]} |")
    return lines


def render() -> str:
    """The generated section, markers included."""
    lines = [
        f"{BEGIN}; edit the table there, then run "
        "`python -m advocacy_testing.permissions_doc --write` -->",
        "",
        "### Callers",
        "",
        *_callers(),
    ]
    for service in SERVICES:
        rows = [row for row in ROWS if row.service == service]
        lines += ["", f"### {service}", "", *_table(rows)]
    lines += ["", "### What `GET /v1/content` lists", "", *_content_list(), "", END]
    return "\n".join(lines) + "\n"


def current() -> str:
    """The generated section as it stands in the document."""
    text = DOC.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END) + 1
    return text[start:end]


def write() -> None:
    """Replace the document's generated section with a fresh rendering."""
    text = DOC.read_text()
    DOC.write_text(text.replace(current(), render()))


if __name__ == "__main__":
    if sys.argv[1:] == ["--write"]:
        write()
    elif current() != render():
        sys.stderr.write(f"{DOC} is stale: run {__spec__.name} --write\n")
        raise SystemExit(1)

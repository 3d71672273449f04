"""The CSV format of employee records: checked whole at upload, read row by row by the worker.

Columns are EmployeeRecord's fields; `external_id` and `user_name` are required, every other
column may be left out (its default then applies, as an absent JSON field would). An empty cell
is an absent value; `active_networks` is a `;`-separated list. A row's number is the line of the
file it ends on (the header is line 1); blank lines are not rows.
"""

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from ambassadors.imports.errors import BadCsv, TooManyRows
from ambassadors.people.schemas import EmployeeRecord

COLUMNS = tuple(EmployeeRecord.model_fields)
REQUIRED = ("external_id", "user_name")
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Row:
    """One data row of the file: its line number and its cells."""

    number: int
    cells: list[str]


@dataclass(frozen=True)
class RowError:
    """Why a row was not imported: each field at fault."""

    number: int
    external_id: str | None
    errors: list[dict[str, str]]


def check(content: bytes, *, max_rows: int) -> int:
    """How many rows the file has; a 422 (413 for too many rows) naming what is wrong."""
    count = 0
    for _ in read(content)[1]:
        count += 1
        if count > max_rows:
            raise TooManyRows(f"the file has more than {max_rows:,} rows", field="file")
    if not count:
        raise BadCsv("the file has a header but no rows", field="file")
    return count


def read(content: bytes) -> tuple[tuple[str, ...], Iterator[Row]]:
    """The header's columns (checked: 422 naming each problem) and the data rows in order."""
    text = _decode(content)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise BadCsv(f"line 1: {exc}", field="file") from exc
    if first is None:
        raise BadCsv("the file is empty", field="file")
    return _columns(first), _rows(reader)


def _rows(reader: Any) -> Iterator[Row]:
    try:
        for cells in reader:
            if cells and cells != [""]:
                yield Row(reader.line_num, cells)
    except csv.Error as exc:
        raise BadCsv(f"line {reader.line_num}: {exc}", field="file") from exc


def _decode(content: bytes) -> str:
    if not content.strip():
        raise BadCsv("the file is empty", field="file")
    try:
        return content.decode("utf-8-sig")  # a spreadsheet's byte-order mark is not a column
    except UnicodeDecodeError as exc:
        raise BadCsv(f"the file is not UTF-8 text (byte {exc.start})", field="file") from exc


def _columns(names: list[str]) -> tuple[str, ...]:
    columns = tuple(name.strip().lower() for name in names)
    problems = [
        {"field": "columns", "message": f"unknown column {name!r}; known: {', '.join(COLUMNS)}"}
        for name in columns
        if name not in COLUMNS
    ]
    problems += [
        {"field": "columns", "message": f"column {name!r} appears more than once"}
        for name in sorted({n for n in columns if columns.count(n) > 1})
    ]
    problems += [
        {"field": "columns", "message": f"required column {name!r} is missing"}
        for name in REQUIRED
        if name not in columns
    ]
    if problems:
        detail = "; ".join(p["message"] for p in problems)
        raise BadCsv(f"the header row is not valid: {detail}", field="columns", errors=problems)
    return columns


def record(row: Row, *, columns: tuple[str, ...]) -> EmployeeRecord | RowError:
    """The row as an employee record, or why it is not one."""
    if len(row.cells) != len(columns):
        message = f"the row has {len(row.cells)} cells, the header {len(columns)}"
        return RowError(row.number, None, [{"field": "row", "message": message}])
    values: dict[str, Any] = {}
    for name, cell in zip(columns, row.cells, strict=True):
        if cell.strip():
            values[name] = cell.strip()
    if "active_networks" in values:
        listed = values["active_networks"].split(LIST_SEPARATOR)
        values["active_networks"] = [n.strip().lower() for n in listed if n.strip()]
    try:
        return EmployeeRecord.model_validate(values)
    except ValidationError as exc:
        return RowError(row.number, values.get("external_id"), _field_errors(exc))


def _field_errors(exc: ValidationError) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for error in exc.errors(include_input=False, include_url=False):
        field = str(error["loc"][0]) if error["loc"] else "row"  # active_networks.1 -> its column
        found.append({"field": field, "message": error["msg"]})
    return found

"""SCIM filters (RFC 7644 §3.4.2.2) as SQL: scim2-models parses a filter and binds each
attribute to our schema; this walks its tree into one WHERE clause over the mapped columns.

Attributes we cannot filter on (manager, value selections like emails[...]) are a 400
invalidFilter naming `filter`, never a filter applied to the page afterwards (that would make
totalResults and the paging wrong).
"""

import uuid
from collections.abc import Callable
from typing import Any

from scim2_models import InvalidFilterException, ScimFilter
from scim2_models.path import (
    AttributeBinding,
    CompareOperator,
    Comparison,
    FilterVisitor,
    LogicalExpr,
    LogicalOperator,
    Not,
    Present,
    ValuePath,
    coerce_value,
)
from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    case,
    cast,
    false,
    func,
    literal,
    null,
    or_,
    true,
)
from sqlmodel import col

from ambassadors.people.models import Employee
from ambassadors.scim.models import ScimUser
from ambassadors.scim.resources import Employee as EmployeeExtension
from ambassadors.scim.resources import EnterpriseUser, User

CORE, ENTERPRISE, OURS = User.__schema__, EnterpriseUser.__schema__, EmployeeExtension.__schema__
# Stored lower-cased (the employees room does it): compared as is, so its index serves.
LOWER_CASED = frozenset({f"{CORE}:userName"})


def _hidden() -> ColumnElement[bool]:
    return func.coalesce(col(ScimUser.external_id_hidden), false())


def _columns() -> dict[str, Any]:
    # Column expressions (ColumnElement or an ORM attribute), by the URN scim2-models binds.
    email = col(Employee.email)
    hidden = _hidden()
    scim_modified = col(ScimUser.updated_at)
    return {
        f"{CORE}:id": cast(col(Employee.id), String),
        f"{CORE}:externalId": case((hidden, null()), else_=col(Employee.external_id)),
        f"{CORE}:userName": col(Employee.user_name),
        f"{CORE}:displayName": col(Employee.display_name),
        f"{CORE}:title": col(Employee.job_title),
        f"{CORE}:active": col(Employee.employment_status) != "left",
        f"{CORE}:emails.value": email,
        f"{CORE}:emails.type": case((email.is_not(None), literal("work")), else_=null()),
        f"{CORE}:emails.primary": case((email.is_not(None), true()), else_=null()),
        f"{CORE}:meta.created": col(Employee.created_at),
        f"{CORE}:meta.lastModified": case(
            (scim_modified > col(Employee.updated_at), scim_modified),
            else_=col(Employee.updated_at),
        ),
        f"{ENTERPRISE}:department": col(Employee.department),
        f"{ENTERPRISE}:employeeNumber": col(ScimUser.employee_number),
        f"{OURS}:location": col(Employee.location),
        f"{OURS}:isExecutive": col(Employee.is_executive),
    }


def where(scim_filter: ScimFilter[Any] | None) -> ColumnElement[bool]:
    """The WHERE clause of a filter bound to our User model (true without one)."""
    if scim_filter is None:
        return true()
    return _Sql(scim_filter).visit(scim_filter.ast)


class _Sql(FilterVisitor[ColumnElement[bool]]):
    def __init__(self, scim_filter: ScimFilter[Any]) -> None:
        self.filter = scim_filter
        self.columns: dict[str, ColumnElement[Any]] = _columns()

    def _column(self, binding: AttributeBinding | None) -> ColumnElement[Any]:
        if binding is None or binding.urn not in self.columns:
            name = binding.urn if binding else "an attribute"
            raise InvalidFilterException(detail=f"filter: {name} cannot be filtered on")
        return self.columns[binding.urn]

    def visit_comparison(self, node: Comparison) -> ColumnElement[bool]:
        binding = self.filter.resolve_comparison(node.attr_path)
        column = self._column(binding)
        assert binding is not None
        value = coerce_value(binding, node.value, node.op)
        if binding.urn == f"{CORE}:id" and node.op in (CompareOperator.eq, CompareOperator.ne):
            return _by_id(value, node.op)
        if binding.urn == f"{CORE}:externalId" and node.op == CompareOperator.eq and value:
            # Entra ID's lookup: on the column itself, so (org_id, external_id)'s index serves.
            return and_(col(Employee.external_id) == value, _hidden().is_not(True))
        if isinstance(value, str) and not binding.case_exact:
            value = value.lower()
            if binding.urn not in LOWER_CASED:
                column = func.lower(column)
        return _compare(column, node.op, value)

    def visit_present(self, node: Present) -> ColumnElement[bool]:
        return self._column(self.filter.resolve(node.attr_path)).is_not(None)

    def visit_not(self, node: Not) -> ColumnElement[bool]:
        # CASE, not NOT: a comparison with an unset attribute is NULL, and its negation true.
        return case((self.visit(node.expr), false()), else_=true())

    def visit_logical_expr(self, node: LogicalExpr) -> ColumnElement[bool]:
        terms = [self.visit(term) for term in node.terms]
        return and_(*terms) if node.op == LogicalOperator.and_ else or_(*terms)

    def visit_value_path(self, node: ValuePath) -> ColumnElement[bool]:
        raise InvalidFilterException(
            detail=f"filter: value selections ({node.attr_path}[...]) are not supported; "
            f"compare a sub-attribute such as {node.attr_path}.value instead"
        )


def _by_id(value: Any, op: CompareOperator) -> ColumnElement[bool]:
    try:
        matches = col(Employee.id) == uuid.UUID(str(value))
    except ValueError:
        matches = false()
    return matches if op == CompareOperator.eq else case((matches, false()), else_=true())


def _compare(column: ColumnElement[Any], op: CompareOperator, value: Any) -> ColumnElement[bool]:
    if value is None:  # `eq null` / `ne null`: (un)assigned, as scim2-models evaluates them
        return column.is_(None) if op == CompareOperator.eq else column.is_not(None)
    if op in (CompareOperator.co, CompareOperator.sw, CompareOperator.ew):
        if not isinstance(value, str):
            return false()
        if op == CompareOperator.co:
            return column.contains(value, autoescape=True)
        if op == CompareOperator.sw:
            return column.startswith(value, autoescape=True)
        return column.endswith(value, autoescape=True)
    return ORDERED[op](column, value)


# Built only for the operator asked: SQLAlchemy refuses `>` on a boolean when it is built.
ORDERED: dict[CompareOperator, Callable[[ColumnElement[Any], Any], ColumnElement[bool]]] = {
    CompareOperator.eq: lambda column, value: column == value,
    CompareOperator.ne: lambda column, value: or_(column.is_(None), column != value),
    CompareOperator.gt: lambda column, value: column > value,
    CompareOperator.ge: lambda column, value: column >= value,
    CompareOperator.lt: lambda column, value: column < value,
    CompareOperator.le: lambda column, value: column <= value,
}

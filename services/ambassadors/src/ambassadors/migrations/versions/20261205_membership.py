"""voluntary membership: program members, invitations, eligibility policies, onboarding offers

Revision ID: 2ebf407567a2
Revises: 7a1d3c5e8f20
Create Date: 2026-12-05 09:00:00

Staff list a sub-program's members newest first: memberships get an index for it.
Every ambassador who belongs to a sub-program today becomes a member of its program (joined
when they first joined one of its sub-programs): a sub-program member is a program member.
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "2ebf407567a2"
down_revision: str | None = "7a1d3c5e8f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("status = 'open'")


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _moment(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, common.db.UTCDateTime(timezone=True), nullable=nullable)


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def upgrade() -> None:
    program_members = op.create_table(
        "program_members",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("ambassador_id", sa.Uuid(), nullable=False),
        _moment("joined_at", nullable=False),
        _moment("left_at", nullable=True),
        _fk("program_members", "program_id", "programs"),
        _fk("program_members", "ambassador_id", "ambassadors"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_program_members")),
        sa.UniqueConstraint(
            "program_id", "ambassador_id", name="uq_program_members_program_ambassador"
        ),
    )
    op.create_index(
        "ix_program_members_program_recent", "program_members", ["program_id", "joined_at", "id"]
    )
    op.create_index("ix_program_members_ambassador", "program_members", ["ambassador_id"])
    op.create_table(
        "invitations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("employee_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("sub_program_id", sa.Uuid(), nullable=True),
        sa.Column("scope_id", sa.Uuid(), nullable=False),
        sa.Column("reason", _text(16), nullable=False),
        sa.Column("status", _text(16), nullable=False),
        sa.Column("invited_by", sa.Uuid(), nullable=True),
        _moment("created_at", nullable=False),
        _moment("decided_at", nullable=True),
        sa.Column("decided_by", sa.Uuid(), nullable=True),
        _fk("invitations", "employee_id", "employees"),
        _fk("invitations", "program_id", "programs"),
        _fk("invitations", "sub_program_id", "sub_programs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
    )
    op.create_index(
        "uq_invitations_open_scope_employee",
        "invitations",
        ["scope_id", "employee_id"],
        unique=True,
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )
    op.create_index("ix_invitations_employee_scope", "invitations", ["employee_id", "scope_id"])
    op.create_index("ix_invitations_org_recent", "invitations", ["org_id", "created_at", "id"])
    op.create_index(
        "ix_invitations_program_recent", "invitations", ["program_id", "created_at", "id"]
    )
    op.create_index("ix_invitations_scope_recent", "invitations", ["scope_id", "created_at", "id"])
    op.create_table(
        "eligibility_policies",
        sa.Column("scope_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("sub_program_id", sa.Uuid(), nullable=True),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=False),
        _moment("updated_at", nullable=False),
        _fk("eligibility_policies", "program_id", "programs"),
        _fk("eligibility_policies", "sub_program_id", "sub_programs"),
        sa.PrimaryKeyConstraint("scope_id", name=op.f("pk_eligibility_policies")),
    )
    op.create_index("ix_eligibility_policies_org", "eligibility_policies", ["org_id"])
    op.create_index("ix_eligibility_policies_pending", "eligibility_policies", ["pending"])
    op.create_table(
        "onboarding_offers",
        sa.Column("program_id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("offer_to_new_hires", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=False),
        _moment("updated_at", nullable=False),
        _fk("onboarding_offers", "program_id", "programs"),
        sa.PrimaryKeyConstraint("program_id", name=op.f("pk_onboarding_offers")),
    )
    op.create_index("ix_onboarding_offers_org", "onboarding_offers", ["org_id"])
    op.create_index(
        "ix_memberships_sub_program_recent", "memberships", ["sub_program_id", "joined_at", "id"]
    )
    _backfill(program_members)


def _backfill(program_members: sa.Table) -> None:
    """Today's sub-program members become members of each program they belong to."""
    rows = op.get_bind().execute(
        sa.text(
            "SELECT m.org_id, s.program_id, m.ambassador_id, MIN(m.joined_at) AS joined_at "
            "FROM memberships m JOIN sub_programs s ON s.id = m.sub_program_id "
            "GROUP BY m.org_id, s.program_id, m.ambassador_id"
        ).columns(
            sa.column("org_id", sa.Uuid()),
            sa.column("program_id", sa.Uuid()),
            sa.column("ambassador_id", sa.Uuid()),
            sa.column("joined_at", common.db.UTCDateTime(timezone=True)),
        )
    )
    members = [{"id": uuid.uuid4(), **row._mapping, "left_at": None} for row in rows]
    if members:
        op.bulk_insert(program_members, members)


def downgrade() -> None:
    op.drop_index("ix_memberships_sub_program_recent", table_name="memberships")
    op.drop_index("ix_onboarding_offers_org", table_name="onboarding_offers")
    op.drop_table("onboarding_offers")
    op.drop_index("ix_eligibility_policies_pending", table_name="eligibility_policies")
    op.drop_index("ix_eligibility_policies_org", table_name="eligibility_policies")
    op.drop_table("eligibility_policies")
    for index in (
        "ix_invitations_scope_recent",
        "ix_invitations_program_recent",
        "ix_invitations_org_recent",
        "ix_invitations_employee_scope",
        "uq_invitations_open_scope_employee",
    ):
        op.drop_index(index, table_name="invitations")
    op.drop_table("invitations")
    op.drop_index("ix_program_members_ambassador", table_name="program_members")
    op.drop_index("ix_program_members_program_recent", table_name="program_members")
    op.drop_table("program_members")

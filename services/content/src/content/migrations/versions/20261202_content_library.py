"""content library: kinds, languages and translations, several targets, tags, lifecycle, review

Revision ID: cd13280de274
Revises: 80c0f2cebcae
Create Date: 2026-12-02 12:40:35

Items made before this keep their one sub-program as their one target (its program from the
access read model when known), are their own translation group, and are credited to their
creator. A PostgreSQL-only GIN expression index serves full-text search (content.items.search).
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "cd13280de274"
down_revision: str | None = "80c0f2cebcae"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FTS_INDEX = "ix_content_items_fts"
FTS_DOCUMENT = "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(body, ''))"


def upgrade() -> None:
    _create_facet_tables()
    _create_review_entries()
    with op.batch_alter_table("content_items") as batch:
        for column in _new_item_columns():
            batch.add_column(column)
        batch.alter_column(
            "status",
            existing_type=sa.VARCHAR(length=16),
            type_=sqlmodel.sql.sqltypes.AutoString(length=24),
            existing_nullable=False,
        )
    op.execute(
        "INSERT INTO content_targets (content_id, sub_program_id, program_id, org_id) "
        "SELECT i.id, i.sub_program_id, s.program_id, i.org_id FROM content_items i "
        "LEFT JOIN access_sub_programs s ON s.sub_program_id = i.sub_program_id"
    )
    op.execute(
        "UPDATE content_items SET translation_group_id = id, author_id = created_by, "
        "updated_at = created_at, approved_at = published_at"
    )
    with op.batch_alter_table("content_items") as batch:
        batch.alter_column("translation_group_id", existing_type=sa.Uuid(), nullable=False)
        batch.alter_column("author_id", existing_type=sa.Uuid(), nullable=False)
        batch.alter_column(
            "updated_at", existing_type=common.db.UTCDateTime(timezone=True), nullable=False
        )
        batch.create_index(
            "ix_content_items_org_status_recent", ["org_id", "status", "created_at", "id"]
        )
        batch.create_index("ix_content_items_due_publish", ["status", "publish_at"])
        batch.create_index("ix_content_items_due_expire", ["status", "expire_at"])
        batch.create_unique_constraint(
            "uq_content_items_translation", ["translation_group_id", "language"]
        )
        batch.drop_column("sub_program_id")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX {FTS_INDEX} ON content_items USING gin ({FTS_DOCUMENT})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP INDEX IF EXISTS {FTS_INDEX}")
    with op.batch_alter_table("content_items") as batch:
        batch.add_column(sa.Column("sub_program_id", sa.Uuid(), nullable=True))
    # An item keeps one of its targets: the first version of the schema had one per item.
    op.execute(
        "UPDATE content_items SET sub_program_id = (SELECT t.sub_program_id FROM "
        "content_targets t WHERE t.content_id = content_items.id "
        "ORDER BY t.sub_program_id LIMIT 1)"
    )
    op.execute("DELETE FROM content_review_entries")
    op.execute("DELETE FROM content_tags")
    op.execute("DELETE FROM content_targets")
    op.execute("DELETE FROM content_items WHERE sub_program_id IS NULL")
    with op.batch_alter_table("content_items") as batch:
        batch.alter_column("sub_program_id", existing_type=sa.Uuid(), nullable=False)
        batch.drop_constraint("uq_content_items_translation", type_="unique")
        for index in (
            "ix_content_items_org_status_recent",
            "ix_content_items_due_publish",
            "ix_content_items_due_expire",
        ):
            batch.drop_index(index)
        for column in _new_item_columns():
            batch.drop_column(column.name)
        batch.alter_column(
            "status",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=24),
            type_=sa.VARCHAR(length=16),
            existing_nullable=False,
        )
    op.drop_table("content_review_entries")
    op.drop_table("content_targets")
    op.drop_table("content_tags")


def _new_item_columns() -> list[sa.Column[object]]:
    text = sqlmodel.sql.sqltypes.AutoString
    moment = common.db.UTCDateTime(timezone=True)
    return [
        sa.Column("language", text(length=35), nullable=False, server_default="en"),
        sa.Column("translation_group_id", sa.Uuid(), nullable=True),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False, server_default="{}"),
        sa.Column("source", text(length=16), nullable=False, server_default="console"),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("updated_at", moment, nullable=True),
        sa.Column("approved_at", moment, nullable=True),
        sa.Column("publish_at", moment, nullable=True),
        sa.Column("expire_at", moment, nullable=True),
        sa.Column("expired_at", moment, nullable=True),
    ]


def _create_facet_tables() -> None:
    op.create_table(
        "content_targets",
        sa.Column("content_id", sa.Uuid(), nullable=False),
        sa.Column("sub_program_id", sa.Uuid(), nullable=False),
        sa.Column("program_id", sa.Uuid(), nullable=True),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content_items.id"],
            name=op.f("fk_content_targets_content_id_content_items"),
        ),
        sa.PrimaryKeyConstraint("content_id", "sub_program_id", name=op.f("pk_content_targets")),
    )
    op.create_index(
        "ix_content_targets_program", "content_targets", ["org_id", "program_id", "content_id"]
    )
    op.create_index(
        "ix_content_targets_sub_program",
        "content_targets",
        ["org_id", "sub_program_id", "content_id"],
    )
    op.create_table(
        "content_tags",
        sa.Column("content_id", sa.Uuid(), nullable=False),
        sa.Column("dimension", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content_items.id"],
            name=op.f("fk_content_tags_content_id_content_items"),
        ),
        sa.PrimaryKeyConstraint("content_id", "dimension", "value", name=op.f("pk_content_tags")),
    )
    op.create_index(
        "ix_content_tags_lookup", "content_tags", ["org_id", "dimension", "value", "content_id"]
    )


def _create_review_entries() -> None:
    op.create_table(
        "content_review_entries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("content_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=5000), nullable=True),
        sa.Column("created_at", common.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["content_id"],
            ["content_items.id"],
            name=op.f("fk_content_review_entries_content_id_content_items"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_content_review_entries")),
    )
    op.create_index(
        "ix_content_review_entries_item",
        "content_review_entries",
        ["org_id", "content_id", "created_at"],
    )

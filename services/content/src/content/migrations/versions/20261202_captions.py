"""captions: variants per network and language, caption rules per charter level, posts checked

Revision ID: c2a0f1b2c3d4
Revises: cd13280de274
Create Date: 2026-12-02 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "c2a0f1b2c3d4"
down_revision: str | None = "cd13280de274"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_TEXT = 63_206


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _at() -> common.db.UTCDateTime:
    return common.db.UTCDateTime(timezone=True)


def _item_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["content_id"], ["content_items.id"], name=op.f(f"fk_{table}_content_id_content_items")
    )


def upgrade() -> None:
    _create_variants()
    _create_rule_sets()
    _create_posts()


def downgrade() -> None:
    op.drop_index("ix_caption_posts_item_recent", table_name="caption_posts")
    op.drop_table("caption_posts")
    op.drop_table("caption_rule_sets")
    op.drop_index("ix_caption_variants_item_recent", table_name="caption_variants")
    op.drop_table("caption_variants")


def _create_variants() -> None:
    op.create_table(
        "caption_variants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("content_id", sa.Uuid(), nullable=False),
        sa.Column("network", _text(16), nullable=False),
        sa.Column("language", _text(35), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("text", _text(MAX_TEXT), nullable=False),
        sa.Column("digest", _text(64), nullable=False),
        sa.Column("label", _text(100), nullable=True),
        sa.Column("created_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", _at(), nullable=False),
        sa.Column("updated_at", _at(), nullable=False),
        _item_fk("caption_variants"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caption_variants")),
        sa.UniqueConstraint(
            "content_id", "network", "language", "slot", name="uq_caption_variants_slot"
        ),
        sa.UniqueConstraint(
            "content_id", "network", "language", "digest", name="uq_caption_variants_digest"
        ),
    )
    op.create_index(
        "ix_caption_variants_item_recent",
        "caption_variants",
        ["org_id", "content_id", "created_at", "id"],
    )


def _create_rule_sets() -> None:
    op.create_table(
        "caption_rule_sets",
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("scope_type", _text(16), nullable=False),
        sa.Column("scope_id", sa.Uuid(), nullable=False),
        sa.Column("banned_terms", sa.JSON(), nullable=False),
        sa.Column("required_hashtags", sa.JSON(), nullable=False),
        sa.Column("signature", _text(200), nullable=True),
        sa.Column("signature_at_end", sa.Boolean(), nullable=False),
        sa.Column("disclosures", sa.JSON(), nullable=False),
        sa.Column("max_hashtags", sa.Integer(), nullable=True),
        sa.Column("max_length", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.Uuid(), nullable=False),
        sa.Column("created_at", _at(), nullable=False),
        sa.Column("updated_at", _at(), nullable=False),
        sa.PrimaryKeyConstraint(
            "org_id", "scope_type", "scope_id", name=op.f("pk_caption_rule_sets")
        ),
    )


def _create_posts() -> None:
    op.create_table(
        "caption_posts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("content_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("network", _text(16), nullable=False),
        sa.Column("text", _text(MAX_TEXT), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("verdict", _text(16), nullable=False),
        sa.Column("closest_source", _text(16), nullable=True),
        sa.Column("closest_id", sa.Uuid(), nullable=True),
        sa.Column("created_at", _at(), nullable=False),
        sa.Column("updated_at", _at(), nullable=False),
        _item_fk("caption_posts"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caption_posts")),
        sa.UniqueConstraint("content_id", "user_id", "network", name="uq_caption_posts_person"),
    )
    op.create_index(
        "ix_caption_posts_item_recent",
        "caption_posts",
        ["org_id", "content_id", "network", "updated_at"],
    )

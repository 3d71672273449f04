"""social accounts: handles, profile URLs and connection state on social_profiles; audience
history, encrypted tokens, pending revocations, authorization states, posting consents

Revision ID: 0450ebddddfb
Revises: 7a1d3c5e8f20
Create Date: 2026-12-05 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import common.db

revision: str = "0450ebddddfb"
down_revision: str | None = "7a1d3c5e8f20"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVE = sa.text("ended_at IS NULL")


def _text(length: int) -> sqlmodel.sql.sqltypes.AutoString:
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def _moment(name: str, *, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, common.db.UTCDateTime(timezone=True), nullable=nullable)


def _account(table: str, *, primary_key: bool = False) -> sa.Column[object]:
    return sa.Column(
        "account_id",
        sa.Uuid(),
        sa.ForeignKey(
            "social_profiles.id",
            name=f"fk_{table}_account_id_social_profiles",
            ondelete="CASCADE",
        ),
        nullable=False,
        primary_key=primary_key,
    )


def upgrade() -> None:
    with op.batch_alter_table("social_profiles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("handle", _text(100), nullable=True))
        batch_op.add_column(sa.Column("profile_url", _text(2048), nullable=True))
        # Existing profiles were declared by opting in: never connected.
        batch_op.add_column(
            sa.Column(
                "connection_status", _text(16), server_default="not_connected", nullable=False
            )
        )
        batch_op.add_column(_moment("connected_at", nullable=True))
        batch_op.add_column(_moment("connection_expires_at", nullable=True))
        batch_op.add_column(_moment("connection_reminded_for", nullable=True))
        batch_op.add_column(_moment("created_at", nullable=True))
    op.execute("UPDATE social_profiles SET created_at = updated_at")
    with op.batch_alter_table("social_profiles", schema=None) as batch_op:
        batch_op.alter_column("connection_status", server_default=None)
        batch_op.alter_column(
            "created_at", existing_type=common.db.UTCDateTime(timezone=True), nullable=False
        )
        batch_op.create_index(
            "ix_social_profiles_connection_expiry",
            ["connection_status", "connection_expires_at"],
            unique=False,
        )
    # Every profile declared so far starts its audience history with what it says today.
    op.create_table(
        "social_audience_history",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        _account("social_audience_history"),
        sa.Column("ambassador_id", sa.Uuid(), nullable=False),
        sa.Column("audience_size", sa.Integer(), nullable=False),
        sa.Column("source", _text(16), nullable=False),
        _moment("recorded_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_audience_history")),
    )
    op.create_index(
        "ix_social_audience_history_account",
        "social_audience_history",
        ["account_id", "recorded_at", "id"],
    )
    op.create_table(
        "social_tokens",
        _account("social_tokens", primary_key=True),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("access_token", sa.LargeBinary(), nullable=False),
        sa.Column("refresh_token", sa.LargeBinary(), nullable=True),
        _moment("refresh_expires_at", nullable=True),
        sa.Column("scope", _text(500), nullable=False),
        _moment("refresh_failed_for", nullable=True),
        _moment("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_social_tokens")),
    )
    op.create_table(
        "social_token_revocations",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("account_id", sa.Uuid(), nullable=False),
        sa.Column("network", _text(32), nullable=False),
        sa.Column("token", sa.LargeBinary(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _moment("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_token_revocations")),
    )
    op.create_table(
        "social_oauth_states",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        _account("social_oauth_states"),
        sa.Column("network", _text(32), nullable=False),
        sa.Column("state_hash", _text(64), nullable=False),
        _moment("created_at", nullable=False),
        _moment("expires_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_oauth_states")),
        sa.UniqueConstraint("state_hash", name=op.f("uq_social_oauth_states_state_hash")),
    )
    op.create_index("ix_social_oauth_states_expiry", "social_oauth_states", ["expires_at"])
    op.create_table(
        "social_posting_consents",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", sa.Uuid(), nullable=False),
        _account("social_posting_consents"),
        sa.Column("ambassador_id", sa.Uuid(), nullable=False),
        sa.Column("network", _text(32), nullable=False),
        sa.Column("wording_version", _text(40), nullable=False),
        _moment("granted_at", nullable=False),
        _moment("expires_at", nullable=False),
        _moment("ended_at", nullable=True),
        sa.Column("end_reason", _text(16), nullable=True),
        _moment("reminded_for", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_social_posting_consents")),
    )
    op.create_index(
        "uq_social_posting_consents_active",
        "social_posting_consents",
        ["account_id"],
        unique=True,
        postgresql_where=ACTIVE,
        sqlite_where=ACTIVE,
    )
    op.create_index(
        "ix_social_posting_consents_account",
        "social_posting_consents",
        ["account_id", "granted_at", "id"],
    )
    op.create_index("ix_social_posting_consents_expiry", "social_posting_consents", ["expires_at"])
    op.execute(
        "INSERT INTO social_audience_history "
        "(id, org_id, account_id, ambassador_id, audience_size, source, recorded_at) "
        "SELECT id, org_id, id, ambassador_id, audience_size, 'self_declared', updated_at "
        "FROM social_profiles"
    )


def downgrade() -> None:
    op.drop_table("social_posting_consents")
    op.drop_table("social_oauth_states")
    op.drop_table("social_token_revocations")
    op.drop_table("social_tokens")
    op.drop_table("social_audience_history")
    with op.batch_alter_table("social_profiles", schema=None) as batch_op:
        batch_op.drop_index("ix_social_profiles_connection_expiry")
        for column in (
            "created_at",
            "connection_reminded_for",
            "connection_expires_at",
            "connected_at",
            "connection_status",
            "profile_url",
            "handle",
        ):
            batch_op.drop_column(column)

"""access tombstones with change times

Memberships and grants keep the time of their last change and a state instead of being deleted,
so an older event told again later cannot undo a newer one.

Revision ID: 80c0f2cebcae
Revises: 394d9509993d
Create Date: 2026-11-25 11:51:47.543025
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import common.db

revision: str = "80c0f2cebcae"
down_revision: str | None = "394d9509993d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATES = {"access_memberships": "is_member", "access_staff_grants": "is_granted"}


def upgrade() -> None:
    # Rows projected before this revision hold (present meant joined or granted) at a time
    # nobody recorded: the epoch, so that any real event about them is newer and wins.
    # `python -m ambassadors.republish access` then gives them their own time.
    unknown_time = sa.text(
        "'1970-01-01 00:00:00.000000'"
        if op.get_bind().dialect.name == "sqlite"
        else "'1970-01-01 00:00:00+00'"
    )
    for table, state in STATES.items():
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(
                sa.Column(state, sa.Boolean(), nullable=False, server_default=sa.true())
            )
            batch_op.add_column(
                sa.Column(
                    "changed_at",
                    common.db.UTCDateTime(timezone=True),
                    nullable=False,
                    server_default=unknown_time,
                )
            )
        # The defaults were for the rows already there: the projection always writes both.
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(state, server_default=None)
            batch_op.alter_column("changed_at", server_default=None)


def downgrade() -> None:
    # Before this revision a row meant "joined" or "granted": tombstones go.
    for table, state in STATES.items():
        op.execute(sa.text(f"DELETE FROM {table} WHERE NOT {state}"))
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("changed_at")
            batch_op.drop_column(state)

"""outbox quarantine and idempotency keys

Revision ID: a0036d14d73f
Revises: be6fbc636f38
Create Date: 2026-11-25 09:50:00
"""

from collections.abc import Sequence

from common.event_tables import add_backbone_v2, drop_backbone_v2

revision: str = "a0036d14d73f"
down_revision: str | None = "be6fbc636f38"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_backbone_v2()


def downgrade() -> None:
    drop_backbone_v2()

"""outbox quarantine and idempotency keys

Revision ID: 941258092ea0
Revises: 93e388245e7f
Create Date: 2026-11-25 09:50:00
"""

from collections.abc import Sequence

from common.event_tables import add_backbone_v2, drop_backbone_v2

revision: str = "941258092ea0"
down_revision: str | None = "93e388245e7f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    add_backbone_v2()


def downgrade() -> None:
    drop_backbone_v2()

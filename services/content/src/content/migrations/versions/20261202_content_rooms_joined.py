"""content rooms joined: the branches of the calendar, captions, curation and ideas rooms

Revision ID: d0e1f2a3b4c5
Revises: c3b1e2d3f4a5, c2a0f1b2c3d4, c5d3a4f5b6c7, c4c2f3e4a5b6
Create Date: 2026-12-02 13:32:15

Each room's tables were added on its own branch from the content library revision; this joins
them so the history has one head again (`revision` autogenerates on one head).
"""

from collections.abc import Sequence

revision: str = "d0e1f2a3b4c5"
down_revision: str | Sequence[str] | None = (
    "c3b1e2d3f4a5",
    "c2a0f1b2c3d4",
    "c5d3a4f5b6c7",
    "c4c2f3e4a5b6",
)
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

"""What a site check remembers from one scan for the next (check_memos), e.g. the mobile render
measurements an incremental scan reuses for unchanged pages.

Revision ID: 0006
Revises: 0005

Only a new table: existing rows stay as they are.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "check_memos",
        sa.Column(
            "scan_id",
            sa.Integer,
            sa.ForeignKey("scans.id", ondelete="CASCADE", name="fk_check_memos_scan_id_scans"),
            primary_key=True,
        ),
        sa.Column("check_name", sa.String(40), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("check_memos")

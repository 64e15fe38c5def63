"""rollups: messages per group, local day and hour (filled from the stored messages); stages at the end of
past days, computed on first use; the group's messages by time

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "group_day_hours",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("hour", sa.Integer(), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "day", "hour"),
    )
    op.execute("INSERT INTO group_day_hours (group_id, day, hour, messages) "
               "SELECT group_id, local_day, local_hour, count(*) FROM messages "
               "GROUP BY group_id, local_day, local_hour")
    op.create_table(
        "stage_days",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("day", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("through", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "day", "member_id"),
    )
    op.create_index("ix_stage_days_through", "stage_days", ["group_id", "through"])
    op.create_index("ix_messages_at", "messages", ["group_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_messages_at", table_name="messages")
    op.drop_index("ix_stage_days_through", table_name="stage_days")
    op.drop_table("stage_days")
    op.drop_table("group_day_hours")

"""member intelligence: message signals, member states, lifecycle transitions, saved segments

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("member_tags", sa.Column("evidence", sa.String(), nullable=False, server_default=""))
    op.create_table(
        "message_signals",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("message_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("question", sa.Boolean(), nullable=False),
        sa.Column("link", sa.Boolean(), nullable=False),
        sa.Column("reply_to", sa.String(), nullable=True),
        sa.Column("mentions", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "message_id"),
    )
    op.create_index("ix_message_signals_at", "message_signals", ["group_id", "at"])
    op.create_table(
        "member_states",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("tier", sa.String(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("breakdown", sa.String(), nullable=False),
        sa.Column("stage", sa.String(), nullable=False),
        sa.Column("stage_since", sa.Float(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "member_id"),
    )
    op.create_table(
        "lifecycle_transitions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("from_stage", sa.String(), nullable=False),
        sa.Column("to_stage", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_lifecycle_transitions_at", "lifecycle_transitions", ["group_id", "at"])
    op.create_table(
        "saved_segments",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("query", sa.String(), nullable=False),
        sa.Column("created_by", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "name"),
    )
    op.create_table(
        "intel_state",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "key"),
    )


def downgrade() -> None:
    op.drop_table("intel_state")
    op.drop_table("saved_segments")
    op.drop_index("ix_lifecycle_transitions_at", table_name="lifecycle_transitions")
    op.drop_table("lifecycle_transitions")
    op.drop_table("member_states")
    op.drop_index("ix_message_signals_at", table_name="message_signals")
    op.drop_table("message_signals")
    with op.batch_alter_table("member_tags") as batch:
        batch.drop_column("evidence")

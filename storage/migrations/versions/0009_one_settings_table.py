"""one per-group key/value table: intel_state's rows move into group_settings, intel_state goes

The two tables held disjoint keys (intel_state: the recompute fingerprint, tier weights, mass-mention state;
group_settings: schedules changed in chat and the automatic push time); should a key be in both, the
group_settings row is kept. Moved rows override no config value (``config_value`` empty).

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

# The keys intel_state held (for the way back).
MOVED = "key IN ('fingerprint', 'tier_weights', 'notify_mentioned') OR key LIKE 'notify_pending:%'"


def upgrade() -> None:
    op.execute("INSERT INTO group_settings (group_id, key, value, config_value, at) "
               "SELECT i.group_id, i.key, i.value, '', i.at FROM intel_state i WHERE NOT EXISTS "
               "(SELECT 1 FROM group_settings g WHERE g.group_id = i.group_id AND g.key = i.key)")
    op.drop_table("intel_state")


def downgrade() -> None:
    op.create_table(
        "intel_state",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("value", sa.String(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "key"),
    )
    op.execute(f"INSERT INTO intel_state (group_id, key, value, at) SELECT group_id, key, value, at "
               f"FROM group_settings WHERE {MOVED}")
    op.execute(f"DELETE FROM group_settings WHERE {MOVED}")

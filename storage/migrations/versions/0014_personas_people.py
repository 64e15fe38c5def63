"""personas and people: the last clustering run's personas per group (id, name, centroid), so names stay
stable; accounts linked into one person, and the one-time codes that link them

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "personas",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("persona_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(), nullable=False),
        sa.Column("centroid", sa.String(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "persona_id"),
    )
    op.create_table(
        "person_links",
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("person_id", sa.String(), nullable=False),
        sa.Column("linked_at", sa.Float(), nullable=False),
        sa.Column("how", sa.String(), nullable=False),
        sa.Column("reason", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("member_id"),
    )
    op.create_index("ix_person_links_person", "person_links", ["person_id"])
    op.create_table(
        "link_codes",
        sa.Column("code_hash", sa.String(), nullable=False),
        sa.Column("member_id", sa.String(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("used_at", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("code_hash"),
    )


def downgrade() -> None:
    op.drop_table("link_codes")
    op.drop_index("ix_person_links_person", table_name="person_links")
    op.drop_table("person_links")
    op.drop_table("personas")

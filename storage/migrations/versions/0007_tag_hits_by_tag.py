"""tag hits by tag: per-tag reads (segment queries naming a tag, a tag's hit times) searched, not skip-scanned

EXPLAIN QUERY PLAN before: ``SEARCH tag_hits USING COVERING INDEX ix_tag_hits_member (ANY(group_id) AND
ANY(member_id) AND tag=?)`` — every hit of the group visited for one tag.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tag_hits_tag", "tag_hits", ["group_id", "tag", "at", "member_id"])


def downgrade() -> None:
    op.drop_index("ix_tag_hits_tag", table_name="tag_hits")

"""privacy markers: opt-outs as one-way member keys that outlive an erasure

``do_not_profile`` holds (group, one-way key of the member id) for every member who opted out; it is
filled from ``members.opted_out``. The key function is frozen here (a copy of
``storage.repo.privacy.member_key``) so this migration never changes meaning.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _key(value: str) -> str:
    return hashlib.sha256(("quntag:" + value).encode()).hexdigest()[:32]


def upgrade() -> None:
    op.create_table(
        "do_not_profile",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_key", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "member_key"),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT group_id, member_id FROM members WHERE opted_out")).all()
    if rows:
        conn.execute(sa.text("INSERT INTO do_not_profile (group_id, member_key) VALUES (:g, :k)"),
                     [{"g": g, "k": _key(m)} for g, m in rows])


def downgrade() -> None:
    op.drop_table("do_not_profile")

"""privacy: opt-outs that outlive an erasure; erasures versus waiting events; one-way delivery and alert keys

``pending_erasures`` remembers an erasure while events accepted before it still wait to be processed.
``do_not_profile`` holds (group, one-way key of the member id) for every member who opted out; it is
filled from ``members.opted_out``. Delivery keys (``dedupe_keys.key``) and alert keys (``alerts_sent.key``)
can embed user ids (OneBot notices, per-member alerts): they are rewritten to their one-way keys, which
is how they are stored from now on. The key function is a frozen copy of ``storage.repo.privacy.one_way``
so this migration never changes meaning.

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


def _rehash(conn: sa.Connection, table: str) -> None:
    if conn.dialect.name == "sqlite":
        conn.connection.driver_connection.create_function(  # type: ignore[union-attr]
            "quntag_one_way", 1, _key, deterministic=True)
        conn.execute(sa.text(f"UPDATE {table} SET key = quntag_one_way(key)"))
    else:
        conn.execute(sa.text(f"UPDATE {table} SET key = substr(encode(sha256(convert_to('quntag:' || key, "
                             f"'UTF8')), 'hex'), 1, 32)"))


def upgrade() -> None:
    op.create_table(
        "do_not_profile",
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("member_key", sa.String(), nullable=False),
        sa.PrimaryKeyConstraint("group_id", "member_key"),
    )
    op.create_table(
        "pending_erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.String(), nullable=False),
        sa.Column("subject", sa.String(), nullable=False),
        sa.Column("watermark", sa.Integer(), nullable=False),
        sa.Column("names", sa.String(), nullable=False, server_default="[]"),
        sa.Column("at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT group_id, member_id FROM members WHERE opted_out")).all()
    if rows:
        conn.execute(sa.text("INSERT INTO do_not_profile (group_id, member_key) VALUES (:g, :k)"),
                     [{"g": g, "k": _key(m)} for g, m in rows])
    for table in ("dedupe_keys", "alerts_sent"):
        _rehash(conn, table)


def downgrade() -> None:
    op.drop_table("pending_erasures")
    op.drop_table("do_not_profile")

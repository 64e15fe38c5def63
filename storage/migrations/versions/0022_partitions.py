"""partitions: inbox and outbox rows carry the partition of their chat, and chats keep their last send times

Several processors (on one machine or several sharing a PostgreSQL database) each take a share of the
partitions (``storage.partitions``): a processor reads only its partitions' inbox rows (``ix_inbox_part``) and
sends only its partitions' outbox rows (``ix_outbox_part``). ``chat_pace`` keeps the send times of each chat's
last minute, so its rate limit holds when another processor takes the chat over. Rows waiting at the upgrade
get their partition computed here, with the same hash ``storage.partitions`` uses.

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import json
import zlib

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None
PARTS = 64  # storage.partitions.PARTS at this revision


def _part(key: str) -> int:
    return zlib.crc32(key.encode()) % PARTS


def _inbox_part(payload: str) -> int:
    try:
        first = json.loads(payload)[0]
        adapter, chat = first.get("chat") or ("", "")
        if chat:
            return _part(f"chat:{adapter}:{chat}")
        adapter, user = first.get("user") or ("", "")
        return _part(f"user:{adapter}:{user}")
    except (ValueError, IndexError, TypeError, AttributeError):
        return 0


def _outbox_part(payload: str) -> int:
    try:
        kind, adapter, target = json.loads(payload)["target"]
        return _part(f"{kind}:{adapter}:{target}")
    except (ValueError, KeyError, TypeError):
        return 0


def upgrade() -> None:
    for table in ("inbox", "outbox"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("part", sa.Integer(), nullable=False, server_default="0"))
    conn = op.get_bind()
    for table, key, part in (("inbox", "seq", _inbox_part), ("outbox", "id", _outbox_part)):
        rows = conn.execute(sa.text(f"SELECT {key}, payload FROM {table}")).all()
        for row_id, payload in rows:
            conn.execute(sa.text(f"UPDATE {table} SET part = :p WHERE {key} = :k"), {"p": part(payload), "k": row_id})
    op.create_index("ix_inbox_part", "inbox", ["part", "seq"])
    op.create_index("ix_outbox_part", "outbox", ["part", "next_at"])
    op.create_table("chat_pace", sa.Column("lane", sa.String(), primary_key=True),
                    sa.Column("times", sa.String(), nullable=False), sa.Column("at", sa.Float(), nullable=False))


def downgrade() -> None:
    op.drop_table("chat_pace")
    op.drop_index("ix_outbox_part", table_name="outbox")
    op.drop_index("ix_inbox_part", table_name="inbox")
    for table in ("outbox", "inbox"):
        # SQLite rebuilds the table to drop a column; the inbox keeps its never-reused sequence numbers
        keep = {"sqlite_autoincrement": True} if table == "inbox" else {}
        with op.batch_alter_table(table, table_kwargs=keep) as batch:
            batch.drop_column("part")

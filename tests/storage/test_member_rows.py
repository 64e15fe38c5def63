"""Every member upsert takes in a sighting the same way: whatever order messages, joins and leaves arrive
in, the member row ends with the earliest first sight, the latest last sight and the newest non-empty name."""

from __future__ import annotations

from itertools import permutations

from storage.db import Database
from storage.repo import MessageFacts, Repo


def _message(group: str, at: float, name: str) -> MessageFacts:
    return MessageFacts(group, "群", "generic", "generic:u-1", name, f"m{at:.0f}", at, "2026-11-20", 9, None, None)


EVENTS = [("message", 50.0, "乙"), ("join", 100.0, "甲"), ("message", 200.0, ""), ("leave", 300.0, "")]


async def test_arrival_order_never_changes_the_member_row(store_url):
    db = Database(store_url)
    db.start()
    await db.migrate()
    repo = Repo(db)
    try:
        for i, order in enumerate(permutations(EVENTS)):
            group = f"generic:g-{i}"
            for kind, at, name in order:
                if kind == "message":
                    await repo.activity.record_message(_message(group, at, name))
                else:
                    await repo.activity.record_membership(group, "generic", "群", "generic:u-1", name, kind, at,
                                                          f"e{at}", "generic:u-2" if kind == "join" else None)

        def rows(conn):
            return set(conn.exec_driver_sql(
                "SELECT first_seen, last_seen, name, name_at, joined_at, left_at, last_message_at, messages, "
                "invited_by FROM members").all())

        assert await db.read(rows) == {(50.0, 300.0, "甲", 100.0, 100.0, 300.0, 200.0, 2, "generic:u-2")}
    finally:
        await db.close()

"""One rejection per member and tag, however an admin took the tag off; putting the tag back lifts it."""

from __future__ import annotations

from storage.db import Database
from storage.repo import Repo

G, M = "generic:g-1", "generic:u-1"


async def test_rejecting_twice_keeps_one_rejection_and_setting_the_tag_lifts_it(store_url):
    db = Database(store_url)
    db.start()
    await db.migrate()
    repo = Repo(db)

    def rejections(conn):
        return conn.exec_driver_sql("SELECT tag, at FROM tag_rejections").all()

    try:
        await repo.tags.remove_member_tag(G, M, "红酒", 100.0)
        await repo.tags.remove_member_tag(G, M, "红酒", 200.0)
        await repo.tags.remove_member_tag(G, M, "摄影", 150.0)
        assert sorted(await db.read(rejections)) == [("摄影", 150.0), ("红酒", 200.0)]
        await repo.tags.set_member_tag(G, M, "红酒", "interest", "manual", "{}", 300.0)
        assert await db.read(rejections) == [("摄影", 150.0)]
    finally:
        await db.close()

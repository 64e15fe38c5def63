"""The alembic revision chain on every backend: a new database ends at the newest schema, an older install is
upgraded keeping its rows, and migration 0009's data move works both ways.

Once per backend in ``STORE_URLS``; the same revisions run on SQLite (batch mode) and PostgreSQL (in place).
"""

from __future__ import annotations

import json
from importlib.resources import as_file, files

from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (the tables every migration must end up with)
from storage.db import Database, make_engine
from storage.partitions import event_part, outgoing_part
from storage.repo import Delivery, Repo
from tests.storage.backends import T0, open_database

G = "generic:g-1"


def revision(conn: Connection) -> str:
    return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def head() -> str:
    with as_file(files("storage.migrations")) as path:
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(path))
        [newest] = ScriptDirectory.from_config(cfg).get_heads()
        return newest


def migrate_to(url: str, rev: str, *statements: str, down: bool = False) -> None:
    """Bring the database at ``url`` to revision ``rev`` and run ``statements`` on it (an older install)."""
    engine = make_engine(url)
    with as_file(files("storage.migrations")) as path, engine.begin() as conn:
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(path))
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, rev)
        for sql in statements:
            conn.exec_driver_sql(sql)
    engine.dispose()


async def test_a_new_database_is_migrated_to_the_newest_schema(store_url: str) -> None:
    async with open_database(store_url) as db:
        assert await db.read(revision) == head()
        tables = await db.read(lambda c: set(inspect(c).get_table_names()))
        assert set(SQLModel.metadata.tables) <= tables
        await db.migrate()  # again: nothing to do, nothing breaks
        assert await db.read(revision) == head()


async def test_a_database_of_the_first_revision_is_upgraded_keeping_its_rows(store_url: str) -> None:
    migrate_to(store_url, "0001",
               f"INSERT INTO groups VALUES ('{G}', 'generic', '测试群', {T0})",
               "INSERT INTO members (group_id, member_id, name, name_at, messages, first_seen, last_seen, opted_out) "
               f"VALUES ('{G}', 'generic:u-1', '老王', {T0}, 1, {T0}, {T0}, false)",
               f"INSERT INTO tag_hits VALUES ('{G}', 'm-1', '红酒', 'generic:u-1', {T0}, '红酒')",
               "INSERT INTO outbox (adapter, payload, attempts, next_at, created_at, last_error) "
               f"VALUES ('generic', '{{\"text\": \"早上好\"}}', 0, {T0}, {T0}, '')")
    async with open_database(store_url) as db:
        assert await db.read(revision) == head()
        repo = Repo(db, clock=lambda: T0)
        assert await repo.members.groups() == [(G, "测试群", 1)]
        [member] = await repo.members.member_facts(G, ["generic:u-1"], "2026-01-01")
        assert (member.name, member.messages) == ("老王", 1)
        assert await repo.reports.tag_hits_between(G, ["红酒"], T0 - 1, T0) == 1
        assert [item.payload for item in await repo.delivery.due_outgoing(10)] == [{"text": "早上好"}]


INTEL = [(G, "fingerprint", '["x", 1]', 10.0), (G, "tier_weights", '{"recency": 1}', 11.0),
         (G, "notify_pending:generic:u-9", '{"text": "明晚见"}', 12.0), ("generic:g-2", "notify_mentioned", "{}", 13.0),
         (G, "schedule:morning_report", "from intel_state", 14.0)]
SETTINGS = [(G, "schedule:morning_report", "09:30", "08:00", 20.0), (G, "auto:push_time", "21:00", "2026-W47", 21.0)]


def _values(row: tuple[object, ...]) -> str:
    return ", ".join(f"'{v}'" if isinstance(v, str) else str(v) for v in row)


def _rows(url: str, sql: str) -> set[tuple[object, ...]]:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return {tuple(r) for r in conn.execute(text(sql))}
    finally:
        engine.dispose()


async def test_0009_moves_intel_state_rows_into_group_settings_and_back(store_url: str) -> None:
    migrate_to(store_url, "0008",
               *(f"INSERT INTO intel_state (group_id, key, value, at) VALUES ({_values(r)})" for r in INTEL),
               *(f"INSERT INTO group_settings (group_id, key, value, config_value, at) VALUES ({_values(r)})"
                 for r in SETTINGS))
    async with open_database(store_url) as db:
        repo = Repo(db)
        assert await repo.settings.setting_value(G, "tier_weights") == '{"recency": 1}'
        assert await repo.settings.setting(G, "notify_pending:generic:u-9") == ('{"text": "明晚见"}', "")
        assert await repo.settings.setting("generic:g-2", "notify_mentioned") == ("{}", "")
        assert await repo.settings.setting(G, "schedule:morning_report") == ("09:30", "08:00")  # group_settings wins
        assert await repo.settings.setting(G, "auto:push_time") == ("21:00", "2026-W47")
        assert "intel_state" not in await db.read(lambda c: set(inspect(c).get_table_names()))
        assert len(await db.read(lambda c: c.execute(text("SELECT * FROM group_settings")).all())) == (
            len(INTEL) - 1 + len(SETTINGS))

    migrate_to(store_url, "0008", down=True)
    assert _rows(store_url, "SELECT * FROM intel_state") == set(INTEL[:4])
    assert _rows(store_url, "SELECT * FROM group_settings") == set(SETTINGS)


async def test_the_way_down_to_nothing_and_back_up_works(store_url: str) -> None:
    async with open_database(store_url):
        pass
    migrate_to(store_url, "base", down=True)
    assert _rows(store_url, "SELECT count(*) FROM alembic_version") == {(0,)}
    db = Database(store_url)
    db.start()
    try:
        await db.migrate()
        assert await db.read(revision) == head()
    finally:
        await db.close()


COUNTER_ROWS = {
    "member_days": [(G, "generic:u-1", "2026-03-01", 3), (G, "generic:u-2", "2026-03-02", 1)],
    "member_hours": [(G, "generic:u-1", 9, 3), (G, "generic:u-2", 21, 1)],
    "group_day_hours": [(G, "2026-03-01", 9, 3), (G, "2026-03-02", 21, 1)],
}


async def test_0021_keeps_every_counter_and_hit_both_ways(store_url: str) -> None:
    """The counter tables are rebuilt on SQLite and the hits' member index is replaced: no row is lost or
    changed on the way up or down, and the profile reads them as before."""
    migrate_to(store_url, "0020",
               f"INSERT INTO groups VALUES ('{G}', 'generic', '测试群', {T0})",
               *(f"INSERT INTO {table} VALUES ({_values(r)})" for table, rows in COUNTER_ROWS.items() for r in rows),
               f"INSERT INTO tag_hits VALUES ('{G}', 'm-1', '红酒', 'generic:u-1', {T0}, '干红')")
    async with open_database(store_url) as db:
        assert await db.read(revision) == head()
    for table, rows in COUNTER_ROWS.items():
        assert _rows(store_url, f"SELECT * FROM {table}") == set(rows)
    assert _rows(store_url, "SELECT message_id, keyword FROM tag_hits") == {("m-1", "干红")}
    migrate_to(store_url, "0020", down=True)
    for table, rows in COUNTER_ROWS.items():
        assert _rows(store_url, f"SELECT * FROM {table}") == set(rows)


async def test_0022_gives_waiting_rows_their_chats_partition_and_keeps_them_both_ways(store_url: str) -> None:
    """Events and messages waiting at the upgrade are taken by the processor of their chat's partition, as
    new ones would be; the way down keeps them and the inbox's never-reused sequence numbers."""
    event = '[{"kind": "message", "chat": ["generic", "g-7"], "user": ["generic", "u-1"], "text": "你好"}]'
    private = '[{"kind": "message", "chat": ["generic", ""], "user": ["generic", "u-2"], "text": "/me"}]'
    reply = '{"target": ["user", "generic", "u-2"], "parts": [{"t": "好的"}]}'
    migrate_to(store_url, "0021",
               f"INSERT INTO inbox (adapter, key, payload, received_at) VALUES ('generic', 'k-1', '{event}', {T0})",
               f"INSERT INTO inbox (adapter, key, payload, received_at) VALUES ('generic', 'k-2', '{private}', {T0})",
               "INSERT INTO outbox (adapter, payload, attempts, next_at, created_at, last_error) "
               f"VALUES ('generic', '{reply}', 0, {T0}, {T0}, '')")
    async with open_database(store_url) as db:
        assert await db.read(revision) == head()
    assert _rows(store_url, "SELECT key, part FROM inbox") == {
        ("k-1", event_part([{"chat": ["generic", "g-7"]}])),
        ("k-2", event_part([{"chat": ["generic", ""], "user": ["generic", "u-2"]}]))}
    assert _rows(store_url, "SELECT part FROM outbox") == {(outgoing_part(json.loads(reply)),)}
    migrate_to(store_url, "0021", down=True)
    assert _rows(store_url, "SELECT key FROM inbox") == {("k-1",), ("k-2",)}
    migrate_to(store_url, "head")
    async with open_database(store_url) as db:
        repo = Repo(db, clock=lambda: T0)
        seqs = [p.seq for p in await repo.intake.pending(10)]
        await db.write(lambda c: c.exec_driver_sql("DELETE FROM inbox"))  # processed: a reused number would show
        [new] = await repo.intake.accept([Delivery("generic", "k-4", ({"chat": ["generic", "g-7"]},))])
        assert new is not None and new > max(seqs)

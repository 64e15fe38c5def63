"""``storage.db`` on a SQLite file: the pragmas quntag relies on, migrations, owner-only files, checkpoints.

SQLite only (the pragmas and file modes are SQLite's); what every backend keeps is in the contract tests.
"""

from __future__ import annotations

from importlib.resources import as_file, files
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config as AlembicConfig
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, inspect, text
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (the tables every migration must end up with)
from storage.db import make_engine
from storage.repo import Repo
from tests.storage.backends import T0, open_database
from tests.system.test_file_modes import mode, permissive_umask

PRAGMAS = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "secure_delete", "temp_store")


def pragmas(conn: Connection) -> dict[str, object]:
    return {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in PRAGMAS}


def revision(conn: Connection) -> str:
    return str(conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one())


def head() -> str:
    with as_file(files("storage.migrations")) as path:
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(path))
        [newest] = ScriptDirectory.from_config(cfg).get_heads()
        return newest


def migrate_to(url: str, rev: str, *statements: str) -> None:
    """Bring the database at ``url`` to revision ``rev`` and run ``statements`` on it (an older install)."""
    engine = make_engine(url)
    with as_file(files("storage.migrations")) as path, engine.begin() as conn:
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(path))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, rev)
        for sql in statements:
            conn.exec_driver_sql(sql)
    engine.dispose()


@pytest.mark.parametrize(("sync", "level"), [("normal", 1), ("full", 2)])
async def test_every_connection_runs_in_wal_with_foreign_keys_and_secure_delete(tmp_path: Path, sync: str,
                                                                                level: int) -> None:
    want = {"journal_mode": "wal", "synchronous": level, "foreign_keys": 1, "busy_timeout": 30000,
            "secure_delete": 1, "temp_store": 2}
    async with open_database(f"sqlite:///{tmp_path}/quntag.db", sync) as db:
        assert await db.read(pragmas) == want
        assert await db.write(pragmas) == want


async def test_a_new_file_is_migrated_to_the_newest_schema(tmp_path: Path) -> None:
    async with open_database(f"sqlite:///{tmp_path}/quntag.db") as db:
        assert await db.read(revision) == head()
        tables = await db.read(lambda c: set(inspect(c).get_table_names()))
        assert set(SQLModel.metadata.tables) <= tables
        await db.migrate()  # again: nothing to do, nothing breaks
        assert await db.read(revision) == head()


async def test_a_database_of_the_first_revision_is_upgraded_keeping_its_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/quntag.db"
    migrate_to(url, "0001",
               f"INSERT INTO groups VALUES ('generic:g-1', 'generic', '测试群', {T0})",
               "INSERT INTO members (group_id, member_id, name, name_at, messages, first_seen, last_seen, opted_out) "
               f"VALUES ('generic:g-1', 'generic:u-1', '老王', {T0}, 1, {T0}, {T0}, 0)",
               "INSERT INTO tag_hits VALUES ('generic:g-1', 'm-1', '红酒', 'generic:u-1', "
               f"{T0}, '红酒')",
               "INSERT INTO outbox (adapter, payload, attempts, next_at, created_at, last_error) "
               f"VALUES ('generic', '{{\"text\": \"早上好\"}}', 0, {T0}, {T0}, '')")
    async with open_database(url) as db:
        assert await db.read(revision) == head()
        repo = Repo(db, clock=lambda: T0)
        assert await repo.members.groups() == [("generic:g-1", "测试群", 1)]
        [member] = await repo.members.member_facts("generic:g-1", ["generic:u-1"], "2026-01-01")
        assert (member.name, member.messages) == ("老王", 1)
        assert await repo.reports.tag_hits_between("generic:g-1", ["红酒"], T0 - 1, T0) == 1
        assert [item.payload for item in await repo.delivery.due_outgoing(10)] == [{"text": "早上好"}]


async def test_the_database_and_its_log_files_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "quntag.db"
    with permissive_umask():
        async with open_database(f"sqlite:///{path}") as db:
            await db.write(lambda c: c.execute(text("CREATE TABLE notes (body TEXT)")))
            sides = [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm")]
            assert all(p.exists() for p in sides)
            assert {p.name: mode(p) for p in (path, *sides)} == {p.name: 0o600 for p in (path, *sides)}


async def test_an_existing_readable_database_is_made_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "quntag.db"
    path.touch()
    path.chmod(0o644)
    async with open_database(f"sqlite:///{path}"):
        assert mode(path) == 0o600


async def test_a_checkpoint_empties_the_write_ahead_log(tmp_path: Path) -> None:
    path = tmp_path / "quntag.db"
    async with open_database(f"sqlite:///{path}") as db:
        await db.write(lambda c: c.execute(text("CREATE TABLE notes (body TEXT)")))
        await db.write(lambda c: c.execute(text("INSERT INTO notes VALUES ('红酒')")))
        assert Path(f"{path}-wal").stat().st_size > 0
        assert await db.checkpoint() is True
        assert Path(f"{path}-wal").stat().st_size == 0


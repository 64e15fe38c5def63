"""``storage.db`` on a SQLite file: the pragmas quntag relies on, owner-only files, checkpoints.

SQLite only (the pragmas and file modes are SQLite's); what every backend keeps is in the contract tests and
``test_migrations.py``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Connection, text

from tests.storage.backends import open_database
from tests.system.test_file_modes import mode, permissive_umask

PRAGMAS = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout", "secure_delete", "temp_store")


def pragmas(conn: Connection) -> dict[str, object]:
    return {p: conn.exec_driver_sql(f"PRAGMA {p}").scalar() for p in PRAGMAS}


@pytest.mark.parametrize(("sync", "level"), [("normal", 1), ("full", 2)])
async def test_every_connection_runs_in_wal_with_foreign_keys_and_secure_delete(tmp_path: Path, sync: str,
                                                                                level: int) -> None:
    want = {"journal_mode": "wal", "synchronous": level, "foreign_keys": 1, "busy_timeout": 30000,
            "secure_delete": 1, "temp_store": 2}
    async with open_database(f"sqlite:///{tmp_path}/quntag.db", sync) as db:
        assert await db.read(pragmas) == want
        assert await db.write(pragmas) == want


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


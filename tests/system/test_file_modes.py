"""Files holding member data or secrets are owner-only (0600), whatever the umask quntag runs under."""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import aiohttp

from bot.faces.cli import main
from tests.system.serve import Server, free_port, post, wait_processed, write_config


@contextlib.contextmanager
def permissive_umask() -> Iterator[None]:
    """The common default umask 022, under which a file created without an explicit mode is 0644."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def deliver_one(base: str) -> None:
    async with aiohttp.ClientSession() as http:
        ev = {"id": "m1", "type": "message", "time": time.time(), "group": {"id": "g"},
              "user": {"id": "u1"}, "text": "红酒"}
        assert await post(http, base, ev) == 200
        await wait_processed(http, base)


def test_database_wal_shm_lock_backup_and_export_are_owner_only(tmp_path):
    cfg = write_config(tmp_path)
    db = tmp_path / "quntag.db"
    with permissive_umask():
        server = Server(cfg, free_port())
        server.start()
    try:
        asyncio.run(deliver_one(server.base))
        live = [db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}.lock")]
        assert {p.name: mode(p) for p in live} == {p.name: 0o600 for p in live}
    finally:
        code, _ = server.terminate()
    assert code == 0
    export = tmp_path / "e.csv"
    export.write_text("an older export")
    export.chmod(0o644)  # overwriting an existing file restricts it too
    with permissive_umask():
        assert main(["backup", str(tmp_path / "b.db"), "--config", str(cfg)]) == 0
        assert main(["export", "generic:g", "-o", str(tmp_path / "e.csv"), "--config", str(cfg)]) == 0
        assert main(["init", str(tmp_path / "new.toml")]) == 0
    for name in ("b.db", "e.csv", "new.toml"):
        assert mode(tmp_path / name) == 0o600, name


def test_files_left_readable_by_an_older_version_are_restricted(tmp_path):
    cfg = write_config(tmp_path)
    db = tmp_path / "quntag.db"
    with permissive_umask():
        assert main(["db", "upgrade", "--config", str(cfg)]) == 0
        db.chmod(0o644)
        assert main(["db", "upgrade", "--config", str(cfg)]) == 0
    assert mode(db) == 0o600

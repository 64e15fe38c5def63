"""Migration 0009: a database written at 0008, with rows in both per-group key/value tables, ends with one
table holding every row; the way back restores the old split."""

from __future__ import annotations

import sqlite3
from importlib.resources import as_file, files

from alembic import command
from alembic.config import Config as AlembicConfig

from storage.db import Database
from storage.repo import Repo

G = "generic:g-1"
INTEL = [(G, "fingerprint", '["x", 1]', 10.0), (G, "tier_weights", '{"recency": 1}', 11.0),
         (G, "notify_pending:generic:u-9", '{"text": "明晚见"}', 12.0), ("generic:g-2", "notify_mentioned", "{}", 13.0),
         (G, "schedule:morning_report", "from intel_state", 14.0)]
SETTINGS = [(G, "schedule:morning_report", "09:30", "08:00", 20.0), (G, "auto:push_time", "21:00", "2026-W47", 21.0)]


def _migrate(engine, revision: str, down: bool = False) -> None:
    with as_file(files("storage.migrations")) as path, engine.begin() as conn:
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(path))
        cfg.attributes["connection"] = conn
        (command.downgrade if down else command.upgrade)(cfg, revision)


async def test_0009_moves_intel_state_rows_into_group_settings_and_back(tmp_path):
    url = f"sqlite:///{tmp_path}/old.db"
    db = Database(url)
    _migrate(db.engine, "0008")
    with db.engine.begin() as conn:
        for row in INTEL:
            conn.exec_driver_sql("INSERT INTO intel_state (group_id, key, value, at) VALUES (?, ?, ?, ?)", row)
        for row in SETTINGS:
            conn.exec_driver_sql("INSERT INTO group_settings (group_id, key, value, config_value, at) "
                                 "VALUES (?, ?, ?, ?, ?)", row)
    db.start()
    await db.migrate()
    repo = Repo(db)
    try:
        assert await repo.settings.setting_value(G, "tier_weights") == '{"recency": 1}'
        assert await repo.settings.setting(G, "notify_pending:generic:u-9") == ('{"text": "明晚见"}', "")
        assert await repo.settings.setting("generic:g-2", "notify_mentioned") == ("{}", "")
        assert await repo.settings.setting(G, "schedule:morning_report") == ("09:30", "08:00")  # group_settings wins
        assert await repo.settings.setting(G, "auto:push_time") == ("21:00", "2026-W47")
    finally:
        await db.close()
    raw = sqlite3.connect(tmp_path / "old.db")
    tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "intel_state" not in tables
    assert raw.execute("SELECT count(*) FROM group_settings").fetchone() == (len(INTEL) - 1 + len(SETTINGS),)
    raw.close()

    _migrate(db.engine, "0008", down=True)
    raw = sqlite3.connect(tmp_path / "old.db")
    assert set(raw.execute("SELECT * FROM intel_state")) == set(INTEL[:4])
    assert set(raw.execute("SELECT * FROM group_settings")) == set(SETTINGS)
    raw.close()

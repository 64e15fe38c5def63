"""``quntag config show GROUP``: the effective settings of a group and where each comes from — the config
file until the console (or chat) stores a value in the database, the file again once its value is edited."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from bot.core.jobs import schedule_key
from bot.domain import group_settings
from bot.faces.cli import main
from storage.db import Database
from storage.repo import Repo
from tests.faces.console._community import ADMIN_A, A
from tests.faces.console.test_console_parts import write_config


def shown(capsys: Any, cfg: str, group: str = A) -> dict[str, tuple[str, str]]:
    assert main(["config", "show", group, "--json", "--config", cfg]) == 0
    out = json.loads(capsys.readouterr().out)
    return {s["key"]: (s["value"], s["source"]) for s in out["settings"]}


async def store(db_file: Path, *rows: tuple[str, str, str]) -> None:
    db = Database(f"sqlite:///{db_file}")
    db.start()
    try:
        await db.migrate()
        repo = Repo(db)
        for key, value, config_value in rows:
            await repo.settings.set_setting(A, key, value, config_value)
    finally:
        await db.close()


def test_config_show_names_the_file_the_database_and_the_automatic_choice(tmp_path: Path, capsys: Any) -> None:
    cfg = write_config(tmp_path)
    asyncio.run(store(tmp_path / "q.db"))
    before = shown(capsys, cfg)
    assert before["name"] == ("红酒爱好者", "config") and before["timezone"] == ("Asia/Shanghai", "config")
    assert before["schedule.weekly_digest"] == ("mon 09:00", "automatic")
    assert before["checkin.points"] == ("1", "config") and before["digest_recipients"] == (ADMIN_A, "config")
    asyncio.run(store(tmp_path / "q.db", (schedule_key("morning_report"), "07:30", ""),
                      (group_settings.CHECKIN_POINTS, "3", "1"),
                      (group_settings.DIGEST_TO, json.dumps(["generic:u-9"]), json.dumps([ADMIN_A]))))
    after = shown(capsys, cfg)
    assert after["schedule.morning_report"] == ("07:30", "database")
    assert after["checkin.points"] == ("3", "database") and after["digest_recipients"] == ("generic:u-9", "database")
    assert main(["config", "show", A, "--config", cfg]) == 0
    text = capsys.readouterr().out
    assert "schedule.morning_report" in text and "database" in text and "07:30" in text
    assert main(["config", "show", "generic:nope", "--config", cfg]) == 1
    assert "unknown group" in capsys.readouterr().err

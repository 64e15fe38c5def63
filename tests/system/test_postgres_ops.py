"""Operating quntag on PostgreSQL through the CLI: events replayed into it come out as profiles, ``quntag backup``
writes a ``pg_dump`` archive whose counts match what ``pg_restore`` brings back, and ``quntag restore`` says in
one line how to restore with ``pg_restore``."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from bot.faces.cli import main
from storage.pg_backup import libpq
from tests.conftest import message
from tests.postgres import empty_schema

NOW = float(int(time.time()))


def config(tmp_path: Path, url: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(f'[server]\napi_token = "t"\n[storage]\nurl = "{url}"\n[adapters.generic]\nsecret = "s"\n'
                    '[[tags]]\nname = "红酒"\nkeywords = ["红酒"]\n', encoding="utf-8")
    return str(path)


def count(url: str, table: str) -> int:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    finally:
        engine.dispose()


def test_replay_profile_backup_and_restore_on_postgresql(pg_url, tmp_path, capsys):
    cfg = config(tmp_path, pg_url)
    events = tmp_path / "e.jsonl"
    events.write_text("\n".join(json.dumps(message(f"m{i}", f"u-{i % 3}", "红酒真好" if i % 2 else "早", NOW + i),
                                           ensure_ascii=False) for i in range(12)) + "\n", encoding="utf-8")
    assert main(["replay", str(events), "--config", cfg]) == 0
    assert capsys.readouterr().out.strip() == "accepted 12 duplicate 0 rejected 0"
    assert main(["profile", "generic:g-1", "generic:u-1", "--json", "--config", cfg]) == 0
    profile = json.loads(capsys.readouterr().out)
    assert profile["stats"]["messages"] == 4 and [t["name"] for t in profile["tags"]] == ["红酒"]

    dump = tmp_path / "quntag.dump"
    assert main(["backup", str(dump), "--config", cfg]) == 0
    assert capsys.readouterr().out.strip() == f"backup written to {dump}: groups 1, members 3, messages 12"
    assert dump.stat().st_mode & 0o077 == 0  # every member's data: owner-only

    refused = main(["restore", str(dump), "--config", cfg])
    err = capsys.readouterr().err
    assert refused == 1 and len(err.splitlines()) == 1
    assert "pg_restore --clean --if-exists --no-owner --single-transaction --dbname=postgresql://" in err
    assert count(pg_url, "messages") == 12  # untouched

    empty_schema(pg_url)
    uri, env = libpq(pg_url)
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={uri}", str(dump)], env=env, check=True)
    assert count(pg_url, "messages") == 12 and count(pg_url, "members") == 3
    assert main(["profile", "generic:g-1", "generic:u-1", "--json", "--config", cfg]) == 0
    assert json.loads(capsys.readouterr().out)["stats"]["messages"] == 4


def test_backup_without_pg_dump_names_it_in_one_line(pg_url, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without the PostgreSQL client tools
    assert main(["backup", str(tmp_path / "x.dump"), "--config", config(tmp_path, pg_url)]) == 1
    err = capsys.readouterr().err
    assert err == (f"cannot back up to {tmp_path}/x.dump: pg_dump is not installed (apt-get install "
                   "postgresql-client, the same major version as the server)\n")
    assert not list(tmp_path.glob("x.dump*"))

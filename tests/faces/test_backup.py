"""Backup while serving, checked restore, forget from the CLI, and the audit trail."""

from __future__ import annotations

import json
import sqlite3

from bot.faces.cli import main
from storage.backup import ServeLock
from tests.faces.test_cli import history, write_config


def test_backup_restore_roundtrip(tmp_path, capsys):
    cfg = write_config(tmp_path)
    main(["replay", str(history(tmp_path)), "--config", cfg])
    backup = tmp_path / "b.db"
    assert main(["backup", str(backup), "--config", cfg]) == 0
    assert "members 3" in capsys.readouterr().out
    assert main(["backup", str(backup), "--config", cfg]) == 1  # never overwrites
    assert main(["forget", "generic:g-1", "generic:u-1", "--yes", "--config", cfg]) == 0
    assert "erased" in capsys.readouterr().out
    assert main(["profile", "generic:g-1", "generic:u-1", "--config", cfg]) == 1
    assert main(["restore", str(backup), "--yes", "--config", cfg]) == 0
    capsys.readouterr()
    assert main(["profile", "generic:g-1", "generic:u-1", "--json", "--config", cfg]) == 0
    assert json.loads(capsys.readouterr().out)["stats"]["messages"] == 2


def test_restore_refuses_junk_and_a_running_server(tmp_path, capsys):
    cfg = write_config(tmp_path)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all" * 100)
    assert main(["restore", str(junk), "--config", cfg]) == 1
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    assert main(["restore", str(other), "--config", cfg]) == 1
    assert "not a quntag database" in capsys.readouterr().err
    main(["db", "upgrade", "--config", cfg])
    good = tmp_path / "good.db"
    assert main(["backup", str(good), "--config", cfg]) == 0
    lock = ServeLock(f"sqlite:///{tmp_path}/q.db")
    assert lock.acquire()  # as `quntag serve` does
    try:
        assert main(["restore", str(good), "--config", cfg]) == 1
        assert "in use" in capsys.readouterr().err
    finally:
        lock.release()


def test_forget_without_yes_and_without_a_terminal_does_nothing(tmp_path, capsys, monkeypatch):
    cfg = write_config(tmp_path)
    main(["replay", str(history(tmp_path)), "--config", cfg])
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["forget", "generic:g-1", "generic:u-1", "--config", cfg]) == 1
    assert main(["profile", "generic:g-1", "generic:u-1", "--config", cfg]) == 0


def test_lookups_and_exports_are_audited(tmp_path):
    cfg = write_config(tmp_path)
    main(["replay", str(history(tmp_path)), "--config", cfg])
    main(["profile", "generic:g-1", "generic:u-1", "--config", cfg])
    main(["export", "generic:g-1", "--format", "csv", "-o", str(tmp_path / "x.csv"), "--config", cfg])
    rows = sqlite3.connect(tmp_path / "q.db").execute("SELECT actor, action, group_id FROM audit_log").fetchall()
    assert rows == [("cli", "lookup", "generic:g-1"), ("cli", "export_csv", "generic:g-1")]


def test_restore_asks_first_and_keeps_the_database_it_replaces(tmp_path, capsys, monkeypatch):
    cfg = write_config(tmp_path)
    main(["replay", str(history(tmp_path)), "--config", cfg])
    backup = tmp_path / "b.db"
    assert main(["backup", str(backup), "--config", cfg]) == 0
    assert main(["forget", "generic:g-1", "generic:u-1", "--yes", "--config", cfg]) == 0
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["restore", str(backup), "--config", cfg]) == 1
    assert capsys.readouterr().err == "refusing to restore without --yes (no terminal to confirm on); nothing done\n"
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "no")
    assert main(["restore", str(backup), "--config", cfg]) == 1
    assert capsys.readouterr().err == "not confirmed; nothing done\n"
    assert asked == [f"Replace {tmp_path}/q.db with {backup} (groups 1, members 3, messages 3)? The current "
                     "database is kept as a copy beside it. Type yes: "]
    assert main(["profile", "generic:g-1", "generic:u-1", "--config", cfg]) == 1  # still erased: nothing done
    assert not list(tmp_path.glob("q.before-restore-*"))
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    capsys.readouterr()
    assert main(["restore", str(backup), "--config", cfg]) == 0
    out = capsys.readouterr().out
    [kept] = tmp_path.glob("q.before-restore-*.db")
    assert out == f"restored {backup}: groups 1, members 3, messages 3; the previous database is kept at {kept}\n"
    assert main(["profile", "generic:g-1", "generic:u-1", "--config", cfg]) == 0  # the backup is back
    erased = sqlite3.connect(kept).execute("SELECT count(*) FROM members WHERE member_id = 'generic:u-1'")
    assert erased.fetchone() == (0,)  # the copy is the database as it was before the restore

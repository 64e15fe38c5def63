"""Every CLI error an operator can run into ends in one line on stderr and exit code 1 or 2, never a
traceback: each bad invocation runs as a real ``quntag`` process."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.system.serve import free_port

pytestmark = pytest.mark.slow


def quntag(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "QUNTAG_CONFIG"}
    return subprocess.run([sys.executable, "-m", "bot.faces.cli", *args], cwd=cwd, env=env, text=True,
                          capture_output=True, timeout=60, check=False, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with a valid config, a database holding one group, a junk file and a good backup."""
    folder = tmp_path_factory.mktemp("cli-errors")
    (folder / "config.toml").write_text(
        '[server]\napi_token = "a-real-token"\n[storage]\nurl = "sqlite:///q.db"\n'
        '[adapters.generic]\nsecret = "a-real-secret"\noutbound_url = "http://127.0.0.1:9/send"\n', encoding="utf-8")
    (folder / "missing-db.toml").write_text(
        '[storage]\nurl = "sqlite:///none.db"\n[adapters.generic]\nsecret = "s"\n', encoding="utf-8")
    (folder / "broken.toml").write_text("[server\n", encoding="utf-8")
    (folder / "nowhere.toml").write_text('[server]\napi_token = "t"\n[storage]\nurl = "sqlite:///no/such/q.db"\n'
                                         '[adapters.generic]\nsecret = "s"\noutbound_url = "http://h/send"\n',
                                         encoding="utf-8")
    (folder / "junk.db").write_bytes(b"not a database" * 100)
    (folder / "chat.jsonl").write_text(
        '{"id": "e1", "type": "message", "time": 1767225600, "group": {"id": "g-1"}, "user": {"id": "u-1"}, '
        '"text": "红酒"}\n', encoding="utf-8")
    assert quntag("replay", "chat.jsonl", cwd=folder).returncode == 0
    assert quntag("backup", "good.db", cwd=folder).returncode == 0
    return folder


CASES = [
    # (arguments, exit code, what the line says)
    (["backup", "/nonexistent/x.db"], 1, "cannot write /nonexistent/x.db: folder /nonexistent does not exist"),
    (["restore", "/nonexistent/x.db"], 1, "cannot read /nonexistent/x.db: no such file"),
    (["restore", "junk.db"], 1, "not a quntag database"),
    (["restore", "good.db"], 1, "refusing to restore without --yes (no terminal to confirm on); nothing done"),
    (["replay", "/nonexistent.jsonl"], 1, "cannot read /nonexistent.jsonl: no such file"),
    (["export", "generic:g-1", "-o", "/nonexistent/x.csv"], 1, "cannot write /nonexistent/x.csv: folder"),
    (["init", "/nonexistent/dir/c.toml"], 1, "cannot write /nonexistent/dir/c.toml: No such file or directory"),
    (["init", "config.toml"], 1, "config.toml exists; use --force to overwrite"),
    (["profile", "generic:g-9", "generic:u-1"], 1, "unknown group: generic:g-9"),
    (["profile", "generic:g-1", "generic:u-9"], 1, "unknown member: generic:u-9 in group generic:g-1"),
    (["profile", "generic:g-1", "generic:u-1", "--at", "yesterday"], 1, "--at"),
    (["segment", "generic:g-1", "((("], 1, "query error"),
    (["outbox", "drop", "42"], 1, "unknown outbox message: 42 (quntag outbox list shows what waits)"),
    (["outbox", "retry", "forty-two"], 2, "invalid int value: 'forty-two'"),
    (["members", "generic:g-1", "--config", "missing-db.toml"], 1, "no database at"),
    (["members", "generic:g-1", "--config", "absent.toml"], 2, "(write one with: quntag init absent.toml)"),
    (["members", "generic:g-1", "--config", "broken.toml"], 2, "config error: config:"),
    (["members", "generic:g-1", "--config", "."], 2, "config error: config: cannot read"),
    (["serve", "--config", "nowhere.toml"], 2, "config error: storage.url"),
    (["serve", "--processors", "0"], 2, "--processors: must be between 1 and 64"),
    (["serve", "--processors", "65"], 2, "--processors: must be between 1 and 64"),
    (["frobnicate"], 2, "invalid choice: 'frobnicate'"),
    (["profile"], 2, "the following arguments are required"),
]


@pytest.mark.parametrize(("args", "code", "says"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_a_bad_invocation_is_one_line_and_an_exit_code(site, args, code, says):
    done = quntag(*args, cwd=site)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert says in done.stderr


def test_restore_without_confirmation_changes_nothing(site):
    quntag("restore", "good.db", cwd=site)
    assert not list(site.glob("q.before-restore-*"))


def test_serve_on_a_port_in_use_names_server_port(site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", free_port()))
        taken.listen()
        port = taken.getsockname()[1]
        done = quntag("serve", "--port", str(port), cwd=site)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == (f"config error: server.port: 127.0.0.1:{port} is already in use (stop what listens there, "
                           "or choose another server.port or --port)\n")
    assert sqlite3.connect(site / "q.db").execute("SELECT count(*) FROM messages").fetchone() == (1,)

"""Config mistakes an operator makes, each answered with one line that says what to change (exit 2), and
read-only commands that never leave a database file behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.faces.cli import main


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "config.toml"
    path.write_text(f'[storage]\nurl = "sqlite:///{tmp_path}/q.db"\n' + text, encoding="utf-8")
    return str(path)


GENERIC = '[adapters.generic]\nsecret = "s"\n'


@pytest.mark.parametrize(("text", "line"), [
    ('[server]\nprot = 8080\n' + GENERIC, "server.prot: unknown key (did you mean port?)"),
    ('[adaptors.generic]\nsecret = "s"\n', "adaptors: unknown key (did you mean adapters?)"),
    ('[adapters.generic]\nsecert = "s"\n', "adapters.generic.secert: unknown key (did you mean secret?)"),
    (GENERIC + '[[groups]]\nid = "generic:g-1"\ntimezon = "Asia/Shanghai"\n',
     "groups[0].timezon: unknown key (did you mean timezone?)"),
    (GENERIC + '[[groups]]\nid = "generic:g-1"\n[[groups]]\nid = "telegram:-100"\n',
     "groups[1].id: no adapter named 'telegram' is configured (add [adapters.telegram] or correct the id)"),
    (GENERIC + '[[groups]]\nid = "generc:g-1"\n',
     "groups[0].id: no adapter named 'generc' is configured (did you mean generic:g-1?)"),
    ('[adapters.generic]\nsecret = "s"\noutbound_url = "ftp://bridge.example/send"\n',
     "adapters.generic.outbound_url: must be an http:// or https:// URL with a host"),
    ('[adapters.generic]\nsecret = "s"\noutbound_url = "http:///send"\n',
     "adapters.generic.outbound_url: must be an http:// or https:// URL with a host"),
])
def test_a_config_mistake_is_one_line_naming_the_key(tmp_path, capsys, text, line):
    assert main(["members", "generic:g-1", "--config", write(tmp_path, text)]) == 2
    assert capsys.readouterr().err == f"config error: {line}\n"


def test_serve_names_every_missing_secret_at_once(tmp_path, capsys):
    cfg = write(tmp_path, '[server]\napi_token = "CHANGE-ME"\n[adapters.generic]\nsecret = ""\n'
                          '[adapters.tg]\ntype = "telegram"\ntoken = "1:x"\nsecret_token = "CHANGE-ME"\n')
    assert main(["serve", "--config", cfg]) == 2
    assert capsys.readouterr().err == (
        "config error: server.api_token: empty or CHANGE-ME secret; adapters.generic.secret: empty or CHANGE-ME "
        "secret; adapters.tg.secret_token: empty or CHANGE-ME secret; adapters.generic.outbound_url: not set, so "
        "no reply could be sent (set them, or use --insecure-dev)\n")


def test_a_missing_config_file_suggests_quntag_init(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("QUNTAG_CONFIG", raising=False)
    assert main(["members", "generic:g-1"]) == 2
    assert capsys.readouterr().err == ("config error: no config file at config.toml (write one with: quntag init "
                                       "config.toml)\n")
    assert main(["profile", "generic:g-1", "generic:u-1", "--config", "elsewhere/q.toml"]) == 2
    assert "quntag init elsewhere/q.toml" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [
    ["profile", "generic:g-1", "generic:u-1"], ["members", "generic:g-1"], ["export", "generic:g-1"],
    ["segment", "generic:g-1", "红酒"], ["insights", "generic:g-1"], ["personas", "generic:g-1"],
    ["report", "morning", "generic:g-1"], ["report", "weekly", "generic:g-1"], ["outbox", "list"],
    ["forget", "generic:g-1", "generic:u-1", "--yes"], ["recompute", "generic:g-1"],
], ids=lambda argv: " ".join(argv[:2]))
def test_read_only_commands_never_create_a_database(tmp_path, capsys, argv):
    cfg = write(tmp_path, GENERIC)
    assert main([*argv, "--config", cfg]) == 1
    assert capsys.readouterr().err == (f"no database at {tmp_path}/q.db yet (quntag serve or quntag db upgrade "
                                       "creates it; check storage.url and --config)\n")
    assert not (tmp_path / "q.db").exists()
    assert main(["db", "upgrade", "--config", cfg]) == 0  # the one command that is there to create it
    assert (tmp_path / "q.db").exists()

"""Config mistakes an operator makes, each answered with one line that says what to change (exit 2)."""

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

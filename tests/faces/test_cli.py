"""CLI commands on a temporary database: replay, profile, members, export, init, db upgrade."""

from __future__ import annotations

import csv
import io
import json
import time
from pathlib import Path

import pytest

from bot.faces.cli import main
from tests.conftest import config_dict, message

NOW = float(int(time.time()))


def write_config(tmp_path: Path, **sections) -> str:
    data = config_dict(tmp_path, **sections)
    lines = ['[server]', 'api_token = "t"', '[storage]', f'url = "sqlite:///{tmp_path}/q.db"',
             '[adapters.generic]', 'secret = "s"']
    for t in data["tags"]:
        lines += ["[[tags]]", f'name = "{t["name"]}"', f'keywords = {json.dumps(t["keywords"], ensure_ascii=False)}',
                  f'weight = {t["weight"]}']
    path = tmp_path / "config.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def history(tmp_path: Path) -> Path:
    events = [
        message("h1", "u-1", "赤霞珠真不错", NOW, name="=HYPERLINK(\"x\")"),
        message("h2", "u-1", "葡萄酒", NOW - 5),
        message("h3", "u-2", "相机", NOW, name="李四"),
        {"id": "h4", "type": "member_joined", "time": NOW - 10, "group": {"id": "g-1"}, "user": {"id": "u-3"}},
    ]
    path = tmp_path / "history.jsonl"
    lines = [json.dumps(e, ensure_ascii=False) for e in events]
    path.write_text("\n".join([*lines, lines[0], '{"broken": true}', ""]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def loaded(tmp_path, capsys):
    cfg = write_config(tmp_path)
    assert main(["replay", str(history(tmp_path)), "--config", cfg]) == 1  # one line rejected
    out = capsys.readouterr()
    assert out.out.strip() == "accepted 4 duplicate 1 rejected 1"
    assert "history.jsonl:6" in out.err
    return cfg


def test_replay_is_idempotent(loaded, tmp_path, capsys):
    (tmp_path / "again.jsonl").write_text(history(tmp_path).read_text(encoding="utf-8").split("\n")[0] + "\n",
                                          encoding="utf-8")
    assert main(["replay", str(tmp_path / "again.jsonl"), "--config", loaded]) == 0
    assert capsys.readouterr().out.strip() == "accepted 0 duplicate 1 rejected 0"
    assert main(["profile", "generic:g-1", "generic:u-1", "--json", "--config", loaded]) == 0
    assert json.loads(capsys.readouterr().out)["stats"]["messages"] == 2


def test_profile_json_and_at(loaded, capsys):
    assert main(["profile", "generic:g-1", "generic:u-1", "--json", "--config", loaded]) == 0
    p = json.loads(capsys.readouterr().out)
    assert p["member"] == "generic:u-1" and p["tags"][0]["name"] == "红酒" and p["tags"][0]["score"] == 2.0
    at = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(NOW + 15 * 86400))
    assert main(["profile", "generic:g-1", "generic:u-1", "--json", "--at", at, "--config", loaded]) == 0
    expected = 0.5 ** (15 / 30) + 0.5 ** ((15 * 86400 + 5) / 86400 / 30)
    assert json.loads(capsys.readouterr().out)["tags"][0]["score"] == round(expected, 2)


def test_unknown_group_or_member_exits_1(loaded, capsys):
    assert main(["profile", "generic:nope", "generic:u-1", "--config", loaded]) == 1
    assert main(["profile", "generic:g-1", "generic:u-404", "--config", loaded]) == 1
    assert main(["members", "generic:nope", "--config", loaded]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 3 and "unknown group" in err[0] and "unknown member" in err[1]


def test_members_with_tag(loaded, capsys):
    assert main(["members", "generic:g-1", "--tag", "摄影", "--json", "--config", loaded]) == 0
    assert [p["member"] for p in json.loads(capsys.readouterr().out)] == ["generic:u-2"]
    assert main(["members", "generic:g-1", "--config", loaded]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 3


def test_export_csv_neutralizes_formulas(loaded, tmp_path, capsys):
    out = tmp_path / "x.csv"
    assert main(["export", "generic:g-1", "--format", "csv", "-o", str(out), "--config", loaded]) == 0
    assert capsys.readouterr().out == f"wrote 3 profiles (csv) to {out.resolve()}\n"  # says where it wrote
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["group", "member", "name", "lifecycle", "tier", "messages", "active_days", "first_seen",
                       "last_seen", "tags"]
    u1 = next(r for r in rows if r[1] == "generic:u-1")
    assert u1[2] == "'=HYPERLINK(\"x\")" and u1[9] == "红酒:2.00" and u1[5] == "2"
    assert main(["export", "generic:g-1", "--format", "json", "--config", loaded]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3


def test_init_writes_a_loadable_config(tmp_path, capsys):
    target = tmp_path / "new.toml"
    assert main(["init", str(target)]) == 0
    assert "CHANGE-ME" in target.read_text(encoding="utf-8")
    assert main(["init", str(target)]) == 1  # refuses to overwrite
    assert main(["db", "upgrade", "--config", str(target)]) == 0
    assert (tmp_path / "quntag.db").exists()  # relative to the config file's folder


def test_cli_follows_a_moved_group(loaded, capsys):
    import asyncio

    from bot.faces.runtime import Runtime
    from bot.faces.settings import load

    async def move() -> None:
        rt = Runtime(load(loaded))
        await rt.start(process=False, deliver=False, schedule=False)
        try:
            await rt.repo.members.move_group("generic:g-1", "generic:g-new", "generic", NOW)
        finally:
            await rt.stop()

    asyncio.run(move())
    assert main(["profile", "generic:g-1", "generic:u-1", "--json", "--config", loaded]) == 0
    p = json.loads(capsys.readouterr().out)
    assert p["group"] == "generic:g-new" and p["stats"]["messages"] == 2
    assert main(["members", "generic:g-1", "--json", "--config", loaded]) == 0
    assert len(json.loads(capsys.readouterr().out)) == 3

"""``quntag replay`` feeds each line to the configured generic adapter through the runtime's intake, the
path a webhook delivery takes (parse → only listed groups → durable inbox), minus ``verify``: a local
file carries no signature. Contract §2: ``accepted N duplicate N rejected N``, exit 1 on any rejection."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from bot.faces.cli import main
from bot.faces.replay import CHUNK, replay_file
from tests.conftest import make_config, message, signed

NOW = float(int(time.time()))


def write(path: Path, lines: list[Any]) -> Path:
    path.write_text("\n".join(x if isinstance(x, str) else json.dumps(x, ensure_ascii=False) for x in lines)
                    + "\n", encoding="utf-8")
    return path


def toml(tmp_path: Path, extra: str = "") -> str:
    path = tmp_path / "config.toml"
    path.write_text(f'[server]\napi_token = "t"\n{extra}\n[storage]\nurl = "sqlite:///{tmp_path}/q.db"\n'
                    '[adapters.generic]\nsecret = "s"\n[adapters.history]\ntype = "generic"\nsecret = "h"\n'
                    '[[groups]]\nid = "history:g-1"\n', encoding="utf-8")
    return str(path)


def test_lines_go_to_the_named_instance_and_the_summary_counts_them(tmp_path: Path, capsys: Any) -> None:
    cfg = toml(tmp_path)
    lines = [message("r1", "u-1", "赤霞珠", NOW), message("r2", "u-1", "hi", NOW + 1),
             message("r1", "u-1", "赤霞珠", NOW), "not json", {"id": "r3", "type": "message"}]
    assert main(["replay", str(write(tmp_path / "h.jsonl", lines)), "--adapter", "history", "--config", cfg]) == 1
    out = capsys.readouterr()
    assert out.out.strip() == "accepted 2 duplicate 1 rejected 2"
    assert "h.jsonl:4: rejected" in out.err and "h.jsonl:5: rejected: field time must be unix seconds" in out.err
    assert main(["members", "history:g-1", "--json", "--config", cfg]) == 0
    assert [m["member"] for m in json.loads(capsys.readouterr().out)] == ["history:u-1"]  # the instance's name


def test_unlisted_groups_are_left_out_as_at_the_webhook(tmp_path: Path, capsys: Any) -> None:
    cfg = toml(tmp_path, "only_listed_groups = true")
    lines = [message("a1", "u-1", "hi", NOW), message("a2", "u-2", "hi", NOW, group="elsewhere")]
    assert main(["replay", str(write(tmp_path / "h.jsonl", lines)), "--adapter", "history", "--config", cfg]) == 0
    assert capsys.readouterr().out.strip() == "accepted 1 duplicate 0 rejected 0"


def test_only_a_generic_adapter_replays(tmp_path: Path, capsys: Any) -> None:
    cfg = toml(tmp_path)
    path = str(write(tmp_path / "h.jsonl", [message("a1", "u-1", "hi", NOW)]))
    assert main(["replay", path, "--adapter", "nope", "--config", cfg]) == 1
    assert "no generic adapter named 'nope'" in capsys.readouterr().err


async def test_a_delivery_the_webhook_took_is_a_duplicate_in_replay(tmp_path: Path, make_bot: Any) -> None:
    bot = await make_bot()
    event = message("w1", "u-1", "赤霞珠", NOW)
    body, headers = signed(event)
    assert (await bot.client.post("/webhook/generic", data=body, headers=headers)).status == 200
    await bot.settle()
    await bot.client.close()
    # more lines than one chunk, so the file goes in several batches, in order
    lines = [event, *(message(f"b{i}", f"u-{i % 7}", "葡萄酒", NOW + i) for i in range(CHUNK + 20))]
    accepted, duplicate, rejected = await replay_file(make_config(tmp_path), write(tmp_path / "h.jsonl", lines),
                                                      "generic")
    assert (accepted, duplicate, rejected) == (CHUNK + 20, 1, [])

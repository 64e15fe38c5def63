"""``quntag broadcast``: --dry-run shows who gets what and queues nothing; --yes queues for the server."""

from __future__ import annotations

import asyncio
import json
import time

from bot.faces.cli import main
from tests.conftest import SECRET, message


async def test_dry_run_then_yes(make_bot, tmp_path, capsys):
    bot = await make_bot(groups=[{"id": "generic:g-1"}])
    now = time.time()
    for i, (member, text) in enumerate([("a1", "红酒好喝"), ("a1", "红酒"), ("b1", "早上好")]):
        await bot.post(message(f"m{i}", member, text, now - 600))
    await bot.settle()
    path = tmp_path / "c.toml"
    path.write_text(f'[server]\napi_token = "t"\n[storage]\nurl = "sqlite:///{tmp_path}/quntag.db"\n'
                    f'[adapters.generic]\nsecret = "{SECRET}"\n[[groups]]\nid = "generic:g-1"\n'
                    '[[tags]]\nname = "红酒"\nkeywords = ["红酒"]\n', encoding="utf-8")
    run = lambda *a: asyncio.to_thread(main, ["broadcast", *a, "--config", str(path)])  # noqa: E731
    capsys.readouterr()
    assert await run("--variant", "红酒=品酒会", "--text", "周末见", "--dry-run", "--json") == 0
    [group] = json.loads(capsys.readouterr().out)
    assert group["group"] == "generic:g-1" and group["total"] == 2
    assert [(v["segment"], v["members"]) for v in group["variants"]] == [("红酒", ["generic:a1"]),
                                                                         (None, ["generic:b1"])]
    await bot.runtime.jobs.minutely()
    await bot.settle()
    assert not [r for r in bot.receiver.received if "user" in r]
    assert await run("--variant", "红酒", "--dry-run") == 1
    assert "SEGMENT=TEXT" in capsys.readouterr().err
    assert await run("generic:nope", "--text", "x", "--dry-run") == 1
    assert "unknown group" in capsys.readouterr().err
    assert await run("--variant", "红酒=品酒会", "--text", "周末见", "--yes") == 0
    assert "queued broadcast #" in capsys.readouterr().out
    await bot.runtime.jobs.minutely()
    await bot.settle()
    assert {r["user"]: r["text"] for r in bot.receiver.received if "user" in r} == {"a1": "品酒会", "b1": "周末见"}

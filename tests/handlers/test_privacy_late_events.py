"""Events accepted before an erasure and processed after it record nothing about the erased member:
in-process (/forget, or the repo call) and from another process (quntag forget), through the in-memory
hand-off as well as the inbox table."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.adapters.generic import parse_event
from bot.faces.cli import main
from bot.faces.runtime import Runtime
from bot.faces.settings import load
from tests.conftest import message
from tests.handlers.privacy_helpers import member_rows, raw_files_containing, tables_containing

NOW = 1_795_000_000.0
UID = "v-7f3a9"
VICTIM = f"generic:{UID}"
NAME = "名字标记Zq"


def write_config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text("\n".join([
        "[server]", 'api_token = "t"', "[storage]", f'url = "sqlite:///{tmp_path}/q.db"', "store_text = true",
        "[adapters.generic]", 'secret = "s"',
        "[[groups]]", 'id = "generic:g-1"', f'admins = ["generic:u-9", "{VICTIM}"]',
        "[[tags]]", 'name = "红酒"', 'keywords = ["红酒"]']) + "\n", encoding="utf-8")
    return path


def waiting_events(with_forget: bool) -> list[dict]:
    """What arrives while the processor is busy: the member's own messages, others naming them, an admin
    editing them — and, for the chat path, their /forget in the middle."""
    v = {"name": NAME}
    events = [
        message(f"{UID}-m1", UID, "我喜欢红酒", NOW, **v),
        message("o1", "u-2", f"@{NAME} 红酒不错", NOW + 1, mentions=[UID], reply_to=f"{UID}-m1"),
        message("a1", "u-9", f"/attr @{NAME} 城市=上海", NOW + 2, mentions=[UID]),
        message("a2", "u-9", f"/tag {UID} +摄影", NOW + 3),
    ]
    if with_forget:
        events.append(message(f"{UID}-c1", UID, "/forget 确认", NOW + 4, **v))
    events += [
        message(f"{UID}-m2", UID, "哪里买红酒？", NOW + 5, **v),
        message("o2", "u-2", f"{NAME} 你好", NOW + 6, mentions=[UID]),
        message("a3", "u-9", f"/attr {UID} 年龄段=30-39", NOW + 7),
    ]
    return events


async def accept(rt: Runtime, events: list[dict]) -> None:
    for e in events:
        assert await rt.inbox.accept("generic", e["id"], [parse_event("generic", e)])


async def process(rt: Runtime) -> None:
    while await rt.inbox.process_batch():
        pass


async def pending_erasures(rt: Runtime) -> int:
    return int(await rt.db.read(lambda c: c.exec_driver_sql("SELECT count(*) FROM pending_erasures").scalar()))


@pytest.mark.parametrize("how", ["chat", "repo", "cli"])
@pytest.mark.parametrize("source", ["handoff", "table"])
async def test_events_accepted_before_an_erasure_record_nothing_after_it(tmp_path, how, source):
    cfg_path = write_config(tmp_path)
    rt = Runtime(load(cfg_path), clock=lambda: NOW + 60)
    await rt.start(process=False, deliver=False, schedule=False)
    try:
        await accept(rt, [message(f"{UID}-m0", UID, "红酒", NOW - 60, name=NAME)])
        await process(rt)  # some history, and the processor now takes new events from the hand-off
        await accept(rt, waiting_events(with_forget=how == "chat"))
        if source == "table":
            rt.inbox.handoff.queued.clear()  # as after a restart: only the inbox table has them
            rt.inbox.handoff.backlog = True
        if how == "repo":
            await rt.repo.privacy.forget_member("generic:g-1", VICTIM, actor="test")
        elif how == "cli":  # another process: it shares only the database file
            assert await asyncio.to_thread(main, ["forget", "generic:g-1", VICTIM, "--yes",
                                                  "--config", str(cfg_path)]) == 0
        await process(rt)
        assert not any((await member_rows(rt, VICTIM)).values())
        assert await tables_containing(rt, UID) == {}
        assert await tables_containing(rt, NAME) == {}
        assert await pending_erasures(rt) == 0
        others = await member_rows(rt, "generic:u-2", mentions=False)
        assert [r[1] for r in others["messages"]] == ["o1", "o2"]  # the others' events still count
    finally:
        await rt.stop()
    assert raw_files_containing(tmp_path / "q.db", UID) == []


async def test_the_forget_command_is_answered_and_what_follows_in_its_batch_is_dropped(tmp_path):
    rt = Runtime(load(write_config(tmp_path)), clock=lambda: NOW + 60)
    await rt.start(process=False, deliver=False, schedule=False)
    try:
        await process(rt)
        await accept(rt, waiting_events(with_forget=True))
        await process(rt)
        payloads = await rt.db.read(lambda c: c.exec_driver_sql("SELECT payload FROM outbox").scalars().all())
        assert any("已删除" in p for p in payloads)
        assert not any(UID in p or NAME in p for p in payloads)
        rows = await member_rows(rt, VICTIM)
        assert not any(rows.values()), rows
    finally:
        await rt.stop()

"""After /forget nothing names the member: no table, no queued work, no log page, no file byte."""

from __future__ import annotations

import json
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import insert

from bot.faces.cli import main
from storage.models import DeadLetter, OutboxRow
from storage.repo.scrub import Subject, scrub_events, scrub_outgoing
from tests.conftest import message
from tests.faces.test_cli import write_config
from tests.handlers.privacy_helpers import member_rows, raw_files_containing, tables_containing


@pytest.fixture
def bot_storage_url(every_backend: str) -> str:
    """Every test here runs on SQLite and on PostgreSQL."""
    return every_backend

TZ = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=TZ).timestamp()
UID = "v-7f3a9"  # in ids, event ids and text
VICTIM = f"generic:{UID}"
NAME = "名字标记Zq"
GROUPS = [{"id": "generic:g-1", "admins": ["generic:u-9", VICTIM]}]


def said(eid: str, text: str, t: float, **extra):
    return message(f"{UID}-{eid}", UID, text, t, name=NAME, **extra)


async def leave_traces(bot) -> None:
    """Everywhere a member leaves traces: own messages, others' mentions and replies, invitations, admin
    edits by and about them, stored admin texts, a lookup, queued and parked work, adapter state, alerts."""
    t = NOW - 7200
    await bot.post(said("m1", "我喜欢红酒", t))
    await bot.post(said("m2", f"哪里买葡萄酒？我是{NAME}", t + 1))
    await bot.post({"id": f"{UID}-j", "type": "member_joined", "time": t + 2, "group": {"id": "g-1"},
                    "user": {"id": UID, "name": NAME}})
    await bot.post({"id": "j3", "type": "member_joined", "time": t + 3, "group": {"id": "g-1"},
                    "user": {"id": "u-3"}, "invited_by": UID})
    await bot.post(message("o1", "u-2", f"@{NAME} 你说得对 ({UID})", t + 4, mentions=[UID], reply_to=f"{UID}-m1"))
    await bot.post(message("o2", "u-2", f"{NAME} 怎么不说话了？", t + 5))
    await bot.post(message("a1", "u-9", f"/tag @{NAME} +摄影", t + 6, mentions=[UID]))
    await bot.post(message("a2", "u-9", f"/attr @{NAME} 城市=上海", t + 7, mentions=[UID]))
    await bot.post(message("a3", "u-9", f"/news add 恭喜 {NAME} 中奖", t + 8))
    await bot.post(said("a4", "/tag @u-2 +红酒", t + 9, mentions=["u-2"]))
    await bot.post(said("a5", "/news add 周末品酒会", t + 10))
    await bot.post(said("a6", "/segment save 酒友 红酒", t + 11))
    await bot.post(said("a7", f"/segment 酒友 notify 大家好，我是{NAME}", t + 12))
    await bot.post(said("a8", "/我的数据", t + 13))
    await bot.post(said("a9", f"/faq add 谁管理这个群？ | 找{NAME}", t + 14))  # a FAQ they taught, naming them
    await bot.post(said("a10", "/答疑提醒 关", t + 15))
    await bot.settle()  # the FAQ is stored before the question comes
    await bot.post(said("q1", "请问谁管理这个群？", t + 16))  # answered by the FAQ: a hit of theirs
    await bot.settle()
    await bot.profile(VICTIM)  # audited lookup; recompute stores tiers and activity tags
    repo = bot.runtime.repo
    await repo.joins.upsert_join_request("generic:g-1", VICTIM, f"req-{UID}", NAME, t, "held", "gate")
    await repo.delivery.set_adapter_state("generic", f"dm:{UID}", "1")
    assert await repo.questions.claim_alert("generic:g-1", "core_declining", f"{VICTIM}:2026-47", 10)
    victim_event = {"kind": "message", "event_id": f"{UID}-x", "chat": ["generic", "g-1"], "user": ["generic", UID],
                    "time": t, "chat_name": "", "text": "红酒", "user_name": NAME, "mentions": []}
    other_event = {**victim_event, "event_id": "x2", "user": ["generic", "u-2"], "user_name": "二号",
                   "text": f"@{NAME}", "mentions": [["generic", UID]]}
    parked = {"target": ["chat", "generic", "g-1"], "parts": [{"t": "本周之星 "}, {"m": ["generic", UID], "n": NAME}],
              "reply_to": f"{UID}-m2", "key": ""}
    private = {"target": ["user", "generic", UID], "parts": [{"t": "hi"}], "reply_to": None, "key": ""}

    def park(conn):
        for events in ([victim_event], [victim_event, other_event]):
            conn.execute(insert(DeadLetter).values(adapter="generic", payload=json.dumps(events, ensure_ascii=False),
                                                   error=f"ValueError('{UID}')", at=t))
        for out in (parked, private):
            conn.execute(insert(OutboxRow).values(adapter="generic", payload=json.dumps(out, ensure_ascii=False),
                                                  next_at=NOW + 86400, created_at=t))
    await bot.runtime.db.write(park)


async def test_forget_leaves_nothing_that_names_the_member(make_bot, tmp_path, bot_storage_url):
    bot = await make_bot(clock=lambda: NOW, groups=GROUPS, storage={"store_text": True})
    await leave_traces(bot)
    before = await tables_containing(bot, UID)
    assert {"members", "messages", "message_signals", "member_tags", "news_items", "group_settings", "audit_log",
            "dead_letters", "outbox", "adapter_state", "join_requests", "saved_segments", "faqs", "faq_hits",
            "qa_routing_optouts"} <= set(before), before
    db = tmp_path / "quntag.db"
    on_file = bot_storage_url.startswith("sqlite")  # PostgreSQL keeps its own files: see docs/privacy.md
    assert not on_file or (raw_files_containing(db, UID) and raw_files_containing(db, NAME))
    await bot.post(said("c9", "/forget 确认", NOW - 60))
    await bot.settle()
    assert "已删除" in bot.receiver.received[-1]["text"]
    assert await tables_containing(bot, UID) == {}
    assert await tables_containing(bot, NAME) == {}
    assert not any((await member_rows(bot, VICTIM)).values())
    assert not on_file or (raw_files_containing(db, UID) == [] and raw_files_containing(db, NAME) == [])
    # What stays: other members' data (redacted), the parked group message (without them), delivery keys.
    _, other = await bot.profile("generic:u-2")
    assert other["stats"]["messages"] == 2 and "红酒" in [t["name"] for t in other["tags"]]
    rows = await bot.runtime.db.read(lambda c: c.exec_driver_sql("SELECT payload FROM outbox").scalars().all())
    assert [json.loads(p)["parts"] for p in rows] == [[{"t": "本周之星 "}, {"t": "***"}]]
    news = await bot.runtime.db.read(lambda c: c.exec_driver_sql("SELECT text FROM news_items").scalars().all())
    assert sorted(news) == ["周末品酒会", "恭喜 *** 中奖"]
    r = await bot.post(said("m1", "我喜欢红酒", NOW - 7200))  # a re-delivery is still recognised
    await bot.settle()
    assert r.status == 200 and not any((await member_rows(bot, VICTIM)).values())


def test_cli_forgets_a_member_who_only_asked_to_join(tmp_path, capsys):
    cfg = write_config(tmp_path)
    events = tmp_path / "e.jsonl"
    events.write_text(json.dumps(message("m1", "u-1", "你好", NOW)) + "\n", encoding="utf-8")
    assert main(["replay", str(events), "--config", cfg]) == 0
    import sqlite3
    db = sqlite3.connect(tmp_path / "q.db")
    db.execute("INSERT INTO join_requests (group_id, member_id, request_id, name, at, status, via) "
               "VALUES ('generic:g-1', 'generic:u-7', 'r1', '申请人Qx', 0, 'held', 'gate')")
    db.commit()
    db.close()
    capsys.readouterr()
    assert main(["forget", "generic:g-1", "generic:u-7", "--yes", "--config", cfg]) == 0
    assert "join_requests 1" in capsys.readouterr().out
    assert main(["forget", "generic:g-1", "generic:u-8", "--yes", "--config", cfg]) == 1  # nothing stored
    assert raw_files_containing(tmp_path / "q.db", "申请人Qx") == []


def test_upgrade_keeps_opt_outs_and_recognises_old_deliveries(tmp_path):
    """Migration 0008 on a database written before it: opt-outs become markers, stored delivery and alert
    keys become one-way and still match."""
    import asyncio
    import sqlite3
    from importlib.resources import as_file, files

    from alembic import command
    from alembic.config import Config as AlembicConfig

    from storage.db import Database
    from storage.repo import Delivery, Repo
    from storage.repo.privacy import one_way

    url = f"sqlite:///{tmp_path}/old.db"
    db = Database(url)
    with as_file(files("storage.migrations")) as path, db.engine.begin() as conn:
        cfg = AlembicConfig()
        cfg.set_main_option("script_location", str(path))
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0007")
        conn.exec_driver_sql("INSERT INTO members (group_id, member_id, name, name_at, messages, first_seen, "
                             "last_seen, opted_out) VALUES ('generic:g-1', 'onebot:123', 'x', 0, 1, 0, 0, 1)")
        conn.exec_driver_sql("INSERT INTO dedupe_keys VALUES ('onebot', '9:join:g:123:1700000000', 0)")
        conn.exec_driver_sql("INSERT INTO alerts_sent VALUES ('generic:g-1', 'core_declining', 'onebot:123:2026-1', 0)")

    async def go() -> tuple[list[int | None], bool, bool]:
        db.start()
        await db.migrate()
        repo = Repo(db)
        try:
            seqs = await repo.intake.accept([Delivery("onebot", "9:join:g:123:1700000000", ())])
            again = await repo.questions.claim_alert("generic:g-1", "core_declining", "onebot:123:2026-1", 10)
            return seqs, again, await repo.privacy.profiling_refused("generic:g-1", "onebot:123")
        finally:
            await db.close()

    seqs, alert_again, refused = asyncio.run(go())
    assert seqs == [None] and alert_again is False and refused is True
    raw = sqlite3.connect(tmp_path / "old.db")
    keys = {k for (k,) in raw.execute("SELECT key FROM dedupe_keys UNION ALL SELECT key FROM alerts_sent")}
    assert keys == {one_way("9:join:g:123:1700000000"), one_way("onebot:123:2026-1")}


@settings(max_examples=300, deadline=None)
@given(uid=st.from_regex(r"[a-z0-9]{1,3}-[0-9]{1,3}", fullmatch=True),
       name=st.text(alphabet="甲乙ab-1 ", min_size=2, max_size=4).filter(lambda n: len(n.strip()) >= 2),
       parts=st.lists(st.sampled_from(["甲", "乙", "a", "b", "-", "1", "0", " ", ":", "_", "x", "@"]), max_size=30),
       spots=st.lists(st.integers(0, 30), max_size=3))
def test_redaction_takes_out_every_id_and_name_and_nothing_else(uid, name, parts, spots):
    who = Subject("generic:g-1", f"generic:{uid}", frozenset({name}))
    text = "".join(parts)
    for i in spots:  # plant the id, the full id and the name
        text = text[:i] + uid + text[i:]
    text += f" generic:{uid} {name.strip()}"
    out = who.text(text)
    assert re.search(rf"(?<![0-9A-Za-z_]){re.escape(uid)}(?![0-9A-Za-z_])", out) is None
    assert name.strip() not in out
    clean = "".join(parts).replace(name.strip(), "")
    if re.search(rf"(?<![0-9A-Za-z_]){re.escape(uid)}(?![0-9A-Za-z_])", clean) is None and name.strip() not in clean:
        assert who.text(clean) == clean  # text about others is left as it is


def test_redaction_of_queued_work_keeps_other_members_and_groups():
    who = Subject("generic:g-1", "generic:u-1", frozenset({"一号"}), frozenset({"m1"}))
    mine = {"kind": "message", "event_id": "m1", "chat": ["generic", "g-1"], "user": ["generic", "u-1"],
            "text": "hi", "mentions": []}
    theirs = {**mine, "event_id": "m2", "user": ["generic", "u-2"], "text": "@一号 u-10", "reply_to": "m1",
              "mentions": [["generic", "u-1"], ["generic", "u-3"]]}
    elsewhere = {**mine, "chat": ["generic", "g-2"]}
    out = json.loads(scrub_events(json.dumps([mine, theirs, elsewhere]), who) or "[]")
    assert out == [{**theirs, "text": "@*** u-10", "reply_to": None, "mentions": [["generic", "u-3"]]}, elsewhere]
    assert scrub_events(json.dumps([mine]), who) is None
    assert scrub_outgoing(json.dumps({"target": ["user", "generic", "u-1"], "parts": []}), who) is None
    other_group = json.dumps({"target": ["chat", "generic", "g-2"], "parts": [{"m": ["generic", "u-1"], "n": ""}]})
    assert scrub_outgoing(other_group, who) == other_group


def test_the_audit_pseudonym_is_applied_once_even_when_a_name_is_part_of_it():
    from storage.repo.erasure import pseudonym

    who = Subject("generic:g-1", "generic:u-1", frozenset({"er", "as"}))
    alias = pseudonym("generic:u-1")
    assert who.text("generic:u-1 looked up", alias) == f"{alias} looked up"

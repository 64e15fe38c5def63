"""Every stored copy of member text follows ``store_text`` and ``text_retention_days``, down to the bytes of
the database file and its write-ahead log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import String
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import AutoString

import storage.repo.activity
from bot.adapters.onebot.joins import group_request as onebot_group_request
from storage.repo.retention import TEXT_COPIES
from tests.conftest import message
from tests.handlers.privacy_helpers import raw_files_containing, tables_containing

NOW = 1_795_000_000.0
DAY = 86400.0
GATE = {"keyword": "品酒", "question": "暗号？", "otherwise": "hold", "timeout_minutes": 10}
GROUPS = [{"id": "generic:g-1", "admins": ["generic:u-9"], "gate": GATE}]

# Text columns that hold no member text, and why (a new text column must be put here or in TEXT_COPIES).
NOT_MEMBER_TEXT = {
    "activities.time": "HH:MM", "activities.title": "an activity's title, set by an admin and shown weekly",
    "activities.added_by": "id", "adapter_state.value": "platform facts (ids, statuses)",
    "audit_log.actor": "who", "audit_log.action": "what", "audit_log.detail": "ids and counts",
    "dead_letters.adapter": "name", "dead_letters.error": "cleaned with its payload (TEXT_COPIES dead_letters)",
    "group_settings.config_value": "a schedule",
    "insight_runs.stamp": "counts, sums and times of the inputs",
    "groups.adapter": "name", "groups.name": "the group's name",
    "inbox.adapter": "name", "inbox.key": "delivery id",
    "inbox.payload": "until its event is processed (seconds), then deleted and overwritten",
    "join_requests.request_id": "platform handle", "join_requests.name": "display name",
    "join_requests.status": "state", "join_requests.via": "state",
    "lifecycle_transitions.from_stage": "stage", "lifecycle_transitions.to_stage": "stage",
    "member_attributes.value": "an attribute the member or an admin set (erased by /forget)",
    "member_attributes.source": "provenance", "member_states.tier": "tier", "member_states.breakdown": "numbers",
    "member_states.stage": "stage", "stage_days.stage": "stage (or the lifecycle settings, on a day's marker row)",
    "member_tags.category": "category", "member_tags.source": "provenance",
    "moderation_log.rule": "rule name", "moderation_log.action": "action name", "moderation_log.mode": "mode",
    "moderation_log.actor": "id", "moderation_log.message_id": "id",
    "moderation_log.what": "a configured phrase, a kind of contact id or a link's host, or an admin's reason",
    "moderation_captchas.name": "display name", "moderation_captchas.answer": "the sum's answer",
    "member_tags.evidence": "ids, counts and times", "members.name": "display name", "members.invited_by": "id",
    "membership_events.kind": "join/leave", "membership_events.event_id": "id", "membership_events.invited_by": "id",
    "message_signals.reply_to": "id", "message_signals.mentions": "ids", "messages.local_day": "date",
    "messages.reply_to": "id", "news_items.added_by": "id", "outbox.adapter": "name",
    "outbox.last_error": "goes with its row (TEXT_COPIES outbox)",
    "pending_erasures.subject": "id, until the events that predate the erasure are processed",
    "pending_erasures.names": "display names, as long as the subject",
    "saved_segments.query": "a segment query, set by an admin", "saved_segments.created_by": "id",
    "survey_answers.value": "an answer the member gave on purpose to be stored (shown by /mydata, erased by "
                            "/forget)",
    "tag_hits.keyword": "a configured keyword",
    "news_items.day": "date", "news_items.source": "chat|cli|api|feed|folder",
    "news_items.item_key": "a feed entry's id or a folder file's date and place",
    "feed_state.etag": "an HTTP validator", "feed_state.last_modified": "an HTTP date",
    "feed_state.error": "why a fetch failed",
    "feed_entries.title": "a public feed's headline", "feed_entries.link": "a public URL",
    "feed_entries.summary": "a public feed's summary",
    "broadcasts.created_by": "id", "broadcasts.spec": "copy and segment queries an admin wrote",
    "broadcasts.summary": "counts", "broadcast_deliveries.how": "private/mention", "broadcast_deliveries.batch": "id",
    "bot_posts.kind": "post kind", "bot_posts.slot": "HH:00", "member_reactions.message_id": "id",
    "faq_hits.message_id": "id", "faqs.created_by": "id",
    "faqs.question": "an FAQ an admin taught (kept until removed; /forget scrubs what its member wrote)",
    "faqs.answer": "an FAQ an admin taught (kept until removed; /forget scrubs what its member wrote)",
    "purchase_items.category": "a shop's product category", "purchase_items.name": "a shop's product name",
    "purchase_items.sku": "a shop's product code", "purchase_orders.channel": "a sales channel's name",
    "purchase_orders.currency": "currency code", "purchase_orders.source": "webhook|replay|csv",
    "purchase_refunds.order_id": "id",
    "person_links.how": "code|admin", "person_links.person_id": "id",
    "person_links.reason": "an admin's reason for linking (audited)",
    "personas.centroid": "numbers", "personas.name": "a persona's name built from tag names",
    "survey_deliveries.channel": "private | group", "sent_polls.ref": "group, survey and question ids",
    "reward_redemptions.reward": "a configured reward name",
    "chat_pace.times": "send times of a chat's last minute (keyed by a one-way digest of the chat)",
}


def test_every_text_column_is_either_member_text_with_a_retention_rule_or_known_not_to_be():
    found = {f"{t.name}.{c.name}" for t in SQLModel.metadata.sorted_tables for c in t.c
             if isinstance(c.type, String | AutoString) and not c.primary_key
             and c.name not in ("group_id", "member_id")}
    covered = {f"{c.table}.{c.column}" for c in TEXT_COPIES}
    assert found - covered - set(NOT_MEMBER_TEXT) == set()
    assert covered & set(NOT_MEMBER_TEXT) == set()


async def chatter(bot, marker: str, t: float, monkeypatch: pytest.MonkeyPatch) -> None:
    """A realistic stretch of group life, every member text carrying ``marker``: messages, a question, a
    reply, commands, a gate answer that is held for the admins, and one event that fails to be recorded."""
    await bot.post(message(f"{marker}1", "u-1", f"{marker} 红酒真好", t, name="一号"))
    await bot.post(message(f"{marker}2", "u-1", f"{marker} 哪里买？", t + 1, name="一号"))
    await bot.post(message(f"{marker}3", "u-2", f"{marker} 楼下就有", t + 2, reply_to=f"{marker}2"))
    await bot.post(message(f"{marker}4", "u-1", f"/我的数据 {marker}", t + 3))
    await bot.post(message(f"{marker}5", "u-9", f"/news add {marker} 周末品鉴会", t + 4))
    req = onebot_group_request("generic", {"post_type": "request", "request_type": "group", "sub_type": "add",
                                           "group_id": "g-1", "user_id": "u-7", "time": t + 5,
                                           "comment": f"{marker} 我是来学习的", "flag": f"{marker}-f"})
    assert req is not None
    await bot.runtime.inbox.accept("generic", req.event_id, [req])
    real = storage.repo.activity.record_message

    def poisoned(conn, facts):
        if facts.message_id == f"{marker}6":
            raise ValueError(f"cannot record {facts.message_id}: {marker} 坏消息")
        return real(conn, facts)
    monkeypatch.setattr(storage.repo.activity, "record_message", poisoned)
    await bot.post(message(f"{marker}6", "u-3", f"{marker} 坏消息", t + 6))
    await bot.settle()
    monkeypatch.setattr(storage.repo.activity, "record_message", real)


async def test_without_store_text_no_member_text_reaches_the_database(make_bot, tmp_path, monkeypatch):
    bot = await make_bot(clock=lambda: NOW, groups=GROUPS, storage={"store_text": False})
    await chatter(bot, "MKa7", NOW, monkeypatch)
    dead = await bot.runtime.db.read(lambda c: c.exec_driver_sql("SELECT payload, error FROM dead_letters").all())
    assert len(dead) == 1 and json.loads(dead[0][0])[0]["event_id"] == "MKa76"  # parked, without its text
    held = [r for r in bot.receiver.received if r.get("user") == "u-9"]
    assert held and "MKa7" not in held[0]["text"]  # the admins' alert does not quote the applicant
    [(news_id, _text)] = await bot.runtime.repo.news.pending_news("generic:g-1")
    await bot.runtime.repo.news.mark_news_sent([news_id])  # as the morning report does
    await bot.runtime.purge_text()  # the hourly job (also with nothing to purge: it truncates the log)
    assert await tables_containing(bot, "MKa7 ") == {}
    assert raw_files_containing(tmp_path / "quntag.db", "MKa7 ") == []


async def test_with_store_text_every_copy_is_erased_after_the_retention_window(make_bot, tmp_path, monkeypatch):
    clock = [NOW]
    bot = await make_bot(clock=lambda: clock[0], groups=GROUPS,
                         storage={"store_text": True, "text_retention_days": 10})
    await chatter(bot, "OLDq", NOW, monkeypatch)
    await bot.post(message("s1", "u-9", "/segment save 酒友 红酒", NOW + 10))
    await bot.post(message("s2", "u-9", "/segment 酒友 notify OLDq 明晚见", NOW + 11))
    await bot.settle()
    repo = bot.runtime.repo
    [(news_id, _text)] = await repo.news.pending_news("generic:g-1")
    await repo.news.mark_news_sent([news_id])

    def park(conn):  # a message the platform keeps refusing: parked, still queued
        conn.exec_driver_sql("INSERT INTO outbox (adapter, payload, attempts, next_at, created_at, last_error) "
                             "VALUES ('generic', ?, 9, ?, ?, 'OLDq rejected')",
                             (json.dumps({"target": ["chat", "generic", "g-1"], "parts": [{"t": "OLDq 的提问"}],
                                          "reply_to": None, "key": ""}, ensure_ascii=False), NOW + 30 * DAY, NOW))
    await bot.runtime.db.write(park)
    before = await tables_containing(bot, "OLDq ")
    assert {"messages", "questions", "dead_letters", "news_items", "group_settings", "outbox"} <= set(before), before
    clock[0] = NOW + 11 * DAY
    await chatter(bot, "NEWq", clock[0], monkeypatch)
    await bot.runtime.purge_text()
    assert await tables_containing(bot, "OLDq ") == {}
    assert raw_files_containing(tmp_path / "quntag.db", "OLDq ") == []
    kept = await tables_containing(bot, "NEWq ")
    assert {"messages", "questions", "dead_letters"} <= set(kept)  # younger text stays


def test_text_copies_name_real_columns():
    tables = {t.name: t for t in SQLModel.metadata.sorted_tables}
    for c in TEXT_COPIES:
        assert c.column in tables[c.table].c and c.at in tables[c.table].c, c
        assert c.erase in ("null", "empty", "events", "row")
    assert Path(__file__).exists()


def test_a_parked_event_keeps_ids_but_neither_its_text_nor_the_values_in_its_error():
    from storage.repo.retention import clean_error, redact_events

    payload = json.dumps([{"kind": "message", "event_id": "m1", "user": ["generic", "u-1"], "text": "秘密 x]y",
                           "user_name": "一号"}, {"kind": "join_request", "event_id": "r1", "comment": "我的答案"}],
                         ensure_ascii=False)
    error = ("(sqlite3.IntegrityError) UNIQUE constraint failed: t.a\n[SQL: insert into t values (?)]\n"
             "[parameters: ('秘密 x]y',)]\n(Background on this error at: https://sqlalche.me/e/21/gkpj)")
    cleaned = clean_error(f"{error} / ValueError('我的答案')", payload)
    assert "秘密" not in cleaned and "我的答案" not in cleaned and "UNIQUE constraint failed" in cleaned
    events = json.loads(redact_events(payload))
    assert [e.get("text", e.get("comment")) for e in events] == ["", ""]
    assert events[0]["event_id"] == "m1" and events[0]["user_name"] == "一号"

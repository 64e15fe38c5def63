"""The generic webhook through the real app: auth, validation, size, duplicates, metrics, API."""

from __future__ import annotations

import json
import time

from tests.conftest import TOKEN, message, signed

NOW = float(int(time.time()))


def fixed() -> float:
    return NOW


async def test_good_event_is_acked_and_profiled(make_bot):
    bot = await make_bot(clock=fixed)
    r = await bot.post(message("e1", "u-1", "昨晚开了一瓶赤霞珠", NOW, name="张三"))
    assert r.status == 200
    assert await r.json() == {"ok": True}
    await bot.settle()
    status, p = await bot.profile("generic:u-1")
    assert status == 200
    assert p["name"] == "张三" and p["stats"]["messages"] == 1
    assert p["tags"][0]["name"] == "红酒" and p["tags"][0]["evidence"][0]["keyword"] == "赤霞珠"
    assert "text" not in p["tags"][0]["evidence"][0]  # store_text is off by default


async def test_bad_missing_and_stale_signatures_are_401_and_record_nothing(make_bot):
    bot = await make_bot()
    ev = message("e1", "u-1", "红酒", time.time())
    body, headers = signed(ev, secret="wrong")
    assert (await bot.client.post("/webhook/generic", data=body, headers=headers)).status == 401
    assert (await bot.client.post("/webhook/generic", data=body)).status == 401
    body, headers = signed(ev, now=time.time() - 301)
    assert (await bot.client.post("/webhook/generic", data=body, headers=headers)).status == 401
    body, headers = signed(ev)
    assert (await bot.client.post("/webhook/generic", data=body + b" ", headers=headers)).status == 401
    await bot.settle()
    status, _ = await bot.api("/api/groups/generic:g-1/members")
    assert status == 404


async def test_malformed_and_incomplete_bodies_are_400_with_a_reason(make_bot):
    bot = await make_bot()
    for raw in (b"{not json", b"[]", b"\xff\xfe", json.dumps({"id": "x"}).encode()):
        r = await bot.post(raw)
        assert r.status == 400
        assert "error" in await r.json()
    missing_text = {"id": "e2", "type": "message", "time": 1, "group": {"id": "g"}, "user": {"id": "u"}}
    r = await bot.post(missing_text)
    assert r.status == 400 and "text" in (await r.json())["error"]
    r = await bot.post({**missing_text, "text": "hi", "type": "reaction"})
    assert r.status == 400


async def test_oversized_body_is_413(make_bot):
    bot = await make_bot()
    big = message("e1", "u-1", "x" * (1024 * 1024 + 10), time.time())
    assert (await bot.post(big)).status == 413


async def test_duplicate_delivery_is_acked_and_counted_once(make_bot):
    bot = await make_bot(clock=fixed)
    ev = message("dup-1", "u-1", "葡萄酒", NOW)
    for _ in range(3):
        r = await bot.post(ev)
        assert r.status == 200 and await r.json() == {"ok": True}
    await bot.settle()
    _, p = await bot.profile("generic:u-1")
    assert p["stats"]["messages"] == 1
    assert p["tags"][0]["score"] == 1.0
    metrics = await (await bot.client.get("/metrics")).text()
    assert 'quntag_events_accepted_total{adapter="generic"} 1.0' in metrics
    assert 'quntag_events_duplicate_total{adapter="generic"} 2.0' in metrics
    assert 'quntag_events_processed_total{adapter="generic"} 1.0' in metrics


async def test_metrics_expose_every_contract_name(make_bot):
    bot = await make_bot()
    await bot.post(b"{oops")
    text = await (await bot.client.get("/metrics")).text()
    for name in ("quntag_events_accepted_total", "quntag_events_duplicate_total", "quntag_events_rejected_total",
                 "quntag_events_processed_total", "quntag_events_ignored_total", "quntag_processing_lag_seconds",
                 "quntag_messages_sent_total", "quntag_send_failures_total"):
        assert name in text
    assert 'quntag_events_rejected_total{adapter="generic",reason="malformed"} 1.0' in text


async def test_unknown_adapter_is_404_and_healthz_reports(make_bot):
    bot = await make_bot()
    assert (await bot.client.post("/webhook/nope", data=b"{}")).status == 404
    r = await bot.client.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status == 200
    body = await r.json()
    assert body["status"] == "ok" and body["adapters"]["generic"]["visibility"] == "all"


async def test_api_requires_the_bearer_token(make_bot):
    bot = await make_bot()
    assert (await bot.client.get("/api/groups")).status == 401
    r = await bot.client.get("/api/groups", headers={"Authorization": "Bearer nope"})
    assert r.status == 401
    r = await bot.client.get("/api/groups", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status == 200 and await r.json() == []


async def test_api_lists_groups_members_tag_filter_and_pagination(make_bot):
    bot = await make_bot(clock=fixed)
    now = NOW
    for i in range(5):
        await bot.post(message(f"m{i}", f"u-{i}", "红酒" if i % 2 == 0 else "你好", now))
    await bot.settle()
    _, groups = await bot.api("/api/groups")
    assert groups == [{"id": "generic:g-1", "name": "测试群", "members": 5}]
    _, wine = await bot.api("/api/groups/generic%3Ag-1/members?tag=红酒")
    assert sorted(p["member"] for p in wine) == ["generic:u-0", "generic:u-2", "generic:u-4"]
    _, page = await bot.api("/api/groups/generic:g-1/members?limit=2&offset=1")
    assert len(page) == 2
    status, err = await bot.api("/api/groups/generic:g-1/members/generic:nobody")
    assert status == 404 and "error" in err
    status, _ = await bot.api("/api/groups/generic:g-1/members?limit=abc")
    assert status == 400


async def test_unlisted_groups_are_ignored_when_only_listed(make_bot):
    bot = await make_bot(server={"only_listed_groups": True},
                         groups=[{"id": "generic:g-1", "admins": []}])
    assert (await bot.post(message("a", "u-1", "红酒", NOW, group="g-2"))).status == 200
    assert (await bot.post(message("b", "u-1", "红酒", time.time(), group="g-1"))).status == 200
    await bot.settle()
    _, groups = await bot.api("/api/groups")
    assert [g["id"] for g in groups] == ["generic:g-1"]
    text = await (await bot.client.get("/metrics")).text()
    assert 'quntag_events_ignored_total{adapter="generic",reason="unlisted_group"} 1.0' in text


async def test_inbox_sequence_numbers_are_never_reused(make_bot):
    """The in-memory hand-off identifies deliveries by sequence number: an emptied inbox must not
    hand out a number again (a reused number once made a question be processed after its answer)."""
    from storage.repo import Delivery

    bot = await make_bot(clock=fixed)
    [first] = await bot.runtime.repo.intake.accept([Delivery("generic", "k1", ({"kind": "x"},))])
    await bot.runtime.db.write(lambda c: c.exec_driver_sql("DELETE FROM inbox"))
    [second] = await bot.runtime.repo.intake.accept([Delivery("generic", "k2", ({"kind": "x"},))])
    assert second > first
    await bot.runtime.db.write(lambda c: c.exec_driver_sql("DELETE FROM inbox"))


async def test_question_then_answer_in_quick_succession(make_bot):
    bot = await make_bot(clock=fixed, groups=[{"id": "generic:g-1", "admins": ["generic:u-9"]}])
    for i in range(5):
        await bot.post(message(f"q{i}", "u-1", "请问几点开始？", NOW))
        await bot.post(message(f"a{i}", "u-2", "八点", NOW, reply_to=f"q{i}"))
    await bot.settle()

    def open_questions(conn):
        return conn.exec_driver_sql("SELECT count(*) FROM questions WHERE answered_at IS NULL").scalar()
    assert await bot.runtime.db.read(open_questions) == 0

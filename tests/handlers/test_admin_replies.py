"""Admin lookups of member data are answered privately (or withheld with a notice where the platform cannot
message the admin; or in the group when [defaults] admin_replies = "group"), and each is audited."""

from __future__ import annotations

import sqlite3
from urllib.parse import quote

import pytest

from bot.core.config import ConfigError
from bot.core.events import ChatRef, JoinRequest, UserRef
from tests.conftest import make_config, message

NOW = 1_800_000_000.0
ADMIN = "generic:u-9"
SECRET_WORD = "赤霞珠"  # in the member's message: evidence a lookup reveals
LOOKUPS = [
    ("/why 张三 红酒", "why", SECRET_WORD),
    ("/为什么 u-1 红酒", "why", SECRET_WORD),
    ("/tier @u-1", "tier", "近因"),
    ("/分层 preview recency=0 frequency=0 contribution=1", "tier_preview", "张三"),
    ("/attr u-1", "attr", "上海"),
    ("/segment 红酒", "segment", "张三"),
    ("/分群 酒友 notify 周五见", "notify_preview", "张三"),
    ("/persona 1", "persona", SECRET_WORD),
    ("/gate list", "gate_list", "申请人"),
]


async def _bot(make_bot, tmp_path, **defaults):
    bot = await make_bot(clock=lambda: NOW, defaults={"admins": [ADMIN], **defaults},
                         insights={"min_cell": 1}, groups=[{"id": "generic:g-1", "gate": {"keyword": "品酒"}}])
    for i in range(3):
        await bot.post(message(f"m{i}", "u-1", f"今晚开{SECRET_WORD}红酒", NOW - 3600 * (i + 1), name="张三"))
    await bot.post(message("s1", "u-9", "/segment save 酒友 红酒", NOW - 60))
    await bot.post(message("s2", "u-9", "/attr u-1 城市=上海", NOW - 60))
    request = JoinRequest("j1", ChatRef("generic", "g-1"), UserRef("generic", "u-5"), NOW - 60, user_name="申请人",
                          request_id="r1", comment="路过")
    await bot.runtime.inbox.accept("generic", request.event_id, [request])
    await bot.settle()
    bot.receiver.received.clear()
    bot.db = tmp_path / "quntag.db"
    return bot


async def _ask(bot, command: str) -> tuple[list[str], list[str]]:
    """(what the group got in reply, what the admin got privately)."""
    await bot.post(message("c1", "u-9", command, NOW))
    await bot.settle()
    group = [r["text"] for r in bot.receiver.received if r.get("group")]
    private = [r["text"] for r in bot.receiver.received if r.get("user") == "u-9"]
    return group, private


def _audit(bot, action: str) -> list[tuple[str, str, str]]:
    with sqlite3.connect(bot.db) as db:
        return db.execute("SELECT actor, group_id, detail FROM audit_log WHERE action = ?", (action,)).fetchall()


@pytest.mark.parametrize(("command", "action", "data"), LOOKUPS)
async def test_lookups_are_answered_privately_and_audited(make_bot, tmp_path, command, action, data):
    bot = await _bot(make_bot, tmp_path)
    group, private = await _ask(bot, command)
    assert group == ["查询结果已私信发给你。"]
    assert len(private) == 1 and data in private[0]
    [(actor, group_id, detail)] = _audit(bot, action)
    assert actor == f"admin:{ADMIN}" and group_id == "generic:g-1" and detail.endswith("(private)")


@pytest.mark.parametrize(("command", "action", "data"), LOOKUPS)
async def test_without_private_messages_the_group_gets_a_notice_not_the_data(make_bot, tmp_path, command, action,
                                                                           data):
    bot = await _bot(make_bot, tmp_path)
    bot.runtime.adapters["generic"].can_dm = lambda user: False
    group, private = await _ask(bot, command)
    assert private == [] and len(group) == 1 and "无法私信你" in group[0]
    assert data not in group[0] and "张三" not in group[0] and "u-1" not in group[0]
    [(_actor, _group, detail)] = _audit(bot, action)
    assert detail.endswith("(withheld)")


@pytest.mark.parametrize(("command", "action", "data"), LOOKUPS[:3])
async def test_admin_replies_group_answers_in_the_group(make_bot, tmp_path, command, action, data):
    bot = await _bot(make_bot, tmp_path, admin_replies="group")
    group, private = await _ask(bot, command)
    assert private == [] and len(group) == 1 and data in group[0]
    [(_actor, _group, detail)] = _audit(bot, action)
    assert detail.endswith("(group)")


async def test_changes_and_mass_mentions_are_audited_too(make_bot, tmp_path):
    bot = await _bot(make_bot, tmp_path)
    await bot.post(message("c1", "u-9", "/tag 张三 +品鉴师", NOW))
    await bot.post(message("c2", "u-9", "/segment 酒友 notify 周五见", NOW))
    await bot.settle()
    await bot.post(message("c3", "u-9", "/segment confirm", NOW + 10))
    await bot.post(message("c4", "u-9", "/gate decline u-5", NOW + 20))
    await bot.settle()
    assert [d for _a, _g, d in _audit(bot, "tag")] == ["generic:u-1: +品鉴师"]
    assert [d for _a, _g, d in _audit(bot, "attr_set")] == ["generic:u-1: 城市"]
    assert [d for _a, _g, d in _audit(bot, "notify")] == ["酒友: 1 members mentioned"]
    assert [d for _a, _g, d in _audit(bot, "gate_decline")] == ["generic:u-5"]


async def test_api_segment_queries_are_audited(make_bot, tmp_path):
    bot = await _bot(make_bot, tmp_path)
    status, body = await bot.api("/api/groups/generic%3Ag-1/segments?q=" + quote("红酒"))
    assert status == 200 and body == ["generic:u-1"]
    assert _audit(bot, "segment") == [("api", "generic:g-1", "红酒: 1 members")]


def test_admin_replies_is_validated_and_may_differ_per_group(tmp_path):
    with pytest.raises(ConfigError, match=r"^defaults\.admin_replies: must be one of private, group$"):
        make_config(tmp_path, defaults={"admin_replies": "public"})
    cfg = make_config(tmp_path, defaults={"admin_replies": "group"},
                      groups=[{"id": "generic:g-2", "admin_replies": "private"}])
    assert cfg.group("generic:g-1").admin_replies == "group"
    assert cfg.group("generic:g-2").admin_replies == "private"

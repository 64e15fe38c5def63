"""One person across accounts: /绑定 gives a one-time code privately, /绑定 CODE from the other account links
(expired, reused, own and wrong codes refused), /解绑 unlinks; opting out on one account opts out the person;
/删除我的数据 全部 确认 erases every linked account in every group; /mydata tells about the links."""

from __future__ import annotations

import re

from tests.conftest import message

NOW = 1_800_000_000.0
GROUPS = [{"id": "generic:g-1"}, {"id": "generic:g-2"}]


async def _bot(make_bot):
    clock = {"t": NOW}
    bot = await make_bot(clock=lambda: clock["t"], groups=GROUPS)
    bot.clock_at = clock
    return bot


async def _say(bot, eid: str, user: str, text: str, group: str = "g-1") -> list[dict]:
    bot.receiver.received.clear()
    await bot.post(message(eid, user, text, bot.clock_at["t"], group=group))
    await bot.settle()
    return list(bot.receiver.received)


async def _code(bot, user: str, eid: str) -> str:
    [reply] = await _say(bot, eid, user, "/绑定", group=user)  # a private chat: chat id = user id
    assert reply.get("user") == user and "10 分钟" in reply["text"]
    [code] = set(re.findall(r"\b(\d{8})\b", reply["text"]))
    return code


async def test_a_code_links_once_and_only_in_time(make_bot):
    bot = await _bot(make_bot)
    code = await _code(bot, "u-1", "c1")
    [mine] = await _say(bot, "c2", "u-1", f"/绑定 {code}", group="u-1")
    assert "自己的验证码" in mine["text"]
    [done] = await _say(bot, "c3", "u-2", f"/绑定 {code}")  # from the other account, in a group
    assert "绑定成功" in done["text"]
    people = bot.runtime.repo.people
    person = await people.person_of("generic:u-1")
    assert person and person == await people.person_of("generic:u-2")
    assert await people.accounts(person) == ["generic:u-1", "generic:u-2"]
    [again] = await _say(bot, "c4", "u-3", f"/绑定 {code}")
    assert "已经用过" in again["text"] and await people.person_of("generic:u-3") is None
    late = await _code(bot, "u-3", "c5")
    bot.clock_at["t"] += 601
    [expired] = await _say(bot, "c6", "u-4", f"/绑定 {late}")
    assert "已过期" in expired["text"] and await people.person_of("generic:u-4") is None
    [wrong] = await _say(bot, "c7", "u-4", "/绑定 12345678")
    assert "验证码不对" in wrong["text"]
    [gone] = await _say(bot, "c8", "u-2", "/解绑")
    assert "已解除" in gone["text"]
    assert await people.person_of("generic:u-1") is None  # a person of one account is no link
    [nothing] = await _say(bot, "c9", "u-2", "/解绑")
    assert "没有与其他账号绑定" in nothing["text"]


async def test_a_code_asked_for_in_a_group_goes_privately(make_bot):
    bot = await _bot(make_bot)
    replies = await _say(bot, "c1", "u-1", "/绑定")
    private = [r for r in replies if r.get("user") == "u-1" and "group" not in r]
    public = [r for r in replies if r.get("group")]
    assert len(private) == 1 and re.search(r"\d{8}", private[0]["text"])
    assert len(public) == 1 and "私信" in public[0]["text"] and not re.search(r"\d{8}", public[0]["text"])


async def _linked_in_two_groups(bot):
    await _say(bot, "m1", "u-1", "今晚开一瓶红酒", group="g-1")
    await _say(bot, "m2", "u-2", "红酒配牛排", group="g-2")
    code = await _code(bot, "u-1", "c1")
    await _say(bot, "c2", "u-2", f"/绑定 {code}", group="u-2")


async def test_opting_out_on_one_account_opts_out_the_person(make_bot):
    bot = await _bot(make_bot)
    await _linked_in_two_groups(bot)
    await _say(bot, "c3", "u-1", "/退出画像", group="g-1")
    assert await bot.runtime.repo.privacy.profiling_refused("generic:g-2", "generic:u-2")
    await _say(bot, "c4", "u-2", "/加入画像", group="g-2")
    assert not await bot.runtime.repo.privacy.profiling_refused("generic:g-1", "generic:u-1")


async def test_forget_all_erases_every_linked_account_everywhere(make_bot):
    bot = await _bot(make_bot)
    await _linked_in_two_groups(bot)
    privacy = bot.runtime.repo.privacy
    [ask] = await _say(bot, "c3", "u-1", "/删除我的数据 全部", group="g-1")
    assert "确认请发送：/删除我的数据 全部 确认" in ask["text"]
    assert await privacy.member_stored("generic:g-2", "generic:u-2")  # asking erases nothing
    [done] = await _say(bot, "c4", "u-1", "/删除我的数据 全部 确认", group="g-1")
    assert "所有绑定账号" in done["text"]
    for group, member in (("generic:g-1", "generic:u-1"), ("generic:g-2", "generic:u-2")):
        assert not await privacy.member_stored(group, member)
    assert await bot.runtime.repo.people.person_of("generic:u-2") is None


async def test_mydata_tells_about_the_links(make_bot):
    bot = await _bot(make_bot)
    await _linked_in_two_groups(bot)
    replies = await _say(bot, "c3", "u-1", "/我的数据", group="g-1")
    private = [r["text"] for r in replies if r.get("user") == "u-1" and "group" not in r]
    assert "已绑定另外 1 个账号" in private[0] and '"generic:u-2"' in private[1]


async def test_the_person_in_profiles_the_api_and_the_cli(make_bot, tmp_path, capsys):
    import asyncio
    import json
    import sqlite3
    from urllib.parse import quote

    from bot.faces.cli import main

    bot = await _bot(make_bot)
    await _linked_in_two_groups(bot)
    await _say(bot, "m3", "u-3", "周末喝红酒", group="g-1")
    person = await bot.runtime.repo.people.person_of("generic:u-1")
    _, linked = await bot.api("/api/groups/generic%3Ag-1/members/generic%3Au-1")
    _, alone = await bot.api("/api/groups/generic%3Ag-1/members/generic%3Au-3")
    assert linked["person"] == person and "person" not in alone
    status, view = await bot.api(f"/api/people/{quote(person)}")
    assert status == 200 and view["accounts"] == ["generic:u-1", "generic:u-2"]
    assert sorted((g["group"], g["member"]) for g in view["groups"]) == [("generic:g-1", "generic:u-1"),
                                                                         ("generic:g-2", "generic:u-2")]
    assert {"name": "红酒", "groups": 2} in view["tags"]
    assert (await bot.api("/api/people/person-nobody"))[0] == 404
    assert (await bot.client.get(f"/api/people/{quote(person)}")).status == 401

    db = tmp_path / "quntag.db"
    path = tmp_path / "c.toml"
    path.write_text(f'[server]\napi_token = "t"\n[storage]\nurl = "sqlite:///{db}"\n[adapters.generic]\nsecret = "s"\n'
                    '[[tags]]\nname = "红酒"\nkeywords = ["红酒"]\n', encoding="utf-8")
    run = lambda *a: asyncio.to_thread(main, [*a, "--config", str(path), "--json"])  # noqa: E731
    capsys.readouterr()
    assert await run("segment", "--all-groups", "红酒") == 0
    assert json.loads(capsys.readouterr().out) == sorted([person, "generic:u-3"])  # the person counts once
    assert await run("person", "generic:u-2") == 0
    assert json.loads(capsys.readouterr().out)["person"] == person
    assert await run("person", "generic:u-3") == 1
    capsys.readouterr()
    assert await run("people", "link", "generic:u-3", "generic:u-5", "--reason", "同一位会员，客服核实过手机号") == 0
    assert json.loads(capsys.readouterr().out)["accounts"] == ["generic:u-3", "generic:u-5"]
    assert await run("people", "link", "generic:u-3", "generic:u-6", "--reason", "  ") == 2
    with sqlite3.connect(db) as conn:
        [(detail,)] = conn.execute("SELECT detail FROM audit_log WHERE action = 'people_link'").fetchall()
    assert "客服核实过手机号" in detail


async def test_an_opt_out_made_before_linking_carries_over(make_bot):
    bot = await _bot(make_bot)
    await _say(bot, "m1", "u-1", "今晚开一瓶红酒", group="g-1")
    await _say(bot, "m2", "u-2", "红酒配牛排", group="g-2")
    await _say(bot, "c0", "u-2", "/退出画像", group="g-2")
    code = await _code(bot, "u-1", "c1")
    await _say(bot, "c2", "u-2", f"/绑定 {code}", group="u-2")
    assert await bot.runtime.repo.privacy.profiling_refused("generic:g-1", "generic:u-1")
    await _say(bot, "m3", "u-1", "再来一瓶红酒", group="g-1")
    _, p = await bot.profile("generic:u-1")
    assert p["opted_out"] and p["tags"] == []


async def test_the_person_view_counts_each_order_of_every_account_once(make_bot):
    from urllib.parse import quote

    from tests.commerce.helpers import purchase

    bot = await _bot(make_bot)
    await _linked_in_two_groups(bot)
    await bot.post(purchase("p-1", "u-1", "o-1", 199.0, NOW - 86400, group="g-1"))
    await bot.post(purchase("p-2", "u-2", "o-2", 101.0, NOW - 3600, group=None))  # no group: in each of u-2's
    await bot.settle()
    person = await bot.runtime.repo.people.person_of("generic:u-1")
    status, view = await bot.api(f"/api/people/{quote(person)}")
    assert status == 200
    by_member = {g["member"]: g for g in view["groups"]}
    assert by_member["generic:u-1"]["commerce"]["orders"] == 1
    assert by_member["generic:u-2"]["commerce"]["spend"] == 101.0
    assert view["purchases"]["orders"] == 2 and view["purchases"]["spend"] == 300.0
    assert view["purchases"]["avg_order_value"] == 150.0

"""Tag rules changed in the console while quntag runs: a new rule tags the next message, a new category
re-labels earlier hits, a rule switched off hides its tag until restored; only admins of every group may
change them, bad input is refused in Chinese with the form kept, and another process follows the change."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import text

from bot.domain import tag_rules
from tests.conftest import TOKEN, message
from tests.faces.console._community import ADMIN_A, ROOT, A, login, sections

NOW = float(int(time.time()))
GID = A.partition(":")[2]
PAGE = f"/console/groups/{quote(A, safe='')}/rules"


@pytest.fixture
async def console(make_bot: Any) -> Any:
    bot = await make_bot(clock=lambda: NOW, **sections())
    await bot.post(message("m1", "u-1", "今晚开一瓶红酒", NOW, group=GID))
    await bot.settle()
    return bot


async def tags_of(bot: Any, member: str) -> dict[str, str]:
    r = await bot.client.get(f"/api/groups/{quote(A, safe='')}/members/{quote(member, safe='')}",
                             headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status == 200, await r.text()
    return {t["name"]: t["category"] for t in (await r.json())["tags"] if t["source"] == "keyword"}


async def save(bot: Any, csrf: str, **form: str) -> Any:
    return await bot.client.post(PAGE, data={"csrf": csrf, "action": "save", **form})


async def test_a_new_rule_tags_the_next_message_without_a_restart(console: Any) -> None:
    csrf = await login(console.client, ROOT)
    r = await save(console, csrf, name="威士忌", category="interest", keywords="威士忌、单一麦芽", weight="1.5")
    html = await r.text()
    assert r.status == 200 and "规则已保存" in html and "新增" in html and "单一麦芽" in html
    await console.post(message("m2", "u-2", "昨晚喝了一杯單一麥芽", NOW, group=GID))  # Traditional: folded
    await console.settle()
    assert await tags_of(console, "generic:u-2") == {"威士忌": "interest"}
    rows = await console.runtime.db.read(
        lambda c: c.execute(text("SELECT actor, action FROM audit_log WHERE action LIKE 'tag_rule%'")).all())
    assert [tuple(r) for r in rows] == [(ROOT, "tag_rule_save")]


async def test_category_change_switch_off_and_restore_apply_to_earlier_hits(console: Any) -> None:
    csrf = await login(console.client, ROOT)
    assert await tags_of(console, "generic:u-1") == {"红酒": "interest"}
    await save(console, csrf, name="红酒", category="motive", keywords="红酒 葡萄酒", weight="1")
    assert await tags_of(console, "generic:u-1") == {"红酒": "motive"}  # the earlier hit, re-labelled
    html = await (await console.client.get(PAGE)).text()
    assert "已修改" in html and "恢复配置文件的规则" in html
    r = await console.client.post(PAGE, data={"csrf": csrf, "action": "off", "name": "红酒"})
    assert r.status == 200 and "规则已停用" in await r.text()
    assert await tags_of(console, "generic:u-1") == {}
    await console.post(message("m3", "u-3", "红酒真好喝", NOW, group=GID))
    await console.settle()
    assert await tags_of(console, "generic:u-3") == {}  # switched off: no new hits either
    r = await console.client.post(PAGE, data={"csrf": csrf, "action": "restore", "name": "红酒"})
    assert r.status == 200 and "已恢复为配置文件的规则" in await r.text()
    assert [r.name for r in console.config.rules.current()] == ["红酒", "摄影"], console.config.rules.overrides
    assert await tags_of(console, "generic:u-1") == {"红酒": "interest"}  # the file's rule again


async def test_only_admins_of_every_group_may_change_rules(console: Any) -> None:
    csrf = await login(console.client, ADMIN_A)
    html = await (await console.client.get(PAGE)).text()
    assert "只有全部群的管理员" in html and 'name="action" value="save"' not in html
    r = await save(console, csrf, name="威士忌", category="interest", keywords="威士忌")
    assert r.status == 403 and "不能修改规则" in await r.text()
    assert [r.name for r in console.config.rules.current()] == ["红酒", "摄影"]


async def test_bad_input_is_refused_in_chinese_with_the_form_kept(console: Any) -> None:
    csrf = await login(console.client, ROOT)
    r = await save(console, csrf, name="红&酒", category="feeling", keywords="", weight="abc")
    html = await r.text()
    assert r.status == 400 and "规则没有保存" in html
    for problem in ("标签名不能为空", "至少要有一个关键词", "请选择类别", "权重要是 0 到 100 之间的数字"):
        assert problem in html, problem
    assert 'value="红&amp;酒"' in html  # what was typed stays in the form
    assert [r.name for r in console.config.rules.current()] == ["红酒", "摄影"]


async def test_another_process_follows_and_a_file_edit_ends_the_override(console: Any, make_bot: Any) -> None:
    csrf = await login(console.client, ROOT)
    await save(console, csrf, name="威士忌", category="interest", keywords="威士忌")
    await save(console, csrf, name="红酒", category="motive", keywords="红酒")
    # A second server on the same database (another process of the same install) picks the change up.
    other = await make_bot(clock=lambda: NOW, **sections())
    assert {r.name: r.category for r in other.config.rules.current()} == {"红酒": "motive", "摄影": "interest",
                                                                        "威士忌": "interest"}
    # A server whose config file has a different 红酒 rule: the file's edit wins over the console's change.
    edited = [{"name": "红酒", "category": "interest", "keywords": ["红酒", "干红"]},
              {"name": "摄影", "category": "interest", "keywords": ["摄影"], "weight": 2.0}]
    third = await make_bot(clock=lambda: NOW, tags=edited, **sections())
    assert await tag_rules.sync(third.runtime.repo, third.config.rules) is False  # read at start already
    rules = {r.name: r for r in third.config.rules.current()}
    assert rules["红酒"].keywords == ("红酒", "干红") and rules["红酒"].category == "interest"
    assert "威士忌" in rules

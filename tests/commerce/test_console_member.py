"""The console's member page shows a member's purchases (订单数, 消费总额, 客单价 …) when they bought, and no
purchase panel when they did not."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import quote

from tests.commerce.helpers import purchase
from tests.faces.console._community import ADMIN_A, A, login, sections, seed


def mpath(member: str) -> str:
    return f"/console/groups/{quote(A, safe='')}/members/{quote(member, safe='')}"


async def test_member_page_shows_purchases(make_bot: Any) -> None:
    now = time.time()
    bot = await make_bot(**sections())
    await seed(bot.runtime, now)
    group = A.partition(":")[2]
    assert (await bot.post(purchase("p-1", "u-1", "o-1", 388.0, now - 86400, group=group,
                                    channel="直播间"), now=now)).status == 200
    await bot.settle()
    await login(bot.client, ADMIN_A)
    html = await (await bot.client.get(mpath("generic:u-1"))).text()
    assert 'id="commerce"' in html and "消费总额" in html and "388.00" in html and "直播间" in html
    assert "客单价" in html and "订单数" in html
    other = await (await bot.client.get(mpath("generic:u-2"))).text()
    assert 'id="commerce"' not in other

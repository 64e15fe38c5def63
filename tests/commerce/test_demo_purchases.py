"""``quntag demo`` includes purchases: some members bought, one order was refunded, and the section shows what
that made of their profiles and tiers."""

from __future__ import annotations

import re

from bot.faces.demo import run_demo


async def test_the_demo_shows_purchases_and_money_in_the_tiers() -> None:
    text = await run_demo()
    section = text.split("== 购买与价值分层 ==")[1]
    rows = [line for line in section.splitlines()[1:] if re.search(r"\d+\.\d\d", line)]
    assert len(rows) == 8  # eight members bought
    assert "有购买记录 8 人：分层按消费" in section
    biggest = rows[0].split()
    assert biggest[0] == "陈晓峰" and biggest[2] == "3880.00" and biggest[-1] in ("核心", "高价值")
    # the fully refunded order counts no order, and no average price of 0.00 is shown for it
    refunded = [r.split() for r in rows if r.split()[1] == "0（已全部退款）"]
    assert len(refunded) == 1 and refunded[0][3] == "—"
    assert "该复购了" in section

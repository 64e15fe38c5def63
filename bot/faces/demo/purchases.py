"""The demo's purchases: a few members' orders and refunds (``purchases.jsonl``), posted through the signed
webhook like the chat, and the section that shows what they made of the profiles and the value tiers."""

from __future__ import annotations

import json
from importlib.resources import files
from typing import Any

from bot.core.i18n import N_, gettext
from bot.core.labels import label
from bot.domain.profiles import ProfileJSON
from bot.faces.cli_table import table


def sample_purchases(shift: int) -> list[dict[str, Any]]:
    """The bundled orders and refunds, shifted by ``shift`` seconds as the chat is."""
    lines = files("bot.faces.demo").joinpath("purchases.jsonl").read_text(encoding="utf-8").splitlines()
    events = [json.loads(line) for line in lines if line.strip()]
    for e in events:
        e["time"] += shift
    return events


def purchase_section(profiles: list[ProfileJSON], locale: str) -> list[str]:
    """``== 购买与价值分层 ==``: who bought what, the tier the RFM score gave them, who is due to buy again."""
    def t(text: str, **values: object) -> str:
        return gettext(locale, text) % values if values else gettext(locale, text)

    buyers = [p for p in profiles if "commerce" in p]
    buyers.sort(key=lambda p: (-p["commerce"]["spend"], p["member"]))
    rows = []
    for p in buyers:
        c = p["commerce"]
        # every order refunded: no order counts, and an average of nothing would read as a price of 0.00
        orders = str(c["orders"]) if c["orders"] else t(N_("0（已全部退款）"))
        average = f"{c['avg_order_value']:.2f}" if c["orders"] else "—"
        rows.append([p["name"] or "—", orders, f"{c['spend']:.2f}", average,
                     c["channel"] or "—", t("、").join(c["categories"]) or "—", label("tier", p["tier"], locale)])
    header = [t(N_("昵称")), t(N_("订单数")), t(N_("消费总额")), t(N_("客单价")), t(N_("常用渠道")),
              t(N_("常买品类")), t(N_("价值分层"))]
    out = [t(N_("== 购买与价值分层 ==")), table(header, rows)]
    out.append(t(N_("有购买记录 %(n)s 人：分层按消费（近因、频率、消费金额），消费额前 10%% 的成员不低于高价值"),
                 n=len(buyers)))
    due = [p["name"] or p["member"] for p in buyers if p["commerce"]["repurchase_due"]]
    if due:
        out.append(t(N_("该复购了（已超过平时的下单间隔）：%(names)s"), names=t("、").join(due)))
    return out

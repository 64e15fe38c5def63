"""The commerce summary and purchase tags as pure functions: refunds capped at the order, the usual channel, the
repurchase rhythm, category scores decayed like keyword scores."""

from __future__ import annotations

from bot.domain.commerce import category_scores, purchase_tags, summarize
from bot.domain.rfm import group_money
from storage.repo import ItemWrite, OrderFacts

DAY = 86400.0
T = 1_800_000_000.0


def order(oid: str, days_ago: float, amount: float, channel: str = "小程序", refunded: float = 0.0,
          category: str = "红酒", member: str = "m") -> OrderFacts:
    o = OrderFacts(oid, member, T - days_ago * DAY, amount, "CNY", channel, refunded)
    o.items.append(ItemWrite("s", "n", category, 1.0, amount))
    return o


def test_never_bought_is_none_and_future_orders_do_not_count() -> None:
    assert summarize([], T) is None
    assert summarize([order("a", -1, 10.0)], T) is None  # placed after T (a profile ?at= in the past)


def test_refunds_channel_and_average() -> None:
    c = summarize([order("a", 9, 100.0, "门店", refunded=100.0), order("b", 6, 200.0, "小程序", refunded=50.0),
                   order("c", 3, 100.0, "门店")], T)
    assert c is not None
    assert (c.orders, c.spend, c.avg_order_value) == (2, 250.0, 125.0)
    assert c.channel == "门店"  # a tie (1 each): the latest counted order
    assert c.first_purchase == T - 6 * DAY and c.last_purchase == T - 3 * DAY


def test_repurchase_due_after_the_median_interval() -> None:
    rhythm = [order("a", 30, 10.0), order("b", 20, 10.0), order("c", 10, 10.0)]  # every 10 days
    due = summarize(rhythm, T)
    assert due is not None and due.repurchase_due is False  # exactly 10 days: not yet past
    later = summarize(rhythm, T + DAY)
    assert later is not None and later.repurchase_due is True and later.days_since_purchase == 11.0


def test_category_scores_decay_like_keyword_scores_and_skip_refunded_orders() -> None:
    scores = category_scores([order("a", 30, 10.0), order("b", 0, 10.0), order("c", 0, 10.0, refunded=10.0)],
                             T, half_life_days=30.0)
    assert scores == {"红酒": 1.5}
    assert purchase_tags([order("a", 30, 10.0)], T, 30.0, 1.0, {}) == []  # 0.5 < min_score
    assert purchase_tags([order("a", 30, 10.0)], T, 30.0, 1.0, {"红酒": ("interest", 2.0)}) == [
        ("红酒", "interest", 1.0)]  # the [[tags]] rule's weight
    assert purchase_tags([order("a", 0, 10.0, category="茶叶")], T, 30.0, 1.0, {}) == [("茶叶", "interest", 1.0)]


def test_money_ranks_spenders_and_marks_the_top_tenth() -> None:
    orders = {f"m{n}": [order(f"o{n}", 5, 10.0 * n, member=f"m{n}")] for n in range(1, 21)}
    money = group_money(orders, [*orders, "nobody"], T)
    assert money is not None
    assert money["m20"].money == 1.0 and money["nobody"].money == 0.0
    assert {m for m, v in money.items() if v.top_spender} == {"m19", "m20"}  # a tenth of 20 spenders
    assert group_money({}, ["a", "b"], T) is None  # no purchase data: engagement tiers

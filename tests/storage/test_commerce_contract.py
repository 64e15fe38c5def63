"""The commerce store on every backend: an import stores each order once (new vs already stored), items come back
in line order, refunds add up and are capped at the order, and only the group's own (or group-less) orders of its
members count there."""

from __future__ import annotations

from storage.repo import ItemWrite, OrderWrite, Repo
from tests.storage.backends import T0


def order(oid: str, member: str, group: str, amount: float, *items: ItemWrite) -> OrderWrite:
    return OrderWrite(oid, group, member, T0, amount, "CNY", "门店", "csv", items)


async def test_import_is_idempotent_and_orders_read_back_per_group(repo: Repo) -> None:
    await repo.activity.record_sighting("generic:g-1", "generic", "", "generic:u-1", "", T0)
    await repo.activity.record_sighting("generic:g-2", "generic", "", "generic:u-2", "", T0)
    wine, glass = ItemWrite("w", "干红", "红酒", 2, 50.0), ItemWrite("g", "酒杯", "酒具", 1, 30.0)
    batch = [order("o-1", "generic:u-1", "generic:g-1", 130.0, wine, glass), order("o-2", "generic:u-1", "", 20.0),
             order("o-3", "generic:u-1", "generic:g-2", 99.0), order("o-4", "generic:u-2", "generic:g-1", 5.0)]
    assert await repo.commerce.import_orders(batch) == [True, True, True, True]
    again = [order("o-1", "generic:u-1", "generic:g-1", 999.0), order("o-5", "generic:u-1", "generic:g-1", 1.0)]
    assert await repo.commerce.import_orders(again) == [False, True]
    await repo.commerce.record_refund("r-1", "o-1", "", "generic:u-1", T0 + 1, 30.0)
    await repo.commerce.record_refund("r-1", "o-1", "", "generic:u-1", T0 + 1, 30.0)  # the same refund again
    await repo.commerce.record_refund("r-2", "o-1", "", "generic:u-1", T0 + 2, 500.0)  # more than is left
    found = await repo.commerce.group_orders("generic:g-1")
    assert set(found) == {"generic:u-1"}  # u-2 is no member of g-1: their order waits until they are
    mine = {o.order_id: o for o in found["generic:u-1"]}
    assert sorted(mine) == ["o-1", "o-2", "o-5"]  # g-1's and the group-less one, not g-2's
    assert mine["o-1"].amount == 130.0 and mine["o-1"].refunded == 130.0 and mine["o-1"].fully_refunded
    assert [i.category for i in mine["o-1"].items] == ["红酒", "酒具"]
    assert (await repo.commerce.group_orders("generic:g-1", until=T0 + 1.5))["generic:u-1"][0].refunded == 30.0

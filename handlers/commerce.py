"""Purchase observer: orders and refunds from the webhook or replay, stored once (idempotent on the order id;
a refund once per event), in the event's unit of work like every other observer's writes."""

from __future__ import annotations

from bot.core.context import Context
from bot.core.purchases import Purchase, Refund
from bot.core.routing import Router
from storage.repo import ItemWrite, OrderWrite


def _group(ev: Purchase | Refund) -> str:
    """The group's full id, or "" when the event named none (it counts in every group of the member)."""
    return ev.chat.id if ev.chat.chat_id else ""


async def record_purchase(ctx: Context[Purchase]) -> None:
    ev = ctx.event
    items = tuple(ItemWrite(i.sku, i.name, i.category, i.qty, i.price) for i in ev.items)
    await ctx.repo.commerce.record_order(OrderWrite(ev.order, _group(ev), ev.user.id, ev.time, ev.amount,
                                                    ev.currency, ev.channel, ev.event_id, items))


async def record_refund(ctx: Context[Refund]) -> None:
    ev = ctx.event
    await ctx.repo.commerce.record_refund(f"{ev.chat.adapter}:{ev.event_id}", ev.order, _group(ev), ev.user.id,
                                          ev.time, ev.amount)


def router() -> Router:
    r = Router("commerce")
    r.observe(Purchase, record_purchase)
    r.observe(Refund, record_refund)
    return r

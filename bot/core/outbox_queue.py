"""How much may wait for one chat: the outbox's per-chat bound, as a pure decision over a lane.

A chat whose platform is slow, rate-limited or down still gets new replies queued; without a bound
that queue (and each round's work) grows for as long as members keep talking. Over
``max_queued`` waiting messages, consecutive plain messages are merged into one (up to the
platform's length limit, joined by a line break); if that is not enough the oldest droppable
messages go. Join-request decisions are actions, never merged or dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.core.outgoing import Mention, Outgoing, Text
from storage.repo import OutboxItem

DROPPED_REASON = "chat_queue_full"


@dataclass(slots=True)
class Queued:
    """One message to send and the outbox rows it delivers (several when merged)."""

    items: list[OutboxItem]
    out: Outgoing


def text_len(out: Outgoing) -> int:
    return sum(len(p.text) if isinstance(p, Text) else 1 + len(p.name or p.user.user_id)
               for p in out.parts if isinstance(p, Text | Mention))


def _merge(first: Queued, item: OutboxItem, out: Outgoing) -> Queued:
    items = [*first.items, item]
    merged = replace(first.out, parts=(*first.out.parts, Text("\n"), *out.parts),
                     key=f"quntag-{items[0].id}-{item.id}")  # a new idempotency key: this is a new message
    return Queued(items, merged)


def _message(out: Outgoing) -> bool:
    """A message (merged or dropped under pressure), not an action (join decision, moderation, a press
    answer), a native poll or a message with buttons (the buttons belong to it alone), which never is."""
    return out.join is None and out.action is None and out.poll is None and not out.buttons and out.answer is None


def bound_lane(batch: list[tuple[OutboxItem, Outgoing]], max_queued: int,
               max_text_len: int) -> tuple[list[Queued], list[OutboxItem]]:
    """(messages to send in order, rows to drop) for one chat's waiting messages, oldest first."""
    plan: list[Queued] = []
    over = len(batch) > max_queued
    for item, out in batch:
        last = plan[-1] if plan else None
        if over and last is not None and _message(last.out) and _message(out) \
                and text_len(last.out) + 1 + text_len(out) <= max_text_len:
            plan[-1] = _merge(last, item, out)
        else:
            plan.append(Queued([item], out))
    dropped: list[OutboxItem] = []
    excess = len(plan) - max_queued
    if excess > 0:
        droppable = [q for q in plan if _message(q.out)][:excess]
        dropped = [item for q in droppable for item in q.items]
        plan = [q for q in plan if q not in droppable]
    return plan, dropped

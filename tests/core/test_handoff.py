"""The in-memory hand-off between the webhook and the processor (``bot.core.handoff``).

Its guarantees: the table is read first (leftovers of a previous run); items come out in sequence order;
an item is processed once even when both the memory path and the table path see it; when the queue is
full the table is read instead, so nothing accepted is lost.
"""

from __future__ import annotations

from bot.core.events import ChatRef, Message, UserRef
from bot.core.handoff import MAX_QUEUED, Handoff, Item


def item(seq: int) -> Item:
    ev = Message(f"m-{seq}", ChatRef("generic", "g-1"), UserRef("generic", "u-1"), 0.0, "红酒")
    return Item(seq, "generic", f"k-{seq}", (ev,), 0.0)


def test_a_new_handoff_reads_the_table_first() -> None:
    assert Handoff().backlog is True


def test_items_come_out_in_sequence_order_up_to_the_limit() -> None:
    h = Handoff()
    for seq in (3, 1, 2, 5, 4):
        h.add(item(seq))
    assert [i.seq for i in h.take(3)] == [1, 2, 3]
    assert [i.seq for i in h.take(10)] == [4, 5]
    assert h.take(10) == []


def test_an_item_the_table_path_processed_is_not_processed_again_from_memory() -> None:
    h = Handoff()
    h.add(item(1))
    h.add(item(2))
    h.done([1])  # the processor read seq 1 from the table and finished it
    assert [i.seq for i in h.take(10)] == [2]


def test_an_item_added_after_it_was_processed_is_ignored() -> None:
    h = Handoff()
    h.done([7])  # the table path got there first: its accept hands it over only now
    h.add(item(7))
    assert h.take(10) == []


def test_a_full_queue_falls_back_to_the_table() -> None:
    h = Handoff()
    h.backlog = False
    for seq in range(1, MAX_QUEUED + 1):
        h.add(item(seq))
    assert h.backlog is False
    h.add(item(MAX_QUEUED + 1))
    assert h.backlog is True  # the processor reads the table, where the item is
    assert len(h.take(MAX_QUEUED + 10)) == MAX_QUEUED

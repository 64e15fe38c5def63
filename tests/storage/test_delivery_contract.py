"""What every storage backend keeps for deliveries, scheduled runs, the outbox and settings.

Through the Repo's public calls only, once per backend in ``STORE_URLS`` (see ``backends.py``).
"""

from __future__ import annotations

import asyncio

from storage.partitions import outgoing_part
from storage.repo import Delivery, Repo, UnitOfWork
from tests.storage.backends import T0, Clock

EVENT = {"type": "message", "id": "m-1", "text": "今晚喝红酒吗"}


async def test_a_delivery_key_is_stored_once(repo: Repo) -> None:
    [seq] = await repo.intake.accept([Delivery("generic", "k-1", (EVENT,))])
    again = await repo.intake.accept([Delivery("generic", "k-1", ({**EVENT, "text": "又来一次"},))])
    assert seq and again == [None]
    assert [(p.seq, p.key, p.events) for p in await repo.intake.pending(10)] == [(seq, "k-1", [EVENT])]
    assert await repo.intake.pending_count() == 1


async def test_duplicates_are_told_apart_by_adapter_and_within_one_batch(repo: Repo) -> None:
    seqs = await repo.intake.accept([Delivery("generic", "k-1", (EVENT,)), Delivery("generic", "k-1", (EVENT,)),
                                     Delivery("qq", "k-1", (EVENT,)), Delivery("qq", None, (EVENT,)),
                                     Delivery("qq", None, (EVENT,))])
    assert seqs[1] is None and all(s for i, s in enumerate(seqs) if i != 1)
    assert await repo.intake.pending_count() == 4  # a delivery without a key is never taken for a duplicate


async def test_a_delivery_without_events_stores_no_row_but_its_key(repo: Repo) -> None:
    assert await repo.intake.accept([Delivery("generic", "meta-1", ())]) == [0]
    assert await repo.intake.accept([Delivery("generic", "meta-1", ())]) == [None]
    assert await repo.intake.pending_count() == 0 and await repo.intake.oldest_pending() is None


async def test_pending_deliveries_come_in_arrival_order_with_their_time(repo: Repo, clock: Clock) -> None:
    for i in range(3):
        clock.now = T0 + i
        await repo.intake.accept([Delivery("generic", f"k-{i}", ({**EVENT, "id": f"m-{i}"},))])
    pending = await repo.intake.pending(10)
    assert [p.events[0]["id"] for p in pending] == ["m-0", "m-1", "m-2"]
    assert [p.received_at for p in pending] == [T0, T0 + 1, T0 + 2] and await repo.intake.oldest_pending() == T0
    assert [p.events[0]["id"] for p in await repo.intake.pending(10, after=pending[0].seq)] == ["m-1", "m-2"]


async def test_a_scheduled_run_happens_once_with_its_writes(repo: Repo) -> None:
    first, second = UnitOfWork(), UnitOfWork()
    await repo.bound(first).settings.set_setting("generic:g-1", "morning_time", "08:30", "09:00")
    await repo.bound(second).settings.set_setting("generic:g-1", "morning_time", "07:00", "09:00")
    assert await repo.settings.claim_run("generic:g-1", "morning", T0, first) is True
    assert await repo.settings.claim_run("generic:g-1", "morning", T0, second) is False
    # the second run wrote nothing
    assert await repo.settings.setting("generic:g-1", "morning_time") == ("08:30", "09:00")
    assert await repo.settings.run_done("generic:g-1", "morning", T0)
    assert not await repo.settings.run_done("generic:g-1", "morning", T0 + 86400)
    assert not await repo.settings.run_done("generic:g-2", "morning", T0)


async def test_concurrent_claims_of_one_run_let_exactly_one_through(repo: Repo) -> None:
    claim = repo.settings.claim_run
    claims = await asyncio.gather(*(claim("generic:g-1", "weekly", T0, UnitOfWork()) for _ in range(8)))
    assert sorted(claims) == [False] * 7 + [True]


async def test_an_outgoing_message_is_due_failed_retried_and_sent(repo: Repo, clock: Clock) -> None:
    await repo.delivery.enqueue_outgoing("generic", {"target": "g-1", "text": "早上好"})
    [item] = await repo.delivery.due_outgoing(10)
    assert (item.adapter, item.payload, item.attempts) == ("generic", {"target": "g-1", "text": "早上好"}, 0)
    await repo.delivery.outgoing_failed([item.id], T0 + 30, "503 from the platform")
    assert await repo.delivery.due_outgoing(10) == [] and await repo.delivery.next_outgoing_at() == T0 + 30
    clock.now = T0 + 30
    [again] = await repo.delivery.due_outgoing(10)
    assert (again.id, again.attempts) == (item.id, 1)
    assert await repo.delivery.outbox_stats() == {"generic": (1, T0)}
    await repo.delivery.outgoing_sent([again.id])
    assert await repo.delivery.due_outgoing(10) == [] and await repo.delivery.next_outgoing_at() is None
    assert await repo.delivery.outbox_stats() == {}


async def test_due_messages_come_oldest_first_up_to_the_limit(repo: Repo) -> None:
    for i in range(5):
        await repo.delivery.enqueue_outgoing("generic", {"n": i})
    first = await repo.delivery.due_outgoing(3)
    assert [i.payload["n"] for i in first] == [0, 1, 2]


def _to(chat: str, n: int) -> dict[str, object]:
    return {"target": ["chat", "generic", chat], "parts": [{"t": f"第{n}条"}], "n": n}


async def test_a_sender_sees_only_its_partitions_and_claimed_rows_are_hidden_until_given_back(
        repo: Repo, clock: Clock) -> None:
    """Two processors share the outbox: each gets only its chats' messages, and a claimed message is invisible
    to every other sender until it is sent, failed or given back as it was."""
    chats = ["g-1", "g-2", "g-3", "g-4"]
    for n, chat in enumerate(chats * 2):
        await repo.delivery.enqueue_outgoing("generic", _to(chat, n))
    part = {chat: outgoing_part(_to(chat, 0)) for chat in chats}
    mine = frozenset({part["g-1"], part["g-2"]})
    assert part["g-3"] not in mine and part["g-4"] not in mine  # the chats fall into four partitions
    ours = await repo.delivery.due_outgoing(10, mine)
    assert [i.payload["n"] for i in ours] == [0, 1, 4, 5]
    claimed = await repo.delivery.due_outgoing(10, mine, claim_until=T0 + 300)
    assert [i.payload["n"] for i in claimed] == [0, 1, 4, 5]
    assert await repo.delivery.due_outgoing(10, mine, claim_until=T0 + 300) == []  # nobody sees them twice
    assert [i.payload["n"] for i in await repo.delivery.due_outgoing(10)] == [2, 3, 6, 7]
    await repo.delivery.outgoing_sent([claimed[0].id])
    await repo.delivery.outgoing_failed([claimed[1].id], T0 + 30, "503")
    await repo.delivery.unclaim_outgoing(claimed, T0 + 300)
    again = await repo.delivery.due_outgoing(10, mine)
    assert [(i.payload["n"], i.next_at) for i in again] == [(4, T0), (5, T0)]  # due as before the claim
    assert await repo.delivery.next_outgoing_at(frozenset({part["g-2"]})) == T0


async def test_a_chats_send_times_are_kept_for_the_next_sender(repo: Repo, clock: Clock) -> None:
    await repo.delivery.enqueue_outgoing("generic", _to("g-1", 1))
    [item] = await repo.delivery.due_outgoing(1)
    await repo.delivery.outgoing_sent([item.id], ("generic:ChatRef:g-1", [T0 - 90, T0 - 20, T0 - 1]))
    assert await repo.delivery.chat_paces(["generic:ChatRef:g-1", "generic:ChatRef:g-2"], T0 - 60) == {
        "generic:ChatRef:g-1": [T0 - 20, T0 - 1]}


async def test_a_setting_round_trips_per_group(repo: Repo) -> None:
    assert await repo.settings.setting("generic:g-1", "morning_time") is None
    await repo.settings.set_setting("generic:g-1", "morning_time", "08:30", "09:00")
    await repo.settings.set_setting("generic:g-2", "morning_time", "10:00", "09:00")
    await repo.settings.set_setting("generic:g-1", "morning_time", "07:45", "09:30")
    assert await repo.settings.setting("generic:g-1", "morning_time") == ("07:45", "09:30")
    await repo.settings.set_setting("generic:g-1", "morning_time", None, "09:30")
    assert await repo.settings.setting("generic:g-1", "morning_time") is None
    assert await repo.settings.setting("generic:g-2", "morning_time") == ("10:00", "09:00")


async def test_adapter_state_round_trips_per_adapter(repo: Repo) -> None:
    await repo.delivery.set_adapter_state("tg", "offset", "41")
    await repo.delivery.set_adapter_state("tg", "offset", "42")
    await repo.delivery.set_adapter_state("qq", "self_id", "10001")
    assert await repo.delivery.adapter_state("tg") == {"offset": "42"}
    await repo.delivery.set_adapter_state("tg", "offset", None)
    assert await repo.delivery.adapter_state("tg") == {}
    assert await repo.delivery.adapter_state("qq") == {"self_id": "10001"}

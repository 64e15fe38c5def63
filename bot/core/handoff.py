"""In-memory hand-off from the webhook to the processor, so a freshly accepted event is processed from
the objects the webhook already has instead of being read back from the inbox table.

The inbox table stays the source of truth: an event is added here only after its row is committed,
and the processor falls back to reading the table (``backlog``) at start, when this queue overflowed,
and periodically as a safety net. Sequence numbers already processed are remembered (bounded), so an
event is never processed twice when both paths see it.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.events import Event

MAX_QUEUED = 20000
REMEMBER_DONE = 100000


@dataclass(frozen=True, slots=True)
class Item:
    seq: int
    adapter: str
    key: str | None
    events: tuple[Event, ...]
    received_at: float
    part: int = 0  # its partition (``storage.partitions``)


class Handoff:
    def __init__(self) -> None:
        self.queued: dict[int, Item] = {}
        self.backlog = True  # read the table first: leftovers from a previous run
        self._done: set[int] = set()
        self._done_order: deque[int] = deque()

    def add(self, item: Item) -> None:
        if item.seq in self._done:
            return
        if len(self.queued) >= MAX_QUEUED:
            self.backlog = True  # the table has it; read from there
            return
        self.queued[item.seq] = item

    def take(self, limit: int) -> list[Item]:
        seqs = sorted(self.queued)[:limit]
        return [self.queued.pop(s) for s in seqs]

    def drop_parts(self, parts: frozenset[int]) -> None:
        """Forget queued items of partitions this processor let go: whoever takes them reads the table."""
        for seq in [s for s, item in self.queued.items() if item.part in parts]:
            del self.queued[seq]

    def done(self, seqs: Iterable[int]) -> None:
        for s in seqs:
            self.queued.pop(s, None)
            if s not in self._done:
                self._done.add(s)
                self._done_order.append(s)
        while len(self._done_order) > REMEMBER_DONE:
            self._done.discard(self._done_order.popleft())


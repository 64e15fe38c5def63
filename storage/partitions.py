"""Which processor handles which groups: the inbox and the outbox split into fixed partitions, and claims on them.

Every accepted delivery and every queued message carries a partition number, a hash of the chat it belongs to
(a private chat's: its user). One processor at a time holds a partition, so a group's events are processed in
arrival order and a chat's messages leave in order and within its rate limit, while several processors (on one
machine or several) share the work.

- **PostgreSQL**: claims are session advisory locks (``pg_try_advisory_lock(CLASS, partition)``). They last
  exactly as long as the claiming connection: when a processor's process or machine dies, the server ends its
  session and the partitions are free at once. Each processor also holds a shared presence lock, so every one of
  them can count the live processors and take its fair share (``fair_share``); a processor over its share lets the
  extra partitions go between two batches, and the others pick them up a moment later (``bot.core.partition_keeper``).
- **SQLite**: the serve lock allows one server per file, so its processors are all children of one parent, which
  numbers them; processor ``index`` of ``count`` holds the partitions ``p % count == index`` for its whole life.
"""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import text

from storage.lock_session import LockSession

PARTS = 64  # fixed forever: stored rows carry their number (a change needs a migration that renumbers them)
PART_CLASS = 0x7174  # pg_advisory_lock(int, int): first key of a partition claim ...
PRESENT_CLASS = 0x7175  # ... and of the presence lock every live processor holds shared
_SAME_DB = "database = (SELECT oid FROM pg_database WHERE datname = current_database())"
_UNLOCK = text("SELECT pg_advisory_unlock(CAST(:c AS integer), CAST(:p AS integer))")
_TRY_LOCK = text("SELECT pg_try_advisory_lock(CAST(:c AS integer), CAST(:p AS integer))")


def part_of(key: str) -> int:
    """The partition of a chat key (``chat:ADAPTER:ID`` or ``user:ADAPTER:ID``)."""
    return zlib.crc32(key.encode()) % PARTS


def event_part(events: Sequence[dict[str, Any]]) -> int:
    """The partition of a delivery (its serialized events, ``bot.core.events.event_to_dict``): its first event's
    chat, or for an event outside any chat its user. A delivery's events share a chat on every platform."""
    if not events:
        return 0
    ev = events[0]
    adapter, chat = ev.get("chat") or ("", "")
    if chat:
        return part_of(f"chat:{adapter}:{chat}")
    adapter, user = ev.get("user") or ("", "")
    return part_of(f"user:{adapter}:{user}")


def outgoing_part(payload: dict[str, Any]) -> int:
    """The partition of a queued message (``bot.core.outgoing.outgoing_to_dict``): its target chat or user."""
    try:
        kind, adapter, target = payload["target"]
    except (KeyError, TypeError, ValueError):  # not a message the outbox could send: any partition will do
        return 0
    return part_of(f"{kind}:{adapter}:{target}")


def static_share(index: int, count: int) -> frozenset[int]:
    """Processor ``index`` of ``count`` on one machine (SQLite)."""
    return frozenset(p for p in range(PARTS) if p % count == index)


class PartitionClaims(LockSession):
    """The partitions this processor holds. Blocking methods: call them from a thread."""

    held_by_what = "this processor's partitions"

    def __init__(self, url: str, index: int = 0, count: int = 1) -> None:
        super().__init__(url)
        self.mine: frozenset[int] = frozenset() if self.shared else static_share(index, count)

    def join(self) -> None:
        """Announce this processor; its claims live in this session."""
        if not self.shared or self._conn is not None:
            return
        self._conn = self._connect()
        self._conn.execute(text("SELECT pg_advisory_lock_shared(CAST(:c AS integer), 0)"), {"c": PRESENT_CLASS})
        self._conn.commit()

    def fair_share(self) -> int:
        """How many partitions this processor should hold: an equal share of the live processors'."""
        if not self.shared or self._conn is None:
            return len(self.mine)
        live = int(self._conn.execute(text(
            "SELECT count(DISTINCT pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = CAST(:c AS oid) "
            f"AND objid = 0 AND objsubid = 2 AND granted AND {_SAME_DB}"), {"c": PRESENT_CLASS}).scalar() or 1)
        self._conn.commit()
        return math.ceil(PARTS / max(1, live))

    def release_to(self, fair: int) -> frozenset[int]:
        """Let the partitions over ``fair`` go; the ones let go. Call it only while nothing of them is being
        processed or sent."""
        if self._conn is None:
            return frozenset()
        released = frozenset(sorted(self.mine, reverse=True)[:max(0, len(self.mine) - fair)])
        for p in released:
            self._conn.execute(_UNLOCK, {"c": PART_CLASS, "p": p})
        self._conn.commit()
        self.mine = self.mine - released
        return released

    def take_up_to(self, fair: int) -> frozenset[int]:
        """Claim free partitions until ``fair`` are held; the ones gained."""
        if self._conn is None:
            return frozenset()
        taken = {int(p) for (p,) in self._conn.execute(text(
            "SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = CAST(:c AS oid) AND objsubid = 2 "
            f"AND granted AND {_SAME_DB}"), {"c": PART_CLASS})}
        free = [p for p in range(PARTS) if p not in taken and p not in self.mine]
        random.shuffle(free)  # processors joining together try different partitions first
        gained: set[int] = set()
        for p in free:
            if len(self.mine) + len(gained) >= fair:
                break
            if self._conn.execute(_TRY_LOCK, {"c": PART_CLASS, "p": p}).scalar():
                gained.add(p)
        self._conn.commit()
        self.mine = self.mine | gained
        return frozenset(gained)

    def leave(self) -> None:
        """Give every partition up (PostgreSQL: ending the session releases its locks)."""
        self.close()
        if self.shared:
            self.mine = frozenset()

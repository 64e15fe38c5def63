"""Replay defence that survives restarts: each verified credential is good for one request only.

Platforms with a timestamp window (Feishu, DingTalk, WeCom) would otherwise accept a captured delivery
again anywhere inside that window, and DingTalk, whose body is not signed at all, with any body. The key
is exactly the credential that was verified (canonical, see :mod:`bot.adapters.credentials`); the value
is a digest of what it came with. The same key with the same request is a platform retry (let through;
the inbox de-duplicates it); the same key with anything else is a replay and is refused.

Persistence: entries live in memory for the hot path and are mirrored into the adapter's
:class:`~bot.adapters.base.StateStore` (the ``adapter_state`` table, keys ``replay:<key>``) by a
background write once the delivery also parsed (a rejected request leaves no trace), and loaded again
by ``restore()`` at start. The trade-off is deliberate: ``verify`` stays synchronous and cheap (no
await, no disk I/O per request), and the write reaches the database a few milliseconds later through
the storage writer. A crash inside that gap can forget the newest key — the one request that arrived
just before the crash — never a whole window's worth.
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import logging
from collections.abc import Callable

from bot.adapters.persist import persist_later
from bot.core.adapter import StateStore

PREFIX = "replay:"
STAGED = 1024  # verify and parse run back to back per request: only a few are ever staged
log = logging.getLogger("quntag.adapters")


class ReplayCache:
    """Verified keys seen within ``ttl`` seconds (at most ``max_items``; the oldest go first)."""

    def __init__(self, ttl: float, clock: Callable[[], float], max_items: int = 100_000) -> None:
        self.ttl = ttl
        self.clock = clock
        self.max_items = max_items
        self._seen: collections.OrderedDict[str, tuple[float, bytes]] = collections.OrderedDict()
        self._label = ""
        self._state: StateStore | None = None
        self._pending: set[asyncio.Task[None]] = set()
        # verified but not parsed yet: body digest → (state key, value)
        self._staged: collections.OrderedDict[bytes, tuple[str, str]] = collections.OrderedDict()
        self._unsaved: dict[str, str | None] = {}  # writes waiting for the next persist()

    def attach(self, label: str, state: StateStore | None, pending: set[asyncio.Task[None]]) -> None:
        """Mirror entries into ``state``; ``pending`` collects the writes so ``close()`` can wait for them."""
        self._label, self._state, self._pending = label, state, pending

    async def restore(self) -> None:
        """Load the entries a previous run stored that are still inside the window; forget the rest."""
        if self._state is None:
            return
        try:
            stored = await self._state.load()
        except Exception:
            log.exception("%s: could not load the replay cache", self._label)
            return
        now = self.clock()
        entries: list[tuple[float, str, bytes]] = []
        stale: list[tuple[str, str | None]] = []
        for name, value in stored.items():
            if not name.startswith(PREFIX):
                continue
            until, _, hexdigest = value.partition(" ")
            try:
                entry = (float(until), name[len(PREFIX):], bytes.fromhex(hexdigest))
            except ValueError:
                entry = None
            if entry is None or not entry[0] > now:
                stale.append((name, None))
            elif entry[1] not in self._seen:
                entries.append(entry)
        for expires, key, digest in sorted(entries):
            self._seen[key] = (expires, digest)
        # Keep insertion order = expiry order (what pruning relies on) after merging.
        self._seen = collections.OrderedDict(sorted(self._seen.items(), key=lambda kv: kv[1][0]))
        persist_later(self._label, self._state, stale, self._pending)

    def check(self, key: str, *parts: bytes, body: bytes) -> bool:
        """Record ``key`` with ``parts``; False when ``key`` was seen before with different parts.

        ``body`` is what verify returns for this request: :meth:`persist` with it makes the entry durable.
        """
        now = self.clock()
        while self._seen:
            first_key, (expires, _) = next(iter(self._seen.items()))
            if expires > now and len(self._seen) < self.max_items:
                break
            del self._seen[first_key]
            self._unsaved[PREFIX + first_key] = None
        digest = hashlib.sha256(b"\0".join(parts)).digest()
        prev = self._seen.get(key)
        if prev is not None and prev[1] != digest:
            return False
        if prev is None:
            prev = self._seen[key] = (now + self.ttl, digest)
        self._staged[hashlib.sha256(body).digest()] = (PREFIX + key, f"{prev[0]:.3f} {digest.hex()}")
        while len(self._staged) > STAGED:
            self._staged.popitem(last=False)
        return True

    def persist(self, body: bytes) -> None:
        """The request that returned ``body`` from verify was also parsed: write its entry (and forget
        expired ones) in the background."""
        staged = self._staged.pop(hashlib.sha256(body).digest(), None)
        if staged is not None:
            self._unsaved[staged[0]] = staged[1]
        writes, self._unsaved = list(self._unsaved.items()), {}
        persist_later(self._label, self._state, writes, self._pending)

    def __len__(self) -> int:
        return len(self._seen)

"""Replay defence that survives restarts: each verified credential is good for one request only.

Platforms with a timestamp window (Feishu, DingTalk, WeCom) would otherwise accept a captured delivery
again anywhere inside that window, and DingTalk, whose body is not signed at all, with any body. The key
is exactly the credential that was verified (canonical, see :mod:`bot.adapters.shared.credentials`); the value
is a digest of what it came with. The same key with the same request is a platform retry (let through;
the inbox de-duplicates it); the same key with anything else is a replay and is refused.

Persistence: entries live in memory for the hot path and are mirrored into the adapter's
:class:`~bot.core.adapter.StateStore` (the ``adapter_state`` table, keys ``replay:<key>``): ``verify``
stages the entry, ``parse`` returns it (with the deletions of expired ones) as learned facts, and the
runtime saves them once the delivery is accepted (a rejected request leaves no trace); ``restore()``
loads them again at start. ``verify`` stays synchronous and cheap (no await, no disk I/O), and the
entry is durable before the delivery is acknowledged.
"""

from __future__ import annotations

import collections
import hashlib
import logging
from collections.abc import Callable, Iterable

from bot.core.adapter import Learned, StateStore

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
        # verified, to be saved once parsed and accepted: body digest → the entry as a fact (a platform
        # retry verifies the same body again, so entries stay until pushed out by newer ones)
        self._staged: collections.OrderedDict[bytes, Learned] = collections.OrderedDict()
        self._expired: dict[str, None] = {}  # state keys of pruned entries, deleted with the next delivery

    async def restore(self, state: StateStore | None, label: str) -> None:
        """Load the entries a previous run stored in ``state`` that are still inside the window; delete
        the rest."""
        if state is None:
            return
        try:
            stored = await state.load()
        except Exception:
            log.exception("%s: could not load the replay cache", label)
            return
        now = self.clock()
        entries: list[tuple[float, str, bytes]] = []
        stale: dict[str, str | None] = {}
        for name, value in stored.items():
            if not name.startswith(PREFIX):
                continue
            until, _, hexdigest = value.partition(" ")
            try:
                entry = (float(until), name[len(PREFIX):], bytes.fromhex(hexdigest))
            except ValueError:
                entry = None
            if entry is None or not entry[0] > now:
                stale[name] = None
            elif entry[1] not in self._seen:
                entries.append(entry)
        for expires, key, digest in sorted(entries):
            self._seen[key] = (expires, digest)
        # Keep insertion order = expiry order (what pruning relies on) after merging.
        self._seen = collections.OrderedDict(sorted(self._seen.items(), key=lambda kv: kv[1][0]))
        if stale:
            try:
                await state.save(stale)
            except Exception:
                log.exception("%s: could not delete expired replay keys", label)

    def check(self, key: str, *parts: bytes, body: bytes) -> bool:
        """Record ``key`` with ``parts``; False when ``key`` was seen before with different parts.

        ``body`` is what verify returns for this request: :meth:`learned` with it gives the entry to save.
        """
        now = self.clock()
        while self._seen:
            first_key, (expires, _) = next(iter(self._seen.items()))
            if expires > now and len(self._seen) < self.max_items:
                break
            del self._seen[first_key]
            self._expired[PREFIX + first_key] = None
        digest = hashlib.sha256(b"\0".join(parts)).digest()
        prev = self._seen.get(key)
        if prev is not None and prev[1] != digest:
            return False
        if prev is None:
            prev = self._seen[key] = (now + self.ttl, digest)
            self._expired.pop(PREFIX + key, None)  # stored anew, not deleted
        self._staged[hashlib.sha256(body).digest()] = Learned(PREFIX + key, f"{prev[0]:.3f} {digest.hex()}")
        while len(self._staged) > STAGED:
            self._staged.popitem(last=False)
        return True

    def learned(self, body: bytes) -> tuple[Learned, ...]:
        """Pure: the facts to save for the request whose verified body is ``body`` — its entry, and the
        deletion of entries pruned since the last save."""
        facts = [Learned(key, None) for key in self._expired]
        staged = self._staged.get(hashlib.sha256(body).digest())
        return (*facts, staged) if staged is not None else tuple(facts)

    def saved(self, facts: Iterable[Learned]) -> None:
        """``facts`` (from :meth:`learned`) were handed to the store: their deletions are done."""
        for fact in facts:
            if fact.value is None:
                self._expired.pop(fact.key, None)

    def __len__(self) -> int:
        return len(self._seen)

"""Flood, repeats and spam waves: what one member sent in the last minutes, kept in memory.

These rules look at seconds to minutes of chat, so the bot keeps a short window per member in memory (one
:class:`Bursts` per app, built by the moderation router) instead of a table; a restart forgets at most the
last few minutes. Texts are kept only as one-way digests of their normalized form.
"""

from __future__ import annotations

import hashlib
import sys
from dataclasses import dataclass

from bot.core.config import ModerationConfig
from bot.core.textnorm import normalize

FLOOD, REPEAT, WAVE = "flood", "repeat", "wave"
MAX_KEPT = 200  # per member: enough for any sensible flood_messages
SWEEP_EVERY = 5000  # notes between sweeps of members gone quiet


@dataclass(frozen=True, slots=True)
class Seen:
    at: float
    group: str
    digest: bytes


def digest(text: str) -> bytes:
    """A one-way digest of the text as the rules compare it (normalized, whitespace ignored)."""
    return hashlib.blake2b("".join(normalize(text).split()).encode(), digest_size=8).digest()


class Bursts:
    """Recent messages per member (member ids are per platform account, so one member's groups share them)."""

    def __init__(self) -> None:
        # A plain list per member: most members sent one message in the window, and a list of one costs a
        # tenth of a deque (whose first block holds 64 slots). 100,000 recent members take about 30 MB.
        self._by_member: dict[str, list[Seen]] = {}
        self._notes = 0
        self._horizon = 3600.0

    def note(self, member: str, group: str, at: float, text: str, cfg: ModerationConfig) -> tuple[str, int]:
        """Record a message and return the burst it completes — (``flood`` | ``repeat`` | ``wave``, count) —
        or ("", 0). A member's window is cleared once a burst is reported, so one burst is one decision."""
        self._horizon = max(self._horizon, cfg.flood_seconds, cfg.repeat_seconds, cfg.wave_minutes * 60.0)
        kept = self._by_member.setdefault(member, [])
        d = digest(text) if text.strip() else b""
        kept.append(Seen(at, sys.intern(group), d))  # one copy of each group id, not one per message
        if len(kept) > MAX_KEPT:
            del kept[:-MAX_KEPT]
        self._sweep(at)
        here = [s for s in kept if s.group == group]
        burst = _burst(kept, here, group, at, d, cfg)
        if burst[0]:
            kept.clear()
        return burst

    def _sweep(self, now: float) -> None:
        self._notes += 1
        if self._notes % SWEEP_EVERY:
            return
        for member in [m for m, q in self._by_member.items() if not q or now - q[-1].at > self._horizon]:
            del self._by_member[member]


# Windows count both ways: events may arrive out of order (a replayed history, a platform's late retry).
def _burst(kept: list[Seen], here: list[Seen], group: str, at: float, d: bytes,
           cfg: ModerationConfig) -> tuple[str, int]:
    if d:
        groups = {s.group for s in kept if s.digest == d and abs(at - s.at) <= cfg.wave_minutes * 60}
        if len(groups) >= cfg.wave_groups:
            return WAVE, len(groups)
        same = sum(1 for s in here if s.digest == d and abs(at - s.at) <= cfg.repeat_seconds)
        if same >= cfg.repeat_messages:
            return REPEAT, same
    recent = sum(1 for s in here if abs(at - s.at) <= cfg.flood_seconds)
    if recent > cfg.flood_messages:
        return FLOOD, recent
    return "", 0

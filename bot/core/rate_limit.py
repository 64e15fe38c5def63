"""Per-chat sending rate: sliding windows of recent send times, per lane (one chat or private chat)."""

from __future__ import annotations

import collections
from collections.abc import Callable


class RateLimiter:
    """Sliding windows per lane: at most ``per_minute`` in 60 s and ``per_second`` in 1 s."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.sent: dict[str, collections.deque[float]] = collections.defaultdict(collections.deque)

    def wait_time(self, lane: str, per_minute: int, per_second: float) -> float:
        now = self.clock()
        q = self.sent[lane]
        while q and now - q[0] >= 60.0:
            q.popleft()
        waits = [0.0]
        if per_minute > 0 and len(q) >= per_minute:
            waits.append(60.0 - (now - q[-per_minute]))
        if per_second > 0 and q:
            waits.append(1.0 / per_second - (now - q[-1]))
        return max(waits)

    def record(self, lane: str) -> list[float]:
        """Count a send now; the lane's send times of the last minute."""
        q = self.sent[lane]
        q.append(self.clock())
        return list(q)

    def knows(self, lane: str) -> bool:
        return lane in self.sent

    def seed(self, lane: str, times: list[float]) -> None:
        """Send times another processor recorded for the lane."""
        self.sent[lane] = collections.deque(sorted(times))

    def forget(self) -> None:
        self.sent.clear()

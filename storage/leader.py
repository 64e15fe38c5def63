"""Who leads a shared database: exactly one processor runs the scheduler, across every machine.

Several ``quntag serve`` (on several machines) may share one PostgreSQL database. All their processors share
the inbox and the outbox by partitions (``storage.partitions``), but scheduled jobs, the text purge and feed
fetches run in one place. The processor that holds a PostgreSQL session advisory lock leads; the others try
again every few seconds. The lock belongs to a connection, so when the leader's process or machine dies, the
server ends its session and releases the lock, and another processor takes the schedule over at its next try
(the job-run claims make sure no report is sent twice or skipped across the change).

On SQLite the serve lock next to the database file already allows one server per file, whose parent names its
first processor the leader, so the lock is always granted there.
"""

from __future__ import annotations

from sqlalchemy import text

from storage.lock_session import LockSession

# pg_advisory_lock takes a bigint; any constant shared by every quntag process names the lead.
LEADER_LOCK_KEY = 0x71756E746167  # "quntag"


class LeaderLock(LockSession):
    """The right to run the scheduler of one database."""

    held_by_what = "the lead"

    def try_acquire(self) -> bool:
        """Take the lock if nobody holds it (blocking; call from a thread). True when this process holds it."""
        if not self.shared or self._conn is not None:
            return True
        conn = self._connect()
        got = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": LEADER_LOCK_KEY}).scalar())
        conn.commit()
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def still_held(self) -> bool:
        """False when the session that holds the lock is gone: the lead may already be someone else's, so this
        process must stop scheduling at once."""
        return self.alive()

    def release(self) -> None:
        self.close()

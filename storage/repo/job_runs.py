"""Scheduled job runs, recorded once per group, job and fire time (exactly-once jobs)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, select
from sqlmodel import col

from storage.models import (
    JobRun,
)
from storage.repo.transactions import WriteFn
from storage.repo.upserts import insert_ignore


def claim_run(conn: Connection, group_id: str, job: str, fire_time: float, fns: Sequence[WriteFn],
              now: float) -> bool:
    """Record the run and apply its writes in the same transaction; False (nothing applied) when it
    was recorded before. The writer thread serializes this, so a run happens at most once."""
    if not insert_ignore(conn, JobRun, {"group_id": group_id, "job": job, "fire_time": fire_time, "done_at": now}):
        return False
    for fn in fns:
        fn(conn)
    return True


def run_done(conn: Connection, group_id: str, job: str, fire_time: float) -> bool:
    return conn.execute(select(col(JobRun.done_at)).where(
        col(JobRun.group_id) == group_id, col(JobRun.job) == job,
        col(JobRun.fire_time) == fire_time)).first() is not None

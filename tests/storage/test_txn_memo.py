"""Facts read once per transaction (do-not-profile markers, known groups) stay exact: our own opt-out is seen
at once, a savepoint rolled back takes back what it remembered, and the next transaction reads afresh."""

from __future__ import annotations

from sqlalchemy import Connection, text

from storage.repo import Repo
from storage.repo.privacy import one_way, refused, set_opt_out

G, M = "generic:g-1", "generic:u-1"


async def test_an_opt_out_is_seen_at_once_inside_the_same_transaction(repo: Repo) -> None:
    def job(conn: Connection) -> list[bool]:
        seen = [refused(conn, G, M)]
        set_opt_out(conn, G, M, True)
        seen.append(refused(conn, G, M))
        set_opt_out(conn, G, M, False)
        seen.append(refused(conn, G, M))
        return seen
    assert await repo.db.write(job) == [False, True, False]


async def test_a_savepoint_rolled_back_takes_back_what_was_remembered(repo: Repo) -> None:
    def job(conn: Connection) -> list[bool]:
        seen = [refused(conn, G, M)]
        sp = conn.begin_nested()
        set_opt_out(conn, G, M, True)
        seen.append(refused(conn, G, M))  # remembered as refused inside the savepoint …
        sp.rollback()
        seen.append(refused(conn, G, M))  # … and forgotten with it
        return seen
    assert await repo.db.write(job) == [False, True, False]


async def test_the_next_transaction_reads_afresh(repo: Repo) -> None:
    assert await repo.db.write(lambda c: refused(c, G, M)) is False

    def other_writer(conn: Connection) -> None:  # as another process would: straight SQL, no memo involved
        conn.execute(text("INSERT INTO do_not_profile (group_id, member_key) VALUES (:g, :k)"),
                     {"g": G, "k": one_way(M)})
    await repo.db.write(other_writer)
    assert await repo.db.write(lambda c: refused(c, G, M)) is True

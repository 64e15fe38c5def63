"""A profile's evidence: the newest live hits of each tag a member carries, as ``EvidenceRow`` tuples.

Newest first; among hits of the same second the earlier recorded comes first (SQLite: insertion order;
PostgreSQL: message id). On SQLite each (member, tag) is one prepared query on the writer's or reader's own
connection, read from the member index alone (migration 0021). On PostgreSQL each query would be a network
round trip — 78,705 of them took 7.9 s for a group of 10,000 members — so the pairs go in as arrays, a few
thousand per statement, and a ``LATERAL`` join reads each pair's newest hits.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, and_, bindparam, literal_column, null, select, text
from sqlmodel import col

from storage.models import MessageRow, TagHit, TagRejection
from storage.repo.prepared import Prepared
from storage.repo.scores import EvidenceRow, TagScore, raw_rows

PAIRS_PER_STATEMENT = 5000


def _per_pair(dialect: str, with_text: bool) -> Any:
    h = TagHit
    q: Any = select(col(h.at), col(h.keyword), col(h.message_id))
    if with_text:
        q = q.add_columns(col(MessageRow.text)).outerjoin(MessageRow, and_(
            col(MessageRow.group_id) == col(h.group_id), col(MessageRow.message_id) == col(h.message_id)))
    else:
        q = q.add_columns(null())  # rows are EvidenceRow either way
    tie = literal_column("tag_hits.rowid") if dialect == "sqlite" else col(h.message_id)
    return q.where(col(h.group_id) == bindparam("g"), col(h.member_id) == bindparam("m"),
                   col(h.tag) == bindparam("tag"), col(h.at) > bindparam("after")) \
        .order_by(col(h.at).desc(), tie).limit(bindparam("n"))


_PER_PAIR = {w: Prepared(lambda d, w=w: _per_pair(d, w)) for w in (False, True)}  # type: ignore[misc]


def _lateral(with_text: bool) -> Any:
    hits, messages = TagHit.__tablename__, MessageRow.__tablename__
    shown = "m.text" if with_text else "NULL"
    joined = f"LEFT JOIN {messages} m ON m.group_id = :g AND m.message_id = h.message_id" if with_text else ""
    return text(
        f"SELECT w.i, h.at, h.keyword, h.message_id, {shown} "
        "FROM unnest(CAST(:ms AS varchar[]), CAST(:tags AS varchar[]), CAST(:afters AS float8[])) "
        "WITH ORDINALITY AS w(m, tag, after, i) "
        f"CROSS JOIN LATERAL (SELECT x.at, x.keyword, x.message_id FROM {hits} x WHERE x.group_id = :g "
        "AND x.member_id = w.m AND x.tag = w.tag AND x.at > w.after "
        f"ORDER BY x.at DESC, x.message_id LIMIT :n) h {joined} "
        "ORDER BY w.i, h.at DESC, h.message_id")


def _after_rejections(pairs: Iterable[tuple[str, str]],
                      rejected: Mapping[tuple[str, str], float]) -> list[tuple[str, str, float]]:
    """Each (member, tag) with the time its live hits come after: its rejection, or none."""
    lowest = float("-inf")
    return [(m, tag, rejected.get((m, tag), lowest)) for m, tag in pairs]


def _newest(conn: Connection, group_id: str, pairs: Sequence[tuple[str, str, float]], n: int,
            with_text: bool) -> list[list[EvidenceRow]]:
    if conn.dialect.name != "postgresql":
        return _PER_PAIR[with_text].rows_many(conn, [
            {"g": group_id, "m": m, "tag": tag, "after": after, "n": n} for m, tag, after in pairs])
    out: list[list[EvidenceRow]] = [[] for _p in pairs]
    for start in range(0, len(pairs), PAIRS_PER_STATEMENT):
        chunk = pairs[start:start + PAIRS_PER_STATEMENT]
        params = {"g": group_id, "n": n, "ms": [p[0] for p in chunk], "tags": [p[1] for p in chunk],
                  "afters": [p[2] for p in chunk]}
        for i, at, keyword, message_id, shown in raw_rows(conn, _lateral(with_text).bindparams(**params)):
            out[start + i - 1].append((at, keyword, message_id, shown))
    return out


def newest_of(conn: Connection, group_id: str, pairs: Sequence[tuple[str, str]], n: int,
              with_text: bool) -> dict[tuple[str, str], list[EvidenceRow]]:
    """The newest ``n`` live hits of each (member, tag) of ``pairs``, read for those pairs alone (no scores);
    pairs without a live hit are left out."""
    if not pairs:
        return {}
    r = TagRejection
    rejected = {(str(m), str(tag)): float(at) for m, tag, at in conn.execute(
        select(col(r.member_id), col(r.tag), col(r.at)).where(col(r.group_id) == group_id))}
    asked = _after_rejections(pairs, rejected)
    return {(m, tag): hits for (m, tag, _after), hits in zip(asked, _newest(conn, group_id, asked, n, with_text),
                                                             strict=True) if hits}


def add_evidence(conn: Connection, group_id: str, found: dict[tuple[str, str], TagScore],
                 rejected: dict[tuple[str, str], float], n: int, with_text: bool) -> None:
    """Fill the newest ``n`` live hits (after any rejection) of every pair in ``found`` with a live hit."""
    pairs = _after_rejections([pair for pair, sc in found.items() if sc.hits], rejected)
    for (m, tag, _after), hits in zip(pairs, _newest(conn, group_id, pairs, n, with_text), strict=True):
        found[(m, tag)].evidence = hits

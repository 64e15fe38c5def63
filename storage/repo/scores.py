"""Keyword scores computed in SQL (contract §5): per (member, tag) the decayed sum of the hits after any
rejection and their count (the newest hits shown as evidence are read by :mod:`storage.repo.evidence`).

``total`` is ``Σ 0.5 ^ (max(0, T − at) / 86400 / half_life)``; the caller multiplies by the rule's weight
(it may change in config) and compares with ``min_score``. Databases without ``power`` (SQLite built without
math functions) get the same sum from Python; that is detected once per dialect.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, bindparam, case, func, literal_column, or_, select
from sqlmodel import col

from storage.models import TagHit, TagRejection
from storage.repo.id_lists import among

SECONDS_PER_DAY = 86400.0


# One piece of evidence as read: (at, keyword, message id, text — None unless asked for). Rows stay tuples:
# a group's profiles carry hundreds of thousands of them, and the domain builds its own object once per row.
EvidenceRow = tuple[float, str, str, str | None]


@dataclass(slots=True)
class TagScore:
    total: float  # Σ decay over live hits, weight not applied
    hits: int  # live hits (after any rejection)
    evidence: list[EvidenceRow] = field(default_factory=list)  # newest first, filled only where asked


# (member, tag) → whether the pair is wanted (its score kept, its evidence read), given the unweighted total
WantPair = Callable[[str, str, float], bool]

_POWER: dict[str, bool] = {}


def has_power(conn: Connection) -> bool:
    """Whether the database has ``power()`` (asked once per dialect)."""
    name = conn.dialect.name
    if name not in _POWER:
        if name != "sqlite":
            _POWER[name] = True
        else:
            cur = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
            try:
                row = cur.execute("SELECT power(0.5, 1.0)").fetchone()
                _POWER[name] = row is not None and row[0] == 0.5
            except Exception:  # "no such function": compute in Python
                _POWER[name] = False
            finally:
                cur.close()
    return _POWER[name]


def raw_rows(conn: Connection, stmt: Any) -> list[Any]:
    """All rows of a Core query as DBAPI tuples: no result-row objects for big fetches (the columns read this
    way have no result processing on SQLite)."""
    result = conn.execute(stmt)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _filters(conn: Connection, group_id: str, ids: Sequence[str] | None, tags: Collection[str] | None) -> list[Any]:
    where: list[Any] = [col(TagHit.group_id) == group_id]
    if ids is not None:
        where.append(among(conn, col(TagHit.member_id), ids))
    if tags is not None:
        where.append(col(TagHit.tag).in_(sorted(tags)))
    return where


def decayed(at: float, t: float, half_life_days: float) -> float:
    """``0.5 ^ (max(0, T − t) / half_life)`` with times in days."""
    return float(0.5 ** (max(0.0, t - at) / SECONDS_PER_DAY / half_life_days))


def scores(conn: Connection, group_id: str, ids: Sequence[str] | None, t: float, half_life_days: float,
           tags: Collection[str] | None = None, rejections: bool = True,
           keep: WantPair | None = None) -> dict[tuple[str, str], TagScore]:
    """Scores of every (member, tag) with a hit (``ids`` None: the whole group; ``tags`` None: every tag), or
    only of the pairs ``keep`` accepts (most pairs of a big group are below any tag's threshold: no object is
    made for them). ``rejections`` False promises the members have none (skips the join)."""
    return scores_at(conn, group_id, ids, [t], half_life_days, tags, rejections, keep)[0]


def scores_at(conn: Connection, group_id: str, ids: Sequence[str] | None, times: Sequence[float],
              half_life_days: float, tags: Collection[str] | None = None,
              rejections: bool = True, keep: WantPair | None = None) -> list[dict[tuple[str, str], TagScore]]:
    """:func:`scores` at each of ``times`` from one pass over the hits (each time's sum is the same expression
    over the same rows in the same order, so it equals what :func:`scores` gives at that time). ``keep``
    judges a pair by its total at the first time and drops it at every time."""
    if not times or (tags is not None and not tags) or (ids is not None and not ids):
        return [{} for _t in times]  # nothing asked for: no scan of the group's hits
    h = TagHit
    where = _filters(conn, group_id, ids, tags)
    live: Any = None
    query: Any
    if rejections:
        live = or_(col(TagRejection.at).is_(None), col(h.at) > col(TagRejection.at))
    outs: list[dict[tuple[str, str], TagScore]] = [{} for _t in times]
    if not has_power(conn):
        cols: list[Any] = [col(h.member_id), col(h.tag), col(h.at)]
        query = select(*cols)
        if live is not None:
            query = query.add_columns(live)
        query = _joined(query, rejections)
        for row in conn.execute(query.where(*where)):
            if live is not None and not row[3]:
                for out in outs:
                    out.setdefault((row[0], row[1]), TagScore(0.0, 0))
                continue
            for out, t in zip(outs, times, strict=True):
                sc = out.get((row[0], row[1]))
                if sc is None:
                    sc = out[(row[0], row[1])] = TagScore(0.0, 0)
                sc.total += decayed(float(row[2]), t, half_life_days)
                sc.hits += 1
        if keep is not None:
            dropped = [k for k, sc in outs[0].items() if not keep(k[0], k[1], sc.total)]
            for out in outs:
                for k in dropped:
                    del out[k]
        return outs
    one: Any = literal_column("1")
    terms: list[Any] = []
    for i, t in enumerate(times):
        age = case((bindparam(f"t{i}", t) - col(h.at) > 0, bindparam(f"t{i}", t) - col(h.at)), else_=0.0)
        term: Any = func.power(0.5, age / SECONDS_PER_DAY / bindparam("hl", half_life_days))
        terms.append(func.sum(case((live, term), else_=0.0) if live is not None else term))
    if live is not None:
        one = case((live, 1), else_=0)
    query = _joined(select(col(h.member_id), col(h.tag), func.sum(one), *terms), rejections)
    query = query.where(*where).group_by(col(h.member_id), col(h.tag))
    rows = raw_rows(conn, query)
    if keep is not None:
        rows = [r for r in rows if keep(r[0], r[1], float(r[3] or 0.0))]
    for m, tag, n, *totals in rows:
        for out, total in zip(outs, totals, strict=True):
            out[(m, tag)] = TagScore(float(total or 0.0), int(n))
    return outs


def _joined(query: Any, rejections: bool) -> Any:
    if not rejections:
        return query
    return query.outerjoin(TagRejection, and_(col(TagRejection.group_id) == col(TagHit.group_id),
                                              col(TagRejection.member_id) == col(TagHit.member_id),
                                              col(TagRejection.tag) == col(TagHit.tag)))

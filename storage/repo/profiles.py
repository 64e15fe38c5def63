"""Read side: everything needed to build profiles, fetched in a few grouped queries per group."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Connection, case, func, select
from sqlmodel import col

from storage.models import (
    Group,
    Member,
    MemberAttribute,
    MemberDay,
    MemberHour,
    MembershipEvent,
    MemberState,
    MemberTag,
    MessageRow,
    TagRejection,
)
from storage.repo.evidence import add_evidence
from storage.repo.id_lists import among
from storage.repo.scores import TagScore, WantPair, raw_rows, scores


@dataclass(frozen=True, slots=True)
class ScoreWant:
    """Which keyword scores ``member_facts`` computes: at ``at``, for ``tags`` (None: all), of the (member,
    tag) pairs ``want`` asks for (None: every pair), each with its newest ``evidence`` hits."""

    at: float
    half_life_days: float
    tags: frozenset[str] | None = None
    evidence: int = 0
    want: WantPair | None = None


@dataclass(frozen=True, slots=True)
class Attribute:
    """A member's static attribute with its provenance: ``source`` is ``survey:<id>`` or ``manual``, ``at``
    when it was set (unix seconds)."""

    value: str
    source: str
    at: float


@dataclass(slots=True)
class MemberFacts:
    """Raw facts about one member of one group; the domain turns them into the §5 profile."""

    group_id: str
    member_id: str
    name: str
    messages: int
    first_seen: float
    last_seen: float
    last_message_at: float | None
    joined_at: float | None
    left_at: float | None
    invited_by: str | None
    opted_out: bool
    active_days: int = 0
    hours: list[int] = field(default_factory=lambda: [0] * 24)
    days: dict[str, int] = field(default_factory=dict)
    scores: dict[str, TagScore] = field(default_factory=dict)  # keyword tags, when asked for
    rejections: dict[str, float] = field(default_factory=dict)
    other_tags: list[tuple[str, str, str, float | None]] = field(default_factory=list)
    attributes: dict[str, Attribute] = field(default_factory=dict)
    membership: list[tuple[str, float]] = field(default_factory=list)
    tier: str | None = None  # from the last recompute
    stage: str = ""  # the stage the last recompute stored ("" when none) …
    stage_at: float = 0.0  # … and the time it was computed for


def groups(conn: Connection) -> list[tuple[str, str, int]]:
    counts = select(col(Member.group_id), func.count().label("n")).group_by(col(Member.group_id)).subquery()
    rows = conn.execute(select(col(Group.id), col(Group.name), func.coalesce(counts.c.n, 0))
                        .outerjoin(counts, counts.c.group_id == col(Group.id)).order_by(col(Group.id))).all()
    return [(str(i), str(n), int(c)) for i, n, c in rows]


def group_exists(conn: Connection, group_id: str) -> bool:
    return conn.execute(select(col(Group.id)).where(col(Group.id) == group_id)).first() is not None


def member_ids(conn: Connection, group_id: str) -> list[str]:
    rows = raw_rows(conn, select(col(Member.member_id)).where(col(Member.group_id) == group_id)
                    .order_by(col(Member.first_seen), col(Member.member_id)))
    return [str(r[0]) for r in rows]


def member_facts(conn: Connection, group_id: str, ids: Sequence[str] | None, since_day: str,
                 with_text: bool = False, want: ScoreWant | None = None, lite: bool = False,
                 days: bool = True) -> list[MemberFacts]:
    """Facts for ``ids`` (in that order; None: the whole group); day counts from ``since_day`` on (``days``
    False: none); keyword scores only when ``want`` says so; ``lite`` leaves ``hours`` and ``active_days`` out."""
    idl = member_ids(conn, group_id) if ids is None else list(ids)
    if not idl:
        return []
    in_group = col(Member.group_id) == group_id
    some: list[ColumnElement[bool]] = [] if ids is None else [among(conn, col(Member.member_id), idl)]
    m = Member
    rows = raw_rows(conn, select(col(m.member_id), col(m.name), col(m.messages), col(m.first_seen), col(m.last_seen),
                                 col(m.last_message_at), col(m.joined_at), col(m.left_at), col(m.invited_by),
                                 col(m.opted_out)).where(in_group, *some))
    by_id = {r[0]: MemberFacts(group_id, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]))
             for r in rows}

    def where(model: Any) -> list[ColumnElement[bool]]:
        return [col(model.group_id) == group_id] + ([] if ids is None else [among(conn, col(model.member_id), idl)])

    if not lite:
        hour_q = select(col(MemberHour.member_id), col(MemberHour.hour), col(MemberHour.messages))
        for mid, hour, n in raw_rows(conn, hour_q.where(*where(MemberHour))):
            by_id[mid].hours[hour] = n
        for mid, n in conn.execute(select(col(MemberDay.member_id), func.count()).where(*where(MemberDay))
                                   .group_by(col(MemberDay.member_id))):
            by_id[mid].active_days = n
    day_q = select(col(MemberDay.member_id), col(MemberDay.day), col(MemberDay.messages)) \
        .where(*where(MemberDay), col(MemberDay.day) >= since_day)
    per: defaultdict[str, dict[str, int]] = defaultdict(dict)
    for mid, day, n in raw_rows(conn, day_q) if days else []:
        per[mid][day] = n
    for mid, counts in per.items():
        by_id[mid].days = counts
    rejected: dict[tuple[str, str], float] = {}
    for mid, tag, at in conn.execute(select(col(TagRejection.member_id), col(TagRejection.tag), col(TagRejection.at))
                                     .where(*where(TagRejection))):
        by_id[mid].rejections[tag] = rejected[(mid, tag)] = float(at)
    if want is not None:
        found = scores(conn, group_id, None if ids is None else idl, want.at, want.half_life_days, want.tags,
                       rejections=bool(rejected), keep=want.want)
        if want.evidence > 0:
            add_evidence(conn, group_id, found, rejected, want.evidence, with_text)
        for (mid, tag), sc in found.items():
            if mid in by_id:
                by_id[mid].scores[tag] = sc
    tag_cols = (col(MemberTag.member_id), col(MemberTag.tag), col(MemberTag.category), col(MemberTag.source),
                col(MemberTag.score))
    for mid, tag, cat, src, score in conn.execute(select(*tag_cols).where(*where(MemberTag))):
        by_id[mid].other_tags.append((tag, cat, src, score))
    for mid, key, value, src, at in conn.execute(select(col(MemberAttribute.member_id), col(MemberAttribute.key),
                                                        col(MemberAttribute.value), col(MemberAttribute.source),
                                                        col(MemberAttribute.at)).where(*where(MemberAttribute))):
        by_id[mid].attributes[key] = Attribute(str(value), str(src), float(at))
    for mid, tier, stage, at in conn.execute(select(col(MemberState.member_id), col(MemberState.tier),
                                                    col(MemberState.stage), col(MemberState.at))
                                             .where(*where(MemberState))):
        f = by_id[mid]
        f.tier, f.stage, f.stage_at = str(tier), str(stage or ""), float(at or 0.0)
    events: dict[str, list[tuple[str, float]]] = defaultdict(list)
    for mid, kind, at in conn.execute(select(col(MembershipEvent.member_id), col(MembershipEvent.kind),
                                             col(MembershipEvent.at)).where(*where(MembershipEvent))):
        events[mid].append((str(kind), float(at)))
    for mid, evs in events.items():
        by_id[mid].membership = sorted(evs, key=lambda e: e[1])
    return [by_id[i] for i in idl if i in by_id]


def last_messages_before(conn: Connection, group_id: str, ids: Sequence[str], at: float) -> dict[str, float | None]:
    if not ids:
        return {}
    m = MessageRow
    latest = select(func.max(col(m.at))).where(col(m.group_id) == group_id, col(m.member_id) == col(Member.member_id),
                                              col(m.at) <= at).scalar_subquery()
    rows = conn.execute(select(col(Member.member_id), latest).where(col(Member.group_id) == group_id,
                                                                     among(conn, col(Member.member_id), ids)))
    return {str(mid): float(v) if v is not None else None for mid, v in rows}


def rate_sums(conn: Connection, group_id: str, ids: Sequence[str], recent_from: str, prev_from: str,
              day: str) -> dict[str, tuple[int, int]]:
    """member → (messages on ``recent_from``…``day``, messages on ``prev_from``…the day before ``recent_from``)."""
    if not ids:
        return {}
    d = MemberDay
    recent = func.sum(case((col(d.day) >= recent_from, col(d.messages)), else_=0))
    prev = func.sum(case((col(d.day) < recent_from, col(d.messages)), else_=0))
    rows = conn.execute(select(col(d.member_id), recent, prev).where(
        col(d.group_id) == group_id, among(conn, col(d.member_id), ids), col(d.day) >= prev_from, col(d.day) <= day)
        .group_by(col(d.member_id))).all()
    return {str(m): (int(r or 0), int(p or 0)) for m, r, p in rows}


def member_stats(conn: Connection, group_id: str, ids: Sequence[str]) -> dict[str, tuple[int, list[int]]]:
    """member → (all-time active days, messages by local hour)."""
    if not ids:
        return {}
    idl = list(ids)
    out = {i: (0, [0] * 24) for i in idl}
    for mid, hour, n in raw_rows(conn, select(col(MemberHour.member_id), col(MemberHour.hour),
                                              col(MemberHour.messages)).where(
            col(MemberHour.group_id) == group_id, among(conn, col(MemberHour.member_id), idl))):
        out[mid][1][hour] = n
    for mid, n in conn.execute(select(col(MemberDay.member_id), func.count()).where(
            col(MemberDay.group_id) == group_id, among(conn, col(MemberDay.member_id), idl))
            .group_by(col(MemberDay.member_id))).all():
        out[mid] = (int(n), out[mid][1])
    return out



def find_members(conn: Connection, group_id: str, token: str, limit: int = 10) -> list[tuple[str, str]]:
    """The members of the group a typed reference names, as (member id, display name): the one whose full id
    or platform id it is, exactly; else every member whose display name it is, exactly (most recently seen
    first, at most ``limit``). Ids come first so a member cannot take another's id as a display name; only
    equality is used (no LIKE), so ``%`` and ``_`` are ordinary characters."""
    m = Member
    tok = token.strip()
    if not tok:
        return []
    plain = tok.removeprefix("@")
    adapter = group_id.partition(":")[0]
    for member_id in (plain, f"{adapter}:{plain}"):
        row = conn.execute(select(col(m.name)).where(col(m.group_id) == group_id,
                                                     col(m.member_id) == member_id)).first()
        if row is not None:
            return [(member_id, str(row[0] or ""))]
    rows = conn.execute(select(col(m.member_id), col(m.name))
                        .where(col(m.group_id) == group_id, col(m.name).in_({tok, plain}))
                        .order_by(col(m.last_seen).desc()).limit(limit)).all()
    return [(str(i), str(n)) for i, n in rows]

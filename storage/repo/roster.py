"""The group's roster: every member's cheap facts in two reads (the member row with the tier and stage the last
recompute stored, and join/leave events), so a list can filter, sort and count a large group before it builds
full profiles for the page it shows."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, and_, func, select
from sqlmodel import col

from storage.models import Member, MemberDay, MembershipEvent, MemberState
from storage.repo.profiles import MemberFacts
from storage.repo.scores import raw_rows


def roster(conn: Connection, group_id: str) -> list[MemberFacts]:
    """Every member of the group (in ``member_id`` order): the member row, the stored tier and stage
    (``tier``, ``stage``, ``stage_at``) and join/leave events; no day counts, hours, tags or attributes."""
    m, s = Member, MemberState
    q = select(col(m.member_id), col(m.name), col(m.messages), col(m.first_seen), col(m.last_seen),
               col(m.last_message_at), col(m.opted_out), col(s.tier), col(s.stage), col(s.at)) \
        .outerjoin(s, and_(col(s.group_id) == col(m.group_id), col(s.member_id) == col(m.member_id))) \
        .where(col(m.group_id) == group_id)
    out = {str(r[0]): MemberFacts(group_id, str(r[0]), str(r[1]), int(r[2]), float(r[3]), float(r[4]),
                                  None if r[5] is None else float(r[5]), None, None, None, bool(r[6]),
                                  tier=None if r[7] is None else str(r[7]), stage=str(r[8] or ""),
                                  stage_at=float(r[9] or 0.0)) for r in raw_rows(conn, q)}
    e = MembershipEvent
    events = raw_rows(conn, select(col(e.member_id), col(e.kind), col(e.at)).where(col(e.group_id) == group_id))
    for mid, kind, at in sorted(events, key=lambda ev: float(ev[2])):
        row = out.get(str(mid))
        if row is not None:
            row.membership.append((str(kind), float(at)))
    return [out[k] for k in sorted(out)]


def active_days(conn: Connection, group_id: str, ids: Sequence[str] | None) -> dict[str, int]:
    """member → all-time active local days (``ids`` None: the whole group; members with none are left out)."""
    d = MemberDay
    where = [col(d.group_id) == group_id] + ([] if ids is None else [col(d.member_id).in_(list(ids))])
    rows = raw_rows(conn, select(col(d.member_id), func.count()).where(*where).group_by(col(d.member_id)))
    return {str(mid): int(n) for mid, n in rows}

"""The last clustering run's personas per group, and the latest insights run (cards, associations, hours)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, case, delete, func, insert, select, update
from sqlmodel import col

from storage.models import DoNotProfile, InsightRun, Member, MemberDay, PersonaRow
from storage.repo import derived


@dataclass(frozen=True, slots=True)
class StoredPersona:
    """A persona as the last run left it: its id, name, size and centroid (feature name → mean value)."""

    id: int
    name: str
    size: int
    centroid: dict[str, float]


def last_personas(conn: Connection, group_id: str) -> list[StoredPersona]:
    rows = conn.execute(select(PersonaRow).where(col(PersonaRow.group_id) == group_id)
                        .order_by(col(PersonaRow.persona_id))).all()
    return [StoredPersona(int(r.persona_id), str(r.name), int(r.size),
                          {str(k): float(v) for k, v in json.loads(r.centroid).items()}) for r in rows]


def replace_personas(conn: Connection, group_id: str, personas: Sequence[StoredPersona], at: float) -> None:
    conn.execute(delete(PersonaRow).where(col(PersonaRow.group_id) == group_id))
    if personas:
        conn.execute(insert(PersonaRow), [
            {"group_id": group_id, "persona_id": p.id, "name": p.name, "size": p.size, "at": at,
             "centroid": json.dumps(p.centroid, ensure_ascii=False, sort_keys=True)} for p in personas])


def run_inputs(conn: Connection, group_id: str) -> str:
    """What an insights run reads that may change between recomputes, as one string: the recompute's
    fingerprint, plus opt-outs and names (no recompute input: a recompute leaves opted-out members alone).
    Keyword hits are covered by the fingerprint's message counts: a hit is only ever written with its
    message, and only erasure (which moves the counts too) deletes hits."""
    m = Member
    opted, named = conn.execute(select(func.sum(case((col(m.opted_out), 1), else_=0)), func.max(col(m.name_at)))
                                .where(col(m.group_id) == group_id)).one()
    refused = conn.execute(select(func.count()).select_from(DoNotProfile)
                           .where(col(DoNotProfile.group_id) == group_id)).scalar()
    return json.dumps([derived.fingerprint(conn, group_id), int(opted or 0), named, int(refused or 0)])


def last_run(conn: Connection, group_id: str) -> tuple[str, str] | None:
    """(stamp, body) of the group's latest insights run."""
    row = conn.execute(select(col(InsightRun.stamp), col(InsightRun.body))
                       .where(col(InsightRun.group_id) == group_id)).first()
    return None if row is None else (str(row[0]), str(row[1]))


def save_run(conn: Connection, group_id: str, stamp: str, body: str, at: float, text_at: float) -> None:
    drop_run(conn, group_id)
    conn.execute(insert(InsightRun).values(group_id=group_id, stamp=stamp, body=body, at=at, text_at=text_at))


def update_run(conn: Connection, group_id: str, stamp: str, body: str) -> None:
    """A new body for the run kept under ``stamp`` (none when another run replaced it meanwhile)."""
    conn.execute(update(InsightRun).where(col(InsightRun.group_id) == group_id, col(InsightRun.stamp) == stamp)
                 .values(body=body))


def drop_run(conn: Connection, group_id: str) -> None:
    """Forget the group's insights run (erasure, opt-out): the next read computes it anew."""
    conn.execute(delete(InsightRun).where(col(InsightRun.group_id) == group_id))


def trend_sums(conn: Connection, group_id: str, recent_from: str, prev_from: str) -> dict[str, tuple[int, int]]:
    """member → (messages on ``recent_from`` or later, messages on ``prev_from``…the day before
    ``recent_from``)."""
    d = MemberDay
    recent = func.sum(case((col(d.day) >= recent_from, col(d.messages)), else_=0))
    prev = func.sum(case((col(d.day) < recent_from, col(d.messages)), else_=0))
    rows = conn.execute(select(col(d.member_id), recent, prev).where(
        col(d.group_id) == group_id, col(d.day) >= prev_from).group_by(col(d.member_id))).all()
    return {str(mid): (int(r or 0), int(p or 0)) for mid, r, p in rows}

"""Accounts linked into one person, and one-time link codes (hashes only)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, delete, insert, select, update
from sqlmodel import col

from storage.models import LinkCode, Member, PersonLink


def issue_code(conn: Connection, member_id: str, code_hash: str, expires_at: float) -> None:
    conn.execute(delete(LinkCode).where(col(LinkCode.member_id) == member_id, col(LinkCode.used_at).is_(None)))
    conn.execute(insert(LinkCode).values(code_hash=code_hash, member_id=member_id, expires_at=expires_at))


def redeem(conn: Connection, code_hash: str, member_id: str, now: float, new_person: str) -> tuple[str, str | None]:
    row = conn.execute(select(LinkCode).where(col(LinkCode.code_hash) == code_hash)).first()
    if row is None:
        return "unknown", None
    if row.used_at is not None:
        return "used", None
    if row.expires_at < now:
        return "expired", None
    if row.member_id == member_id:
        return "self", None
    conn.execute(update(LinkCode).where(col(LinkCode.code_hash) == code_hash).values(used_at=now))
    return "linked", link(conn, str(row.member_id), member_id, now, "code", "", new_person)


def person_of(conn: Connection, member_id: str) -> str | None:
    found = conn.execute(select(col(PersonLink.person_id)).where(col(PersonLink.member_id) == member_id)).first()
    return str(found[0]) if found else None


def persons_of(conn: Connection, member_ids: Sequence[str]) -> dict[str, str]:
    q = select(col(PersonLink.member_id), col(PersonLink.person_id))
    if len(member_ids) <= IN_LIMIT:
        q = q.where(col(PersonLink.member_id).in_(list(member_ids)))
    wanted = set(member_ids)  # a whole large group: the (small) link table once, not one bound id per member
    return {str(m): str(p) for m, p in conn.execute(q).all() if m in wanted}


IN_LIMIT = 500


def accounts(conn: Connection, person_id: str) -> list[str]:
    rows = conn.execute(select(col(PersonLink.member_id)).where(col(PersonLink.person_id) == person_id)
                        .order_by(col(PersonLink.member_id))).all()
    return [str(m) for (m,) in rows]


def link(conn: Connection, a: str, b: str, now: float, how: str, reason: str, new_person: str) -> str:
    """Put ``a`` and ``b`` in one person (merging two persons when both had one); returns its id."""
    pa, pb = person_of(conn, a), person_of(conn, b)
    if pa is not None and pb is not None:
        if pa != pb:
            conn.execute(update(PersonLink).where(col(PersonLink.person_id) == pb).values(person_id=pa))
        return pa
    person = pa or pb or new_person
    for member, had in ((a, pa), (b, pb)):
        if had is None:
            conn.execute(insert(PersonLink).values(member_id=member, person_id=person, linked_at=now, how=how,
                                                   reason=reason))
    return person


def unlink(conn: Connection, member_id: str) -> bool:
    """Take the account out of its person; a person left with one account is no link any more."""
    person = person_of(conn, member_id)
    if person is None:
        return False
    conn.execute(delete(PersonLink).where(col(PersonLink.member_id) == member_id))
    if len(accounts(conn, person)) < 2:
        conn.execute(delete(PersonLink).where(col(PersonLink.person_id) == person))
    return True


def member_groups(conn: Connection, member_id: str) -> list[str]:
    rows = conn.execute(select(col(Member.group_id)).where(col(Member.member_id) == member_id)
                        .order_by(col(Member.group_id))).all()
    return [str(g) for (g,) in rows]


def forget_person(conn: Connection, members: Sequence[str]) -> None:
    """Every link and code of these accounts."""
    conn.execute(delete(PersonLink).where(col(PersonLink.member_id).in_(list(members))))
    conn.execute(delete(LinkCode).where(col(LinkCode.member_id).in_(list(members))))

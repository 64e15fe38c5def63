"""Tags and attributes an admin or a survey gives a member, and the rejections an admin leaves: what
``/tag``, ``/attr``, ``/why`` and survey answers write and read."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, and_, delete, insert, select
from sqlmodel import col

from storage.models import MemberAttribute, MemberTag, TagRejection
from storage.repo.privacy import refused
from storage.repo.upserts import insert_ignore, upsert


@dataclass(frozen=True, slots=True)
class TagDetail:
    tag: str
    category: str
    source: str
    score: float | None
    at: float
    evidence: str


def tag_detail(conn: Connection, group_id: str, member_id: str, tag: str) -> TagDetail | None:
    t = MemberTag
    r = conn.execute(select(t).where(col(t.group_id) == group_id, col(t.member_id) == member_id,
                                     col(t.tag) == tag)).first()
    if r is None:
        return None
    return TagDetail(r.tag, r.category, r.source, r.score, r.at, r.evidence)


def set_tag(conn: Connection, group_id: str, member_id: str, tag: str, category: str, source: str,
            score: float | None, evidence: str, at: float) -> None:
    """Give a member a manual or survey tag; lifts an earlier rejection of it. Not for a member who refused
    profiling."""
    if refused(conn, group_id, member_id):
        return
    values = {"group_id": group_id, "member_id": member_id, "tag": tag, "category": category, "source": source,
              "score": score, "at": at, "evidence": evidence}
    upsert(conn, MemberTag, values, ["group_id", "member_id", "tag"],
           {k: v for k, v in values.items() if k not in ("group_id", "member_id", "tag")})
    conn.execute(delete(TagRejection).where(col(TagRejection.group_id) == group_id,
                                            col(TagRejection.member_id) == member_id, col(TagRejection.tag) == tag))


def remove_tag(conn: Connection, group_id: str, member_id: str, tag: str, at: float) -> None:
    """Take a tag off: drop a stored tag and reject it from ``at`` (keyword hits before no longer count)."""
    conn.execute(delete(MemberTag).where(and_(col(MemberTag.group_id) == group_id,
                                              col(MemberTag.member_id) == member_id, col(MemberTag.tag) == tag)))
    reject_tag(conn, group_id, member_id, tag, at)


def reject_tag(conn: Connection, group_id: str, member_id: str, tag: str, at: float) -> None:
    """From ``at`` on, only later hits of ``tag`` count for this member (contract §5). One rejection per member
    and tag: the last one written holds (``set_tag`` lifts it)."""
    upsert(conn, TagRejection, {"group_id": group_id, "member_id": member_id, "tag": tag, "at": at},
           ["group_id", "member_id", "tag"], {"at": at})


def set_attribute(conn: Connection, group_id: str, member_id: str, key: str, value: str | None, source: str,
                  at: float) -> None:
    """Set (or with None clear) an attribute; a member who refused profiling gets no new values."""
    a = MemberAttribute
    if value is not None and refused(conn, group_id, member_id):
        return
    conn.execute(delete(a).where(col(a.group_id) == group_id, col(a.member_id) == member_id, col(a.key) == key))
    if value is not None:
        conn.execute(insert(a).values(group_id=group_id, member_id=member_id, key=key, value=value, source=source,
                                      at=at))



def tag_member(conn: Connection, group_id: str, member_id: str, tag: str, category: str, source: str,
               at: float) -> None:
    """Give a member a non-keyword tag (channel, survey, activity), keeping the first source; not for a
    member who refused profiling."""
    if refused(conn, group_id, member_id):
        return
    insert_ignore(conn, MemberTag, {"group_id": group_id, "member_id": member_id, "tag": tag, "category": category,
                                    "source": source, "score": None, "at": at})

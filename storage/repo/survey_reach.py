"""Survey deliveries (who was asked, for which group, reminded when), native polls, reward redemptions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import Connection, and_, insert, or_, select, update
from sqlmodel import col

from storage.models import Member, PointsEntry, RewardRedemption, SentPoll, SurveyAnswer, SurveyDelivery
from storage.repo.checkins import points_of
from storage.repo.upserts import insert_ignore, upsert


def record_deliveries(conn: Connection, group_id: str, survey_id: str, members: Sequence[tuple[str, str]],
                      at: float) -> None:
    """(member, channel) were sent the survey now: a new send starts a new reminder clock."""
    for member_id, channel in members:
        upsert(conn, SurveyDelivery, {"group_id": group_id, "survey_id": survey_id, "member_id": member_id,
                                      "sent_at": at, "channel": channel, "reminded_at": None},
               ["group_id", "survey_id", "member_id"], {"sent_at": at, "channel": channel, "reminded_at": None})


def delivered_group(conn: Connection, survey_id: str, member_id: str) -> str | None:
    """The group whose sending of the survey reached the member last (None: it never reached them)."""
    d = SurveyDelivery
    v = conn.execute(select(col(d.group_id)).where(col(d.survey_id) == survey_id, col(d.member_id) == member_id)
                     .order_by(col(d.sent_at).desc(), col(d.group_id)).limit(1)).scalar()
    return None if v is None else str(v)


@dataclass(frozen=True, slots=True)
class Unanswered:
    """A member who was sent a survey, has not answered it, and has not been reminded yet."""

    group_id: str
    survey_id: str
    member_id: str
    channel: str


def unanswered_before(conn: Connection, group_id: str, survey_id: str, sent_before: float) -> list[Unanswered]:
    """Deliveries older than ``sent_before``, never reminded, whose member gave no answer to the survey, is
    still in the group and has not opted out."""
    d, a, m = SurveyDelivery, SurveyAnswer, Member
    answered = select(col(a.member_id)).where(col(a.group_id) == group_id, col(a.survey_id) == survey_id)
    gone = select(col(m.member_id)).where(col(m.group_id) == group_id, or_(
        col(m.opted_out).is_(True),
        and_(col(m.left_at).is_not(None), or_(col(m.joined_at).is_(None), col(m.left_at) >= col(m.joined_at)))))
    rows = conn.execute(select(col(d.member_id), col(d.channel)).where(
        col(d.group_id) == group_id, col(d.survey_id) == survey_id, col(d.sent_at) <= sent_before,
        col(d.reminded_at).is_(None), col(d.member_id).not_in(answered), col(d.member_id).not_in(gone))
        .order_by(col(d.member_id))).all()
    return [Unanswered(group_id, survey_id, str(m), str(c)) for m, c in rows]


def mark_reminded(conn: Connection, group_id: str, survey_id: str, members: Sequence[str], at: float) -> None:
    d = SurveyDelivery
    if members:
        conn.execute(update(d).where(col(d.group_id) == group_id, col(d.survey_id) == survey_id,
                                     col(d.member_id).in_(list(members))).values(reminded_at=at))


def record_poll(conn: Connection, adapter: str, poll_id: str, ref: str, at: float) -> None:
    insert_ignore(conn, SentPoll, {"adapter": adapter, "poll_id": poll_id, "ref": ref, "sent_at": at})


def poll_ref(conn: Connection, adapter: str, poll_id: str) -> str | None:
    v = conn.execute(select(col(SentPoll.ref)).where(col(SentPoll.adapter) == adapter,
                                                     col(SentPoll.poll_id) == poll_id)).scalar()
    return None if v is None else str(v)


def redeem(conn: Connection, group_id: str, member_id: str, reward: str, points: int, request: str,
           at: float) -> bool:
    """Spend ``points`` on ``reward`` when the balance covers it (checked in this transaction, so two
    redemptions never overdraw). ``request`` (the asking message) makes it idempotent: the ledger entry is
    ``redeem:<request>``, and the redemption row is the audit trail."""
    reason = f"redeem:{request}"
    done = conn.execute(select(col(PointsEntry.points)).where(
        col(PointsEntry.group_id) == group_id, col(PointsEntry.member_id) == member_id,
        col(PointsEntry.reason) == reason)).first()
    if done is not None:
        return True
    if points_of(conn, group_id, member_id) < points:
        return False
    conn.execute(insert(PointsEntry).values(group_id=group_id, member_id=member_id, reason=reason,
                                            points=-points, at=at))
    conn.execute(insert(RewardRedemption).values(group_id=group_id, member_id=member_id, reward=reward,
                                                 points=points, at=at))
    return True


@dataclass(frozen=True, slots=True)
class Redemption:
    member_id: str
    reward: str
    points: int
    at: float


def redemptions(conn: Connection, group_id: str, member_id: str | None, limit: int) -> list[Redemption]:
    """The latest redemptions in the group (of one member when given), newest first."""
    r = RewardRedemption
    q = select(col(r.member_id), col(r.reward), col(r.points), col(r.at)).where(col(r.group_id) == group_id)
    if member_id is not None:
        q = q.where(col(r.member_id) == member_id)
    rows = conn.execute(q.order_by(col(r.at).desc(), col(r.id).desc()).limit(limit)).all()
    return [Redemption(str(m), str(w), int(p), float(t)) for m, w, p, t in rows]



def member_names(conn: Connection, group_id: str, members: Sequence[str]) -> dict[str, str]:
    """member → latest display name ("" when none is known) of the given members."""
    if not members:
        return {}
    rows = conn.execute(select(col(Member.member_id), col(Member.name)).where(
        col(Member.group_id) == group_id, col(Member.member_id).in_(list(members)))).all()
    return {str(m): str(n or "") for m, n in rows}

"""What every storage backend keeps for the community routines: check-ins and points, news and activities,
surveys, questions and alerts, join requests.

Through the stores' public calls only, once per backend in ``STORE_URLS`` (see ``backends.py``).
"""

from __future__ import annotations

from storage.repo import AnswerWrite, MessageFacts, Repo
from tests.storage.backends import T0, Clock, points

GROUP = "generic:g-1"
TODAY, YESTERDAY = "2026-01-02", "2026-01-01"


async def test_a_check_in_counts_once_a_day_and_continues_yesterdays_streak(repo: Repo) -> None:
    await repo.checkins.record_checkin(GROUP, "generic:u-1", YESTERDAY, "2025-12-31", T0, 5, 2, 20)
    before = await repo.checkins.checkin_state(GROUP, "generic:u-1", TODAY, YESTERDAY)
    assert (before.already, before.streak, before.rank, before.points) == (False, 2, 1, 5)
    for _ in range(2):  # the second check-in of the day counts nothing
        await repo.checkins.record_checkin(GROUP, "generic:u-1", TODAY, YESTERDAY, T0 + 86400, 5, 2, 20)
    after = await repo.checkins.checkin_state(GROUP, "generic:u-1", TODAY, YESTERDAY)
    assert (after.already, after.streak, after.points) == (True, 2, 30)  # 5 + 5 + a streak bonus of 20
    assert await repo.checkins.checkin_stats(GROUP, YESTERDAY, TODAY, YESTERDAY) == {"generic:u-1": (2, 2)}
    assert await repo.checkins.checkin_members_between(GROUP, YESTERDAY, TODAY) == 1


async def test_points_leaders_rank_members_by_their_points(repo: Repo) -> None:
    await repo.activity.record_sighting(GROUP, "generic", "测试群", "generic:u-2", "小李", T0)
    await repo.checkins.credit(GROUP, "generic:u-1", "welcome", 10)
    await repo.checkins.credit(GROUP, "generic:u-2", "welcome", 30)
    await repo.checkins.credit(GROUP, "generic:u-2", "welcome", 30)  # one credit per reason
    assert [(m, p) for m, _name, p in await repo.checkins.points_leaders(GROUP)] == [("generic:u-2", 30),
                                                                                    ("generic:u-1", 10)]
    assert await points(repo, "generic:u-2", "generic:g-2") == 0


async def test_news_waits_until_sent_and_activities_keep_the_week_in_order(repo: Repo) -> None:
    await repo.news.add_news(GROUP, "周五品鉴会", "generic:u-1")
    await repo.news.add_news(GROUP, "新酒到货", "generic:u-1")
    [(first, _), (second, _)] = await repo.news.pending_news(GROUP)
    await repo.news.remove_news(GROUP, first)
    await repo.news.mark_news_sent([second])
    assert await repo.news.pending_news(GROUP) == []
    await repo.news.add_activity(GROUP, 4, "20:00", "周五品鉴", "generic:u-1")
    await repo.news.add_activity(GROUP, 1, "19:30", "周二读书", "generic:u-1")
    week = await repo.news.activities(GROUP)
    assert [(d, t, title) for _id, d, t, title in week] == [(1, "19:30", "周二读书"), (4, "20:00", "周五品鉴")]
    await repo.news.remove_activity(GROUP, week[0][0])
    assert [title for *_rest, title in await repo.news.activities(GROUP)] == ["周五品鉴"]


async def test_survey_answers_replace_earlier_ones_and_set_attributes_and_tags(repo: Repo, clock: Clock) -> None:
    await repo.surveys.start_survey(GROUP, "s-1")
    assert await repo.surveys.survey_started(GROUP, "s-1") == clock.now
    assert await repo.surveys.consent_of(GROUP, "s-1", "generic:u-1") is None
    await repo.surveys.set_consent(GROUP, "s-1", "generic:u-1", True)
    await repo.surveys.record_answers(GROUP, "s-1", "generic:u-1", [AnswerWrite("q-1", "上海", "城市", ())])
    await repo.surveys.record_answers(GROUP, "s-1", "generic:u-1", [AnswerWrite("q-1", "杭州", "城市", ("红酒",))])
    assert await repo.surveys.consent_of(GROUP, "s-1", "generic:u-1") is True
    assert await repo.surveys.member_answers(GROUP, "s-1", "generic:u-1") == {"q-1": "杭州"}
    assert await repo.surveys.survey_answers(GROUP, "s-1") == [("generic:u-1", "q-1", "杭州")]
    assert await repo.tags.tag_detail(GROUP, "generic:u-1", "红酒") is not None


async def test_a_question_stays_open_until_a_reply_answers_it(repo: Repo) -> None:
    await repo.activity.record_message(MessageFacts(GROUP, "测试群", "generic", "generic:u-1", "老王", "m-1", T0,
                                                    "2026-01-01", 8, None, "有人喝过吗"))
    await repo.questions.record_question(GROUP, "m-1", "generic:u-1", T0, "有人喝过吗")
    await repo.questions.record_question(GROUP, "m-2", "generic:u-2", T0 + 1, None)
    assert [(q, m, name) for q, m, name, _at, _ex in await repo.questions.open_questions(GROUP, T0 + 10, T0 - 10)] \
        == [("m-1", "generic:u-1", "老王"), ("m-2", "generic:u-2", "")]
    await repo.questions.answer_questions(GROUP, "generic:u-1", T0 + 5, "m-1", [])  # one's own reply: no answer
    await repo.questions.answer_questions(GROUP, "generic:u-3", T0 + 5, "m-1", ["generic:u-2"])
    assert await repo.questions.open_questions(GROUP, T0 + 10, T0 - 10) == []


async def test_an_alert_is_claimed_once_and_within_the_hourly_budget(repo: Repo, clock: Clock) -> None:
    assert await repo.questions.claim_alert(GROUP, "unanswered", "m-1", 2)
    assert not await repo.questions.claim_alert(GROUP, "unanswered", "m-1", 2)
    assert await repo.questions.claim_alert(GROUP, "unanswered", "m-2", 2)
    assert not await repo.questions.claim_alert(GROUP, "unanswered", "m-3", 2)  # budget spent
    clock.now += 3601
    assert await repo.questions.claim_alert(GROUP, "unanswered", "m-3", 2)


async def test_a_join_request_is_decided_once(repo: Repo) -> None:
    await repo.joins.upsert_join_request(GROUP, "generic:u-1", "r-1", "老王", T0, "pending", "gate")
    await repo.joins.upsert_join_request(GROUP, "generic:u-2", "r-2", "小李", T0 + 1, "held", "gate")
    assert [(m, s) for _g, m, _r, _n, _at, s, _v in await repo.joins.join_requests(group_id=GROUP)] == [
        ("generic:u-1", "pending"), ("generic:u-2", "held")]
    await repo.joins.decide_join_request(GROUP, "generic:u-1", "approved")
    await repo.joins.decide_join_request(GROUP, "generic:u-1", "declined")  # decided already: stays approved
    assert await repo.joins.join_requests(member_id="generic:u-1", statuses=("approved",)) != []
    assert await repo.joins.join_requests(member_id="generic:u-1") == []

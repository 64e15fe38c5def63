"""What every storage backend keeps for survey reach and rewards: deliveries (which group a private answer
counts for, who is due a reminder, once), native polls, and redemptions that never overdraw.

Through the stores' public calls only, once per backend in ``STORE_URLS`` (see ``backends.py``).
"""

from __future__ import annotations

from storage.repo import AnswerWrite, Repo
from tests.storage.backends import T0, Clock

G1, G2 = "generic:g-1", "generic:g-2"
U1, U2, U3 = "generic:u-1", "generic:u-2", "generic:u-3"


async def test_the_latest_sending_names_the_group_and_reminders_go_once_to_non_responders(
        repo: Repo, clock: Clock) -> None:
    await repo.reach.record_deliveries(G1, "s", [(U1, "private"), (U2, "group"), (U3, "private")])
    assert await repo.reach.delivered_group("s", U1) == G1
    clock.now = T0 + 60
    await repo.reach.record_deliveries(G2, "s", [(U1, "private")])
    assert await repo.reach.delivered_group("s", U1) == G2
    assert await repo.reach.delivered_group("s", "generic:nobody") is None
    await repo.surveys.record_answers(G1, "s", U3, [AnswerWrite("q", "1")])
    due = await repo.reach.unanswered_before(G1, "s", T0 + 3600)
    assert [(d.member_id, d.channel) for d in due] == [(U1, "private"), (U2, "group")]
    assert await repo.reach.unanswered_before(G1, "s", T0 - 1) == []  # not due yet
    await repo.reach.mark_reminded(G1, "s", [U1, U2])
    assert await repo.reach.unanswered_before(G1, "s", T0 + 7200) == []
    await repo.reach.record_deliveries(G1, "s", [(U1, "private")])  # sent again: a new reminder clock
    assert [d.member_id for d in await repo.reach.unanswered_before(G1, "s", T0 + 7200)] == [U1]


async def test_members_who_left_or_opted_out_are_not_reminded(repo: Repo) -> None:
    for u in (U1, U2, U3):
        await repo.activity.record_sighting(G1, "generic", "测试群", u, u[-3:], T0)
    await repo.reach.record_deliveries(G1, "s", [(U1, "group"), (U2, "group"), (U3, "group")])
    await repo.activity.record_membership(G1, "generic", "测试群", U2, "", "leave", T0 + 1, "ev-l", None)
    await repo.privacy.set_opt_out(G1, U3, True)
    assert [d.member_id for d in await repo.reach.unanswered_before(G1, "s", T0 + 10)] == [U1]


async def test_a_poll_is_found_by_its_platform_id(repo: Repo) -> None:
    await repo.reach.record_poll("telegram", "poll-1", '{"survey": "s"}')
    await repo.reach.record_poll("telegram", "poll-1", '{"survey": "other"}')  # first one stays
    assert await repo.reach.poll_ref("telegram", "poll-1") == '{"survey": "s"}'
    assert await repo.reach.poll_ref("tg2", "poll-1") is None


async def test_redemptions_never_overdraw_and_a_redelivered_request_spends_once(repo: Repo) -> None:
    await repo.checkins.credit(G1, U1, "survey:s", 10)
    assert await repo.reach.redeem(G1, U1, "酒杯", 8, "m-1") is True
    assert await repo.reach.redeem(G1, U1, "酒杯", 8, "m-1") is True  # the same message again: done already
    assert await repo.checkins.points_of(G1, U1) == 2
    assert await repo.reach.redeem(G1, U1, "酒杯", 8, "m-2") is False
    assert await repo.checkins.points_of(G1, U1) == 2
    assert await repo.reach.redeem(G2, U1, "酒杯", 1, "m-3") is False  # points belong to their group
    [r] = await repo.reach.redemptions(G1)
    assert (r.member_id, r.reward, r.points) == (U1, "酒杯", 8)
    assert await repo.reach.redemptions(G1, U2) == []

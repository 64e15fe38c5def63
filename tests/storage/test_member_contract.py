"""What every storage backend keeps about members: the latest name wins, a message's tag hits count once,
and forgetting a member removes every row about them (and nothing about anyone else).

Through the Repo's public calls only, once per backend in ``STORE_URLS`` (see ``backends.py``).
"""

from __future__ import annotations

from storage.repo import AnswerWrite, DerivedState, DerivedTag, MessageFacts, Repo, Signal
from tests.storage.backends import T0

GROUP = "generic:g-1"
DAY = "2026-01-01"


def said(member: str, message: str, at: float, name: str = "", text: str = "红酒不错") -> MessageFacts:
    return MessageFacts(GROUP, "测试群", "generic", member, name, message, at, DAY, 8, None, text)


async def name_of(repo: Repo, member: str) -> tuple[str, int]:
    [facts] = await repo.members.member_facts(GROUP, [member], DAY)
    return facts.name, facts.messages


async def test_a_member_keeps_the_name_of_their_latest_message(repo: Repo) -> None:
    await repo.activity.record_message(said("generic:u-1", "m-2", T0 + 20, "老王"))
    await repo.activity.record_message(said("generic:u-1", "m-1", T0 + 10, "小王"))  # older, arriving late
    assert await name_of(repo, "generic:u-1") == ("老王", 2)
    await repo.activity.record_message(said("generic:u-1", "m-3", T0 + 30, "王总"))
    await repo.activity.record_message(said("generic:u-1", "m-4", T0 + 40))  # no name: keeps the last one
    assert await name_of(repo, "generic:u-1") == ("王总", 4)


async def test_a_message_is_counted_once_however_often_it_is_recorded(repo: Repo) -> None:
    for _ in range(3):
        await repo.activity.record_message(said("generic:u-1", "m-1", T0, "老王"))
    assert await name_of(repo, "generic:u-1") == ("老王", 1)


async def test_a_join_names_the_member_unless_a_later_name_is_known(repo: Repo) -> None:
    await repo.activity.record_message(said("generic:u-1", "m-1", T0 + 100, "王总"))
    await repo.activity.record_membership(GROUP, "generic", "测试群", "generic:u-1", "老王", "join", T0, "j-1", None)
    assert await name_of(repo, "generic:u-1") == ("王总", 1)
    await repo.activity.record_membership(GROUP, "generic", "测试群", "generic:u-2", "小李", "join", T0, "j-2", None)
    assert await name_of(repo, "generic:u-2") == ("小李", 0)


async def test_tag_hits_count_once_per_tag_per_message(repo: Repo) -> None:
    hits = [("红酒", "红酒"), ("红酒", "wine"), ("摄影", "相机")]
    for _ in range(2):
        await repo.activity.record_tag_hits(GROUP, "generic:u-1", "m-1", T0, hits)
    assert await repo.reports.tag_hits_between(GROUP, ["红酒"], T0 - 1, T0) == 1
    assert await repo.reports.tag_hits_between(GROUP, ["红酒", "摄影"], T0 - 1, T0) == 2
    await repo.activity.record_tag_hits(GROUP, "generic:u-1", "m-2", T0, [("红酒", "红酒")])
    assert await repo.reports.tag_hits_between(GROUP, ["红酒"], T0 - 1, T0) == 2


async def remember(repo: Repo, member: str, name: str, other: str) -> None:
    """A row about ``member`` in every feature that stores one (``other`` invited them and is mentioned)."""
    await repo.activity.record_membership(GROUP, "generic", "测试群", member, name, "join", T0, f"j-{member}", other)
    await repo.activity.record_message(said(member, f"m-{member}", T0 + 1, name))
    await repo.activity.record_signal(GROUP, Signal(f"m-{member}", member, T0 + 1, True, False, None, (other,)))
    await repo.activity.record_tag_hits(GROUP, member, f"m-{member}", T0 + 1, [("红酒", "红酒")])
    await repo.tags.remove_member_tag(GROUP, member, "摄影", T0 + 2)  # rejects it
    await repo.tags.set_member_tag(GROUP, member, "新人", "lifecycle", "admin", "加入不久", T0 + 2)
    await repo.tags.set_attribute(GROUP, member, "城市", "杭州", "survey", T0 + 2)
    await repo.checkins.record_checkin(GROUP, member, DAY, "2025-12-31", T0 + 3, 1, 7, 5)
    await repo.checkins.credit(GROUP, member, "welcome", 10)
    await repo.surveys.set_consent(GROUP, "s-1", member, True)
    await repo.surveys.record_answers(GROUP, "s-1", member, [AnswerWrite("q-1", "3", "城市", ("红酒",))])
    await repo.questions.record_question(GROUP, f"m-{member}", member, T0 + 1, "有人喝过这个产区的干红吗")
    await repo.joins.upsert_join_request(GROUP, member, f"r-{member}", name, T0, "pending", "generic")


async def recompute(repo: Repo, members: list[str], stage: str, at: float) -> None:
    """Derived activity tags, tiers and lifecycle stages (a second call with a new stage records transitions)."""
    await repo.profiles.save_recompute(GROUP, [DerivedTag(m, "提问者", "activity", 1.0, "{}") for m in members],
                                       [DerivedState(m, "core", 0.9, "{}", stage) for m in members], at, f"stamp-{at}")


async def test_forgetting_a_member_removes_every_row_about_them_and_nothing_else(repo: Repo) -> None:
    await remember(repo, "generic:u-1", "老王", "generic:u-2")
    await remember(repo, "generic:u-2", "小李", "generic:u-3")
    await recompute(repo, ["generic:u-1", "generic:u-2"], "new", T0 + 10)
    await recompute(repo, ["generic:u-1", "generic:u-2"], "active", T0 + 20)
    others = await repo.privacy.member_raw_data(GROUP, "generic:u-2")
    assert len(await repo.privacy.member_raw_data(GROUP, "generic:u-1")) >= 18  # a row in every per-member table
    removed = await repo.privacy.forget_member(GROUP, "generic:u-1", "admin:generic:u-9")
    assert sum(removed.values()) >= 10
    assert not await repo.privacy.member_stored(GROUP, "generic:u-1")
    assert await repo.privacy.member_raw_data(GROUP, "generic:u-1") == {}
    assert await repo.members.member_facts(GROUP, ["generic:u-1"], DAY) == []
    assert await repo.reports.tag_hits_between(GROUP, ["红酒"], T0 - 1, T0 + 1) == 1  # u-2's hit stays
    assert [row["member_id"] for row in others.pop("invited")] == ["generic:u-1"]  # whom u-2 invited: gone too
    assert await repo.privacy.member_raw_data(GROUP, "generic:u-2") == others

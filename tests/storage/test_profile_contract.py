"""What every storage backend keeps for profiles: members and groups, tags and attributes, what the recompute
derives, saved segments, the reports' aggregates, and the console's logins.

Through the stores' public calls only, once per backend in ``STORE_URLS`` (see ``backends.py``).
"""

from __future__ import annotations

from storage.repo import DerivedState, DerivedTag, MessageFacts, Repo
from storage.repo.stores.console import SqlConsoleStore
from tests.storage.backends import T0

GROUP = "generic:g-1"
DAY = "2026-01-01"


def said(member: str, message: str, at: float, name: str, reply_to: str | None = None) -> MessageFacts:
    return MessageFacts(GROUP, "测试群", "generic", member, name, message, at, DAY, 8, reply_to, "红酒不错")


async def test_members_are_found_by_id_first_then_by_their_exact_name(repo: Repo) -> None:
    await repo.activity.record_message(said("generic:u-1", "m-1", T0, "老王"))
    await repo.activity.record_message(said("generic:u-2", "m-2", T0 + 1, "generic:u-1"))  # a name that is an id
    assert await repo.members.find_members(GROUP, "@u-1") == [("generic:u-1", "老王")]
    assert await repo.members.find_members(GROUP, "老王") == [("generic:u-1", "老王")]
    assert await repo.members.find_members(GROUP, "老%") == []  # no pattern matching
    assert await repo.members.member_ids(GROUP) == ["generic:u-1", "generic:u-2"]
    assert await repo.members.group_exists(GROUP) and not await repo.members.group_exists("generic:g-2")
    assert [(g, n) for g, n, _count in await repo.members.groups()] == [(GROUP, "测试群")]


async def test_a_moved_group_keeps_its_members_under_the_new_id(repo: Repo) -> None:
    await repo.activity.record_message(said("generic:u-1", "m-1", T0, "老王"))
    await repo.members.move_group(GROUP, "generic:g-9", "generic", T0 + 1)
    assert await repo.members.resolve_group(GROUP) == "generic:g-9"
    assert await repo.members.member_ids("generic:g-9") == ["generic:u-1"]
    assert await repo.members.member_ids(GROUP) == []


async def test_a_rejected_tag_stays_off_until_an_admin_sets_it(repo: Repo) -> None:
    await repo.tags.set_member_tag(GROUP, "generic:u-1", "红酒", "interest", "admin", "说过三次", T0, 2.0)
    detail = await repo.tags.tag_detail(GROUP, "generic:u-1", "红酒")
    assert detail is not None and (detail.source, detail.score, detail.evidence) == ("admin", 2.0, "说过三次")
    await repo.tags.remove_member_tag(GROUP, "generic:u-1", "红酒", T0 + 1)
    assert await repo.tags.tag_detail(GROUP, "generic:u-1", "红酒") is None
    await repo.tags.tag_member(GROUP, "generic:u-1", "渠道:门槛", "channel", "activity")
    await repo.tags.tag_member(GROUP, "generic:u-1", "渠道:门槛", "channel", "survey")  # the first source stays
    channel = await repo.tags.tag_detail(GROUP, "generic:u-1", "渠道:门槛")
    assert channel is not None and channel.source == "activity"


async def test_a_recompute_records_stage_moves_and_its_fingerprint(repo: Repo) -> None:
    await repo.activity.record_message(said("generic:u-1", "m-1", T0, "老王"))
    current, stored = await repo.profiles.recompute_fingerprint(GROUP)
    assert stored is None
    tag = [DerivedTag("generic:u-1", "提问者", "activity", 1.0, "{}")]
    assert await repo.profiles.save_recompute(GROUP, tag, [DerivedState("generic:u-1", "core", 0.9, "{}", "new")],
                                              T0, current) == []
    moved = await repo.profiles.save_recompute(GROUP, tag, [DerivedState("generic:u-1", "core", 0.9, "{}",
                                                                         "active")], T0 + 10, current)
    assert [(t.member_id, t.from_stage, t.to_stage) for t in moved] == [("generic:u-1", "new", "active")]
    assert await repo.profiles.lifecycle_transitions(GROUP, T0) == moved
    assert await repo.profiles.recompute_fingerprint(GROUP) == (current, current)
    assert (await repo.profiles.member_states(GROUP))["generic:u-1"][:2] == ("core", 0.9)


async def test_a_saved_segment_is_kept_by_name(repo: Repo) -> None:
    await repo.profiles.save_segment(GROUP, "红酒迷", "tag=红酒", "generic:u-9", T0)
    await repo.profiles.save_segment(GROUP, "红酒迷", "tag=红酒 & tier=core", "generic:u-9", T0 + 1)
    assert await repo.profiles.saved_segments(GROUP) == {"红酒迷": "tag=红酒 & tier=core"}
    assert await repo.profiles.saved_segments("generic:g-2") == {}


async def test_report_aggregates_count_messages_members_helpers_and_tags(repo: Repo) -> None:
    await repo.activity.record_message(said("generic:u-1", "m-1", T0, "老王"))
    await repo.activity.record_message(said("generic:u-2", "m-2", T0 + 1, "小李", reply_to="m-1"))
    await repo.activity.record_message(said("generic:u-2", "m-3", T0 + 2, "小李"))
    await repo.activity.record_tag_hits(GROUP, "generic:u-1", "m-1", T0, [("红酒", "红酒")])
    await repo.activity.record_membership(GROUP, "generic", "测试群", "generic:u-3", "新人", "join", T0, "j-1", None)
    window = await repo.reports.window(GROUP, T0, T0 + 60)
    assert (window.messages, window.active_members, window.joined, window.left) == (3, 2, [("generic:u-3", "新人")],
                                                                                     0)
    assert await repo.reports.top_contributors(GROUP, T0, T0 + 60) == [("generic:u-2", "小李", 2),
                                                                        ("generic:u-1", "老王", 1)]
    assert await repo.reports.top_helpers(GROUP, T0, T0 + 60) == [("generic:u-2", "小李", 1)]
    assert await repo.reports.top_tags(GROUP, T0, T0 + 60) == [("红酒", 1, 1)]
    assert await repo.reports.tag_hits_between(GROUP, ["红酒"], T0 - 1, T0 + 60) == 1  # (start, end]


async def test_a_console_login_link_is_spent_once(repo: Repo) -> None:
    store = SqlConsoleStore(repo.db)
    await store.add_login_token("t-hash", "generic:u-1", T0, T0 + 600)
    assert await store.redeem_login("t-hash", "s-hash", T0 + 1, T0 + 3600) == ("ok", "generic:u-1")
    assert (await store.redeem_login("t-hash", "s-2", T0 + 2, T0 + 3600))[0] == "used"
    assert await store.session("s-hash", T0 + 10) == ("generic:u-1", T0 + 3600)
    assert await store.end_member_sessions("generic:u-1") == 1
    assert await store.session("s-hash", T0 + 10) is None


async def test_members_are_counted_and_listed_by_stored_tier_without_those_who_opted_out(repo: Repo) -> None:
    """What a segment starting with ``tier=…`` reads instead of the whole roster: members per stored tier (none
    stored for a member who joined after the last recompute) and the members of some tiers, oldest first."""
    for i, member in enumerate(["generic:u-1", "generic:u-2", "generic:u-3", "generic:u-4", "generic:u-5"]):
        await repo.activity.record_message(said(member, f"m-{i}", T0 + i, f"会员{i}"))
    current, _stored = await repo.profiles.recompute_fingerprint(GROUP)
    states = [DerivedState("generic:u-1", "core", 0.9, "{}", "active"), DerivedState("generic:u-2", "high", 0.7, "{}",
              "active"), DerivedState("generic:u-3", "core", 0.9, "{}", "active"),
              DerivedState("generic:u-4", "ordinary", 0.1, "{}", "new")]
    await repo.profiles.save_recompute(GROUP, [], states, T0 + 10, current)  # u-5 came later: no tier stored
    await repo.privacy.set_opt_out(GROUP, "generic:u-3", True)
    assert await repo.members.tier_counts(GROUP) == ({"core": 1, "high": 1, "ordinary": 1, None: 1}, 5)
    assert await repo.members.in_tiers(GROUP, {"core", "high"}) == ["generic:u-1", "generic:u-2"]
    assert await repo.members.in_tiers(GROUP, {"core", None}) == ["generic:u-1", "generic:u-5"]

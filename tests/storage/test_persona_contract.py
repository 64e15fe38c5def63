"""What every storage backend keeps of a group's personas: the last run only (id, name, size, centroid), per
group, so the next run can keep names; a group that moves to a new id takes them along.

Through the Repo's public calls only, once per backend in ``STORE_URLS`` (see ``backends.py``).
"""

from __future__ import annotations

from storage.repo import MessageFacts, Repo, StoredPersona
from tests.storage.backends import T0

G, OTHER = "telegram:-100", "telegram:-300"


def said(member: str, message: str, at: float, name: str = "", day: str = "2026-01-01") -> MessageFacts:
    return MessageFacts(G, "测试群", "telegram", member, name, message, at, day, 8, None, "红酒不错")


async def test_a_run_replaces_the_last_and_groups_keep_their_own(repo: Repo) -> None:
    assert await repo.personas.last_personas(G) == []
    first = [StoredPersona(1, "红酒·价格敏感", 12, {"tag:红酒": 0.81, "hour:20-24": 0.6}),
             StoredPersona(2, "亲子·学习", 9, {"tag:亲子": 0.9})]
    await repo.personas.replace_personas(G, first)
    await repo.personas.replace_personas(OTHER, [StoredPersona(1, "健身·活跃为主", 5, {"tag:健身": 1.0})])
    assert await repo.personas.last_personas(G) == first
    second = [StoredPersona(2, "亲子·学习", 10, {"tag:亲子": 0.88}), StoredPersona(3, "数码·售后服务", 6, {})]
    await repo.personas.replace_personas(G, second)
    assert await repo.personas.last_personas(G) == second  # persona 1 is gone with the run that dropped it
    assert [p.name for p in await repo.personas.last_personas(OTHER)] == ["健身·活跃为主"]


async def test_a_moved_group_takes_its_personas_along(repo: Repo) -> None:
    await repo.personas.replace_personas(G, [StoredPersona(1, "红酒·价格敏感", 12, {"tag:红酒": 0.81})])
    await repo.members.move_group(G, "telegram:-200", "telegram", 1_800_000_000.0)
    assert [p.name for p in await repo.personas.last_personas("telegram:-200")] == ["红酒·价格敏感"]
    assert await repo.personas.last_personas(G) == []


async def test_an_insights_run_is_kept_under_its_stamp_and_dropped_by_optout_and_erasure(repo: Repo) -> None:
    assert await repo.personas.last_run(G) is None
    await repo.activity.record_message(said("generic:u-1", "m-1", T0, "老王"))
    await repo.activity.record_message(said("generic:u-2", "m-2", T0 + 5, "小李"))
    before = await repo.personas.run_inputs(G)
    await repo.personas.save_run(G, "s-1", '{"personas": []}', T0)
    await repo.personas.save_run(G, "s-2", '{"personas": [1]}', T0)  # a run replaces the last
    await repo.personas.save_run(OTHER, "s-9", "{}", T0)
    assert await repo.personas.last_run(G) == ("s-2", '{"personas": [1]}')
    await repo.personas.update_run(G, "s-1", "{}")  # a run replaced meanwhile: nothing to update
    await repo.personas.update_run(G, "s-2", '{"personas": [1], "segments": {}}')
    assert await repo.personas.last_run(G) == ("s-2", '{"personas": [1], "segments": {}}')
    assert await repo.personas.run_inputs(G) == before  # reading changes nothing
    await repo.activity.record_message(said("generic:u-1", "m-3", T0 + 10))
    assert await repo.personas.run_inputs(G) != before  # a message moves the inputs
    inputs = await repo.personas.run_inputs(G)
    await repo.privacy.set_opt_out(G, "generic:u-2", True)
    assert await repo.personas.run_inputs(G) != inputs and await repo.personas.last_run(G) is None
    await repo.personas.save_run(G, "s-3", "{}", T0)
    await repo.privacy.forget_member(G, "generic:u-1", "generic:u-9")
    assert await repo.personas.last_run(G) is None
    assert await repo.personas.last_run(OTHER) == ("s-9", "{}")  # other groups keep theirs


async def test_a_moved_group_takes_its_run_along_unless_the_new_id_has_one(repo: Repo) -> None:
    await repo.personas.save_run(G, "s-1", "{}", T0)
    await repo.members.move_group(G, "telegram:-200", "telegram", T0)
    assert await repo.personas.last_run("telegram:-200") == ("s-1", "{}") and await repo.personas.last_run(G) is None
    await repo.personas.save_run(OTHER, "s-2", "{}", T0)
    await repo.members.move_group(OTHER, "telegram:-200", "telegram", T0)
    assert await repo.personas.last_run("telegram:-200") == ("s-1", "{}")


async def test_trend_sums_split_the_last_days_from_the_ones_before(repo: Repo) -> None:
    for i, day in enumerate(("2026-01-15", "2026-01-09", "2026-01-08", "2026-01-07", "2026-01-02", "2026-01-01")):
        await repo.activity.record_message(said("generic:u-1", f"t-{i}", T0 + i, day=day))
    await repo.activity.record_message(said("generic:u-2", "t-9", T0, day="2026-01-05"))
    await repo.activity.record_message(said("generic:u-3", "t-8", T0, day="2025-12-31"))  # before both
    assert await repo.personas.trend_sums(G, "2026-01-08", "2026-01-02") == {
        "generic:u-1": (3, 2), "generic:u-2": (0, 1)}

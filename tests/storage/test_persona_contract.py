"""What every storage backend keeps of a group's personas: the last run only (id, name, size, centroid), per
group, so the next run can keep names; a group that moves to a new id takes them along.

Through the Repo's public calls only, once per backend in ``STORE_URLS`` (see ``backends.py``).
"""

from __future__ import annotations

from storage.repo import Repo, StoredPersona

G, OTHER = "telegram:-100", "telegram:-300"


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

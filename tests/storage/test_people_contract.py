"""What every storage backend keeps of linked accounts: a code works once and only in time, linking merges
persons, unlinking the second-last account dissolves the person, and forgetting removes links and codes.

Through the Repo's public calls only, once per backend in ``STORE_URLS`` (see ``backends.py``).
"""

from __future__ import annotations

from storage.repo import Repo
from tests.storage.backends import Clock


async def test_codes_work_once_and_in_time(repo: Repo, clock: Clock) -> None:
    now = clock()
    await repo.people.issue_code("telegram:1", "h1", now + 600)
    assert await repo.people.redeem("h1", "telegram:1", "person-a") == ("self", None)
    assert await repo.people.redeem("nope", "onebot:2", "person-a") == ("unknown", None)
    assert await repo.people.redeem("h1", "onebot:2", "person-a") == ("linked", "person-a")
    assert await repo.people.redeem("h1", "wecom:3", "person-b") == ("used", None)
    await repo.people.issue_code("wecom:3", "h2", now - 1)
    assert await repo.people.redeem("h2", "feishu:4", "person-c") == ("expired", None)
    await repo.people.issue_code("wecom:3", "h3", now + 600)
    await repo.people.issue_code("wecom:3", "h4", now + 600)  # a new code retires the unused one
    assert await repo.people.redeem("h3", "feishu:4", "person-c") == ("unknown", None)


async def test_links_merge_persons_and_unlinking_dissolves_a_pair(repo: Repo) -> None:
    a = await repo.people.link("telegram:1", "onebot:2", "code", "", "person-a")
    b = await repo.people.link("wecom:3", "feishu:4", "admin", "客服核实", "person-b")
    assert await repo.people.link("onebot:2", "wecom:3", "code", "", "person-c") == a  # b merges into a
    assert await repo.people.accounts(a) == ["feishu:4", "onebot:2", "telegram:1", "wecom:3"]
    assert await repo.people.accounts(b) == []
    assert await repo.people.persons_of(["telegram:1", "dingtalk:9"]) == {"telegram:1": a}
    assert await repo.people.unlink("telegram:1") and await repo.people.person_of("telegram:1") is None
    await repo.people.forget_person(["onebot:2", "wecom:3"])
    assert await repo.people.accounts(a) == ["feishu:4"]  # (the caller forgets every account of the person)
    assert not await repo.people.unlink("dingtalk:9")
    pair = await repo.people.link("dingtalk:9", "dingtalk:10", "code", "", "person-d")
    assert await repo.people.unlink("dingtalk:9") and await repo.people.accounts(pair) == []

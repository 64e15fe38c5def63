"""A profile's evidence on every backend: the newest live hits of each tag, newest first, the earlier
recorded first within one second, none from before a rejection, each with its message's text where the
group keeps text — for one member as for a group of many (PostgreSQL reads many pairs per statement)."""

from __future__ import annotations

from storage.repo import MessageFacts, Repo, ScoreWant
from tests.storage.backends import T0

GROUP = "generic:g-1"
SHOWN = 5


async def said(repo: Repo, member: str, message: str, at: float, tags: list[str]) -> None:
    await repo.activity.record_message(MessageFacts(GROUP, "测试群", "generic", member, member, message, at,
                                                    "2026-01-01", 8, None, f"{message} 的原话"))
    await repo.activity.record_tag_hits(GROUP, member, message, at, [(t, t) for t in tags])


async def evidence(repo: Repo, with_text: bool) -> dict[tuple[str, str], list[tuple[float, str, str, str | None]]]:
    want = ScoreWant(T0 + 1000, 30.0, None, SHOWN, None)
    facts = await repo.members.member_facts(GROUP, None, "", with_text=with_text, scores=want)
    return {(f.member_id, tag): [tuple(r) for r in sc.evidence] for f in facts  # type: ignore[misc]
            for tag, sc in f.scores.items()}


async def test_the_newest_live_hits_of_every_members_tags(repo: Repo) -> None:
    members = [f"generic:u-{i:02d}" for i in range(30)]
    for i, member in enumerate(members):  # 30 members with two tags each: many pairs
        for k in range(3):
            await said(repo, member, f"m-{i:02d}-{k}", T0 + 10 * k + i, ["红酒", "咖啡"] if k else ["红酒"])
    first = members[0]
    # seven more wine hits of the first member, two in one second (recorded in message id order)
    for k, at in enumerate([100.0, 110.0, 120.0, 120.0, 130.0, 140.0, 150.0]):
        await said(repo, first, f"w-{k}", T0 + at, ["红酒"])
    found = await evidence(repo, with_text=False)
    assert found[(first, "红酒")] == [(T0 + 150, "红酒", "w-6", None), (T0 + 140, "红酒", "w-5", None),
                                    (T0 + 130, "红酒", "w-4", None), (T0 + 120, "红酒", "w-2", None),
                                    (T0 + 120, "红酒", "w-3", None)]
    assert found[(members[7], "咖啡")] == [(T0 + 27, "咖啡", "m-07-2", None), (T0 + 17, "咖啡", "m-07-1", None)]
    assert len(found) == 60 and all(0 < len(rows) <= SHOWN for rows in found.values())

    await repo.tags.remove_member_tag(GROUP, first, "红酒", T0 + 125)  # rejected: older hits are not evidence
    await said(repo, first, "w-7", T0 + 160, ["红酒"])
    texts = await evidence(repo, with_text=True)
    assert texts[(first, "红酒")] == [(T0 + 160, "红酒", "w-7", "w-7 的原话"), (T0 + 150, "红酒", "w-6", "w-6 的原话"),
                                    (T0 + 140, "红酒", "w-5", "w-5 的原话"), (T0 + 130, "红酒", "w-4", "w-4 的原话")]

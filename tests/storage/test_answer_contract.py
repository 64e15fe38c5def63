"""What every storage backend keeps for 答疑: FAQs and their hits, exchanges to save, routing candidates and
opt-outs, answer measures. Through the stores' public calls only, once per backend in ``STORE_URLS``."""

from __future__ import annotations

from storage.repo import MessageFacts, Repo
from tests.storage.backends import T0

GROUP = "generic:g-1"
HELPER = "答疑者"


async def said(repo: Repo, member: str, mid: str, at: float, text: str | None, reply_to: str | None = None) -> None:
    await repo.activity.record_message(MessageFacts(GROUP, "测试群", "generic", member, member[-3:], mid, at,
                                                    "2026-01-01", 12, reply_to, text))


async def test_faqs_are_listed_in_order_removed_with_their_hits_and_hits_answer_the_question(repo: Repo) -> None:
    await repo.answers.add_faq(GROUP, "发票怎么开？", "订单页申请。", "generic:u-9", T0)
    await repo.answers.add_faq(GROUP, "运费怎么算？", "满 99 包邮。", "generic:u-9", T0 + 1)
    first, second = await repo.answers.faqs(GROUP)
    assert (first.question, second.answer) == ("发票怎么开？", "满 99 包邮。")
    assert await repo.answers.faqs("generic:g-2") == []
    await repo.questions.record_question(GROUP, "q-1", "generic:u-1", T0 + 10, None)
    await repo.answers.record_faq_hit(GROUP, first.id, "generic:u-1", "q-1", T0 + 10)
    assert await repo.answers.last_faq_hit(GROUP, first.id) == T0 + 10
    assert await repo.answers.last_faq_hit(GROUP, second.id) is None
    assert await repo.questions.open_questions(GROUP, T0 + 100, T0) == []  # the FAQ answered it
    m = await repo.answers.measures(GROUP, T0, T0 + 100)
    assert (m.asked, m.answered, m.median_first_answer_s, m.faq_hits) == (1, 1, 0.0, 1)
    await repo.answers.remove_faq(GROUP, first.id)
    assert [f.question for f in await repo.answers.faqs(GROUP)] == ["运费怎么算？"]
    assert await repo.answers.last_faq_hit(GROUP, first.id) is None


async def test_exchanges_to_save_come_from_stored_text_only(repo: Repo) -> None:
    await said(repo, "generic:u-1", "q-1", T0, "停车场在哪？")
    await said(repo, "generic:u-9", "a-1", T0 + 60, "地下二层", reply_to="q-1")
    await said(repo, "generic:u-2", "x-1", T0 + 70, None)  # text not kept
    await repo.questions.record_question(GROUP, "q-1", "generic:u-1", T0, None)
    assert await repo.answers.exchange(GROUP, "a-1") == ("地下二层", "停车场在哪？")
    assert await repo.answers.exchange(GROUP, "q-1") == ("停车场在哪？", None)
    assert await repo.answers.exchange(GROUP, "x-1") == (None, None)
    assert await repo.answers.exchange(GROUP, "nope") == (None, None)
    assert await repo.answers.latest_answer_by(GROUP, "generic:u-9") == ("停车场在哪？", "地下二层")
    assert await repo.answers.latest_answer_by(GROUP, "generic:u-2") == (None, None)


async def test_route_candidates_rank_helpers_by_the_questions_topic_and_leave_out_opted_out(repo: Repo) -> None:
    for who in ("u-1", "u-3", "u-4", "u-5"):
        await said(repo, f"generic:{who}", f"hello-{who}", T0, None)
    for who, score in (("u-3", 2.0), ("u-4", 5.0), ("u-5", 1.0)):
        await repo.tags.set_member_tag(GROUP, f"generic:{who}", HELPER, "activity", "activity", "{}", T0, score)
    await repo.activity.record_tag_hits(GROUP, "generic:u-5", "w-1", T0, [("红酒", "红酒")])
    await repo.activity.record_tag_hits(GROUP, "generic:u-1", "q-1", T0 + 10, [("红酒", "红酒")])
    ranked = await repo.answers.route_candidates(GROUP, "q-1", "generic:u-1", HELPER, T0 - 1, 2)
    assert [m for m, _n in ranked] == ["generic:u-5", "generic:u-4"]  # the wine talker first, then the strongest
    await repo.answers.set_routing(GROUP, "generic:u-5", False, T0)
    await repo.answers.set_routing(GROUP, "generic:u-5", False, T0)  # twice is fine
    ranked = await repo.answers.route_candidates(GROUP, "q-1", "generic:u-1", HELPER, T0 - 1, 3)
    assert [m for m, _n in ranked] == ["generic:u-4", "generic:u-3"]
    await repo.answers.set_routing(GROUP, "generic:u-5", True, T0)
    assert len(await repo.answers.route_candidates(GROUP, "q-1", "generic:u-4", HELPER, T0 - 1, 5)) == 2

"""The FAQ matcher's paraphrase corpus: taught questions, members' paraphrases that must find them
(Simplified, Traditional, full-width, filler words, reordered), and near-misses that must find nothing.

Shared by tests/domain/test_faq_match.py (which holds precision and recall to a floor) and bench/faq.py
(which prints them)."""

from __future__ import annotations

FAQS: dict[str, str] = {
    "invoice": "发票怎么开？",
    "shipping_fee": "运费怎么算？",
    "ship_time": "什么时候发货？",
    "return": "怎么退货？",
    "membership": "会员怎么开通？",
    "ads": "群里可以发广告吗？",
    "event_start": "这周的品酒活动几点开始？",
    "signup": "活动在哪里报名？",
    "storage": "红酒开瓶以后怎么保存？",
    "coupon": "优惠券怎么用？",
    "hotline": "客服电话是多少？",
    "password": "登录密码忘了怎么办？",
}

# (member's question, the FAQ it must find)
PARAPHRASES: list[tuple[str, str]] = [
    ("请问发票怎么开？", "invoice"),
    ("發票怎麼開？", "invoice"),
    ("发票怎么开？？", "invoice"),
    ("想问一下发票要怎么开呀", "invoice"),
    ("怎么开发票？", "invoice"),
    ("发票如何开", "invoice"),
    ("运费怎么算的？", "shipping_fee"),
    ("運費怎麼算？", "shipping_fee"),
    ("请问运费是怎么计算的", "shipping_fee"),
    ("大家好，运费怎么算啊", "shipping_fee"),
    ("什么时候发货呀？", "ship_time"),
    ("什麼時候發貨？", "ship_time"),
    ("下单以后什么时候发货", "ship_time"),
    ("请问啥时候发货", "ship_time"),
    ("怎么退货呢？", "return"),
    ("怎麼退貨？", "return"),
    ("如何退货？", "return"),
    ("请问一下怎样退货", "return"),
    ("会员怎么开通啊", "membership"),
    ("會員怎麼開通？", "membership"),
    ("怎么开通会员？", "membership"),
    ("会员如何开通", "membership"),
    ("群里能发广告吗？", "ads"),
    ("群裡可以發廣告嗎？", "ads"),
    ("请问群里可不可以发广告", "ads"),
    ("可以在群里发广告吗", "ads"),
    ("这周品酒活动几点开始？", "event_start"),
    ("這週的品酒活動幾點開始？", "event_start"),
    ("这周的品酒活动什么时候开始呀", "event_start"),
    ("活动在哪里报名？", "signup"),
    ("活動在哪裡報名？", "signup"),
    ("请问活动在哪儿报名", "signup"),
    ("在哪里报名活动？", "signup"),
    ("红酒开瓶以后怎么保存", "storage"),
    ("紅酒開瓶以後怎麼保存？", "storage"),
    ("红酒开瓶后如何保存？", "storage"),
    ("优惠券怎么用？", "coupon"),
    ("優惠券怎麼用？", "coupon"),
    ("优惠券怎么使用啊", "coupon"),
    ("请问优惠券如何使用", "coupon"),
    ("客服电话是多少？", "hotline"),
    ("客服電話是多少？", "hotline"),
    ("请问客服电话多少", "hotline"),
    ("登录密码忘了怎么办", "password"),
    ("登錄密碼忘了怎麼辦？", "password"),
    ("登录密码忘记了怎么办？", "password"),
    # full-width letters, digits, spaces and punctuation
    ("请问　发票怎么开？！", "invoice"),
    ("ＶＩＰ会员怎么开通？", "membership"),
    ("優惠券　怎麼用？？", "coupon"),
]

# Questions that share words with a FAQ but ask something else: they must find nothing.
NEAR_MISSES: list[str] = [
    "发票抬头写错了能改吗？",
    "会员怎么取消？",
    "会员有什么权益？",
    "运费险怎么买？",
    "今天发货的单号在哪看？",
    "退货地址是哪里？",
    "群里有人去过法国吗？",
    "上周的品酒活动有照片吗？",
    "报名费多少钱？",
    "红酒配什么菜好？",
    "白葡萄酒要冰镇吗？",
    "优惠券什么时候过期？",
    "客服几点下班？",
    "密码怎么设置得安全一点？",
    "你们店在哪里？",
    "怎么加入这个群？",
    "有没有推荐的红酒？",
    "今天天气怎么样？",
]


def evaluate(threshold: float) -> tuple[float, float, list[str]]:
    """(precision, recall, what went wrong) of the matcher over the corpus at ``threshold``: a match to the
    wrong FAQ or to a near-miss is a false positive, a paraphrase that finds nothing (or the wrong FAQ) a miss."""
    from bot.domain.faq_match import best_match

    keys, questions = list(FAQS), list(FAQS.values())
    right = wrong = 0
    notes: list[str] = []
    for text, want in PARAPHRASES:
        m = best_match(text, questions, threshold)
        if m is not None and keys[m.index] == want:
            right += 1
            continue
        if m is not None:
            wrong += 1
        notes.append(f"missed: {text} → {want}" + (f" (found {keys[m.index]})" if m is not None else ""))
    for text in NEAR_MISSES:
        m = best_match(text, questions, threshold)
        if m is not None:
            wrong += 1
            notes.append(f"false match: {text} → {keys[m.index]}")
    return right / max(1, right + wrong), right / len(PARAPHRASES), notes

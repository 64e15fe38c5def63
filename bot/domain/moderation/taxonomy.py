"""The shipped contact/ad taxonomy: phrases that solicit contact off the group or advertise.

Matched on normalized text (NFKC, Traditional → Simplified, case-folded), so ``加V``, ``加ｖｘ``, ``＋薇`` and
``加微信`` written in Traditional characters all meet one entry. Operators add words with ``ad_words`` and
spare phrases with ``ad_exceptions``; the exceptions here keep everyday phrases from counting.
"""

from __future__ import annotations

CONTACT = "contact"
AD = "ad"

# Soliciting contact off the group (引流): WeChat, QQ, "DM me" and their homophones and abbreviations.
CONTACT_PHRASES = (
    "加v", "加vx", "加wx", "加微", "加薇", "加徽", "+v", "+vx", "+wx", "+微", "+薇", "+威",
    "加我微信", "加微信", "加个微信", "加我v", "微信号", "vx号", "v信", "薇信", "威信", "徽信",
    "加q", "加qq", "+q", "+qq", "加扣", "扣扣号", "qq号", "企鹅号", "私聊我", "私信我", "滴滴我", "加我好友",
    "看我头像", "看头像", "主页联系", "联系方式见",
)
# Advertising: selling, recruiting, giveaways that want a scan or a click.
AD_PHRASES = (
    "代购", "接单", "刷单", "兼职日结", "日结工资", "招代理", "诚招代理", "招募代理", "扫码领", "扫码进群",
    "扫码加", "免费领取", "返利", "优惠券领取", "内部优惠券", "躺赚", "稳赚", "带你赚钱", "日入过千", "月入过万",
    "代开发票", "办证", "贷款秒批", "网赚",
)
# Everyday phrases that contain an entry above and are not contact or ads.
EXCEPTIONS = (
    ("contact", "加vip"), ("contact", "+vip"), ("contact", "加微辣"), ("contact", "加微波"),
    ("ad", "不接单"), ("ad", "拒绝刷单"), ("ad", "防刷单"), ("ad", "别刷单"),
)
# What marks a following id as a QQ number or a WeChat id (``QQ 12345678``, ``微信 abc_123``).
QQ_MARKERS = ("qq", "扣扣", "企鹅", "q号", "q:")
WECHAT_MARKERS = ("微信", "vx", "wx", "v信", "薇信", "威信", "weixin", "wechat", "v:")
# Top-level domains a bare host (``example.top``) is recognised by; with http(s):// or www. any host counts.
TLDS = frozenset((
    "com", "cn", "net", "org", "top", "xyz", "vip", "cc", "me", "io", "co", "app", "shop", "site", "link",
    "ink", "club", "online", "info", "biz", "tv", "ly", "gg", "tk", "ml", "ga", "cf", "work", "live", "fun",
))

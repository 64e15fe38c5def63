"""Every message template rendered with realistic data, one sample per message (and per kind of a template
that holds several). The names, ids and URLs below are what the scan allows in zh-CN: everything else in a
zh-CN rendering must be Chinese (or digits and punctuation)."""

from __future__ import annotations

from types import SimpleNamespace as NS
from typing import Any

from bot.core.usage import HelpEntry, Line

NOW = 1_795_896_232.0
ALLOWED = {"Kevin李", "generic:u-2", "generic:g-1", "u-2", "onboarding", "https://bot.example.com/console/login?t=abc",
           "https://bot.example.com/mydata/Xy3k9",
           "Asia/Shanghai",
           "quntag", "console-link", "@小林"}

SURVEY = NS(id="onboarding", title="新人问卷", reward_points=5, questions=[
    NS(text="你喜欢哪种酒？", kind="single", options=["红葡萄酒", "白葡萄酒"], sensitive=False, min=1, max=5),
    NS(text="年龄段", kind="single", options=["18-25", "26-35"], sensitive=True, min=1, max=5),
    NS(text="打个分吧", kind="scale", options=[], sensitive=False, min=1, max=5),
    NS(text="还想说什么", kind="text", options=[], sensitive=False, min=1, max=5)])
PROFILE = NS(name="Kevin李", member="generic:u-2", opted_out=False, stats=NS(messages=51, active_days=9), commerce=None)
BUYER = NS(name="Kevin李", member="generic:u-2", opted_out=False, stats=NS(messages=51, active_days=9),
           commerce=NS(orders=3, spend=597.0, avg_order_value=199.0, last_purchase=1764300000.0, channel="小程序",
                       categories=("红酒", "酒具")))
WEIGHTS = NS(recency=0.3, frequency=0.4, contribution=0.3)
TIER_CFG = NS(core=0.8, high=0.6, growth=0.3)
BREAKDOWN = {"tier": "growth", "score": 0.41, "weights": {"recency": 0.3, "frequency": 0.4, "contribution": 0.3},
             "components": {"recency": 0.9, "frequency": 0.3, "contribution": 0.1},
             "inputs": {"days_since_last_message": 1, "active_days_30": 9, "answers": 2, "invited_stayed": 0,
                        "checkins": 3, "survey_answers": 4}}
RFM_BREAKDOWN = {"tier": "high", "score": 0.41, "model": "rfm",
                 "weights": {"recency": 0.3, "frequency": 0.4, "contribution": 0.3},
                 "components": {"recency": 0.9, "frequency": 0.3, "money": 1.0},
                 "inputs": {"days_since_last_message": 1, "active_days_30": 9, "answers": 2, "invited_stayed": 0,
                            "checkins": 3, "survey_answers": 4, "spend": 5000.0, "orders": 4, "recent_orders": 1,
                            "top_spender": True, "days_since_purchase": 12.5}}
CARD = {"id": 2, "name": "红酒·价格敏感", "size": 12, "share": 0.3,
        "distinguishing": [{"tag": "红酒", "share": 0.83, "lift": 2.4, "category": "interest"},
                           {"tag": "价格敏感", "share": 0.5, "lift": 1.8, "category": "motive"}],
        "hours": [21, 8], "best_slot": "21:00",
        "lifecycle": [{"value": "active", "share": 0.6}, {"value": "", "share": 0.4}],
        "tiers": [{"value": "high", "share": 0.5}, {"value": "growth", "share": 0.5}],
        "needs": [{"tag": "价格敏感", "share": 0.5}, {"tag": "学习", "share": 0.4}], "channel": "小红书",
        "topics": ["红酒", "价格敏感"], "topic": "红酒", "slipping": False,
        "trend": {"messages_7d": 80, "messages_prev_7d": 91, "change": -0.12},
        "evidence": [{"day": "2026-11-28", "tag": "红酒", "keyword": "红酒", "text": "这瓶红酒不错，某人也说好"},
                     {"day": "2026-11-27", "tag": "价格敏感", "keyword": "便宜"}]}
QUIET_CARD = {**CARD, "name": "沉睡为主", "slipping": True, "distinguishing": [], "needs": [], "channel": None,
              "topics": [], "topic": None, "evidence": []}
KEYWORD_TAG = NS(source="keyword", score=2.31, hits=4, evidence=[
    NS(at=NOW - 3600, keyword="红酒", message="e-1795896232-u-1", text="周末喝了一瓶红酒"),
    NS(at=NOW - 7200, keyword="葡萄酒", message="e-2", text=None)])
SUGGESTIONS = [{"kind": k, "args": a} for k, a in [
    ("peak", {"tag": "红酒", "day": "周五", "hour": "21:00"}), ("declining_core", {"names": ["赵敏"]}),
    ("unanswered", {"n": 2}), ("lurkers", {"n": 3}), ("newcomers", {}), ("checkins", {"rate": "12%"}),
    ("best_time", {"time": "09:00"}), ("activity", {}), ("share", {})]]
DIGEST = dict(group="红酒爱好者·杭州", first="2026-11-23", last="2026-11-29", messages=320, messages_delta="+12%",
              active=25, active_delta="-3%", joined=4, joined_prev=2, left=1, left_prev=0, mentions_only=True,
              contributors=[{"name": "Kevin李", "messages": 40}, {"name": "赵敏", "messages": 31}],
              helpers=[{"name": "赵敏", "replies": 6}], tags=[{"name": "红酒", "hits": 30}],
              trending=[{"name": "摄影", "delta": 5}], checkers=9, checkin_rate="36%",
              surveys=[{"title": "新人问卷", "responders": 5, "members": 25, "non_responders": 20}],
              declining_core=["赵敏"], moves=[{"from": "活跃", "to": "沉睡", "count": 2}], lurkers=7,
              lurker_names=["小林", "阿强"], unanswered_count=2,
              unanswered=[{"name": "Kevin李", "excerpt": "周五有人一起去吗？"}, {"name": "赵敏", "excerpt": None}],
              best_time="09:00", matrix=[{"rank": 1, "group": "红酒爱好者·杭州", "growth": 3, "messages": 320,
                                          "messages_delta": "+12%", "active": 25}],
              suggestions=SUGGESTIONS, public=False,
              answers={"asked": 12, "answered": 9, "answered_share": 0.75, "median_first_answer_minutes": 8.5,
                       "faq_hits": 3},
              moderation=[{"rule": "发布广告", "action": "警告", "observed": True, "count": 3},
                          {"rule": "管理员处理", "action": "解除禁言", "observed": False, "count": 1}],
              personas=[{"name": "红酒·价格敏感", "size": 12, "share": 0.3, "slot": "21:00",
                         "tags": ["红酒", "价格敏感"]},
                        {"name": "沉睡为主", "size": 8, "share": 0.2, "slot": None, "tags": []}])
HELP = [HelpEntry("news", ("资讯", "新闻"), "早报资讯：下一期早报带上的消息",
                  (Line("/资讯 添加 内容", "加一条资讯"), Line("/资讯 列表", "待发的资讯", True)))]


def _ops() -> list[tuple[str, dict[str, Any]]]:
    return [(k, d) for k, d in [
        ("checkin", dict(name="Kevin李", rank=1, streak=3, earned=1, points=12)),
        ("checkin_again", dict(name="Kevin李", streak=3, points=12)),
        ("rank", dict(today=9, streaks=[{"name": "赵敏", "streak": 9}], points=[{"name": "赵敏", "points": 40}],
                      mine=12, rewards=True)),
        ("survey_list", dict(surveys=[SURVEY])), ("survey_list", dict(surveys=[])),
        ("survey_unknown", dict(id="onboarding", surveys=[SURVEY])),
        ("consent_yes", dict(survey=SURVEY)), ("consent_no", dict(survey=SURVEY)),
        ("answer_syntax", dict(survey=SURVEY)),
        ("answered", dict(survey=SURVEY, saved=2, name="Kevin李", errors=[
            {"n": 1, "reason": "option:2"}, {"n": 3, "reason": "scale:1-5"}, {"n": 9, "reason": "range:4"},
            {"n": 2, "reason": "single"}, {"n": 4, "reason": "empty"}],
            need_consent=[2], refused=[2], missing=[4], reward=0)),
        ("answered", dict(survey=SURVEY, saved=4, name="Kevin李", errors=[], need_consent=[], refused=[],
                          missing=[], reward=5)),
        ("schedule_show", dict(job="morning_report", spec="08:00", source="auto", tz="Asia/Shanghai")),
        ("schedule_show", dict(job="weekly_digest", spec="mon 09:00", source="config", tz="Asia/Shanghai")),
        ("schedule_show", dict(job="weekly_digest", spec="off", source="off", tz="Asia/Shanghai")),
        ("schedule_bad", dict(job="morning_report", typed="7点钟")),
        ("schedule_bad", dict(job="weekly_digest", typed="礼拜八")),
        ("schedule_set", dict(job="morning_report", spec="07:00", tz="Asia/Shanghai", command="早报")),
        ("schedule_set", dict(job="morning_report", spec="off", tz="Asia/Shanghai", command="早报")),
        ("schedule_set", dict(job="weekly_digest", spec="off", tz="Asia/Shanghai", command="周报")),
        ("schedule_set", dict(job="weekly_digest", spec="auto", tz="Asia/Shanghai", command="周报")),
        ("news_added", dict(count=2, text="周五晚上品鉴会，名额20人", day=None)),
        ("news_added", dict(count=2, text="周五晚上品鉴会，名额20人", day="2026-12-04")),
        ("news_removed", dict(text="周五晚上品鉴会")),
        ("news_list", dict(items=["周五晚上品鉴会，名额20人"])), ("news_list", dict(items=[])),
        ("activity_list", dict(items=[{"day": "周三", "time": "20:00", "title": "红酒品鉴会"}])),
        ("activity_list", dict(items=[])),
        ("activity_added", dict(day="周三", time="20:00", title="红酒品鉴会", dayname="wed")),
        ("activity_removed", dict(title="红酒品鉴会")),
        ("activity_reminder", dict(title="红酒品鉴会", time="20:00")),
        ("gate_question", dict(group="红酒爱好者·杭州", question="")),
        ("gate_ok", {}), ("gate_retry", dict(question="入群暗号？")), ("gate_declined", {}),
        ("gate_none", dict(member="u-2")), ("gate_done", dict(member="u-2", approve=True)),
        ("gate_done", dict(member="u-2", approve=False)),
        ("gate_list", dict(items=[{"name": "Kevin李", "member": "u-2", "status": "pending"},
                                  {"name": "", "member": "u-2", "status": "held"}])),
        ("gate_list", dict(items=[]))]]


def samples() -> list[tuple[str, dict[str, Any]]]:
    """(template, data) for every message."""
    out: list[tuple[str, dict[str, Any]]] = [("ops", {"kind": k, **d}) for k, d in _ops()]
    out += [("privacy", {"action": a, "rows": 12, "kept_optout": True})
            for a in ("optout", "optin", "forget_ask", "forgotten", "no_private", "sent_private", "forget_all_ask",
                      "forgotten_all")]
    out += [("people", {"kind": k, "code": "48302917", "minutes": 10})
            for k in ("code", "sent_private", "no_private", "linked", "expired", "used", "self", "unlinked",
                      "not_linked", "unknown")]
    out += [("console_link", {"kind": k, "url": "https://bot.example.com/console/login?t=abc",
                              "member": "generic:u-2"})
            for k in ("link", "sent", "no_private", "not_admin", "off")]
    out += [("alert", {"kind": k, "group": "红酒爱好者·杭州", "name": "Kevin李", "minutes": 30,
                       "excerpt": "有人知道吗？",
                       "count": 3, "tags": "投诉", "member": "u-2", "answer": "朋友介绍"})
            for k in ("unanswered", "complaints", "core_declining", "gate_hold")]
    out += [
        ("admin_private", {"sent": True}), ("admin_private", {"sent": False}),
        ("attr_done", {"who": {"name": "Kevin李", "ref": "u-2"}, "keys": ["城市", "预算"]}),
        ("attrs", {"name": "Kevin李", "tz": "Asia/Shanghai", "attributes": {
            "城市": NS(value="杭州", source="manual", at=NOW),
            "酒龄": NS(value="三年", source="survey:onboarding", at=NOW)}}),
        ("attrs", {"name": "Kevin李", "tz": "Asia/Shanghai", "attributes": {}}),
        ("help", {"commands": HELP, "admin_commands": HELP}),
        ("ids", {"group": "generic:g-1", "member": "generic:u-2"}),
        ("insights", {"best_hours": [9, 21], "segment_hours": [("红酒控", [21])], "min_support": 3,
                      "associations": [{"if": "红酒", "then": "摄影", "support": 4, "confidence": 0.8, "lift": 1.6}],
                      "moves": [(("活跃", "沉睡"), 2)], "answers": [
                          {"week": "2026-W48", "start": "2026-11-23", "asked": 12, "answered": 9,
                           "answered_share": 0.75, "median_first_answer_minutes": 8.5, "faq_hits": 3},
                          {"week": "2026-W47", "start": "2026-11-16", "asked": 4, "answered": 0,
                           "answered_share": 0.0, "median_first_answer_minutes": None, "faq_hits": 0},
                          {"week": "2026-W46", "start": "2026-11-09", "asked": 0, "answered": 0,
                           "answered_share": None, "median_first_answer_minutes": None, "faq_hits": 0}]}),
        ("insights", {"best_hours": [], "segment_hours": [], "min_support": 3, "associations": [], "moves": [],
                      "answers": []}),
        ("member_pick", {"token": "小林", "candidates": [], "more": False}),
        ("member_pick", {"token": "小林", "candidates": [{"name": "小林", "ref": "u-2"}], "more": True}),
        ("morning_report", {"date": "2026-11-29", "weekday": "周六", "messages": 120, "active": 18, "joined": 3,
                            "left": 1,
                            "welcome": ["@小林"], "more_joined": True, "tags": [{"name": "红酒", "hits": 12}],
                            "activities": [{"time": "20:00", "title": "红酒品鉴会"}],
                            "news": ["周五晚上品鉴会，名额20人"], "checkins": 9,
                            "streaks": [{"name": "赵敏", "streak": 9}], "replied": None, "answered": None,
                            "milestones": [], "topic": ""}),
        ("morning_report", {"date": "2026-11-29", "weekday": "周六", "messages": 120, "active": 18, "joined": 0,
                            "left": 0, "welcome": [], "more_joined": False, "tags": [],
                            "replied": {"name": "李四", "replies": 3, "quote": "今天的日落太美了"},
                            "answered": {"name": "张三", "replies": 2, "quote": ""},
                            "milestones": [{"name": "王五", "streak": 7}],
                            "activities": [], "news": [], "checkins": 0, "streaks": [],
                            "topic": "你最近在读的一本书是什么？"}),
        ("mydata", {"name": "Kevin李", "group": "红酒爱好者·杭州", "stage": "活跃", "messages": 51, "active_days": 9,
                    "first_seen": NOW, "tz": "Asia/Shanghai", "tags": ["红酒"], "attributes": ["城市=杭州"],
                    "counts": ["标签 3 个"], "link": None, "minutes": 10, "linked": []}),
        ("mydata", {"name": "Kevin李", "group": "红酒爱好者·杭州", "stage": "活跃", "messages": 51, "active_days": 9,
                    "first_seen": NOW, "tz": "Asia/Shanghai", "tags": [], "attributes": [], "counts": [],
                    "link": "https://bot.example.com/mydata/Xy3k9", "minutes": 10,
                    "linked": ["telegram:5001", "onebot:10086"]}),
        ("captcha_passed", {"who": "@小林"}),
        ("captcha_question", {"who": "@小林", "limit": "2分钟", "a": 3, "b": 4}),
        ("captcha_removed", {"who": "@小林", "limit": "2分钟"}),
        ("captcha_buttons", {"who": "@小林", "limit": "2分钟", "a": 3, "b": 4}),
        ("captcha_not_yours", {}),
        ("captcha_over", {}),
        ("captcha_right", {}),
        ("captcha_wrong_press", {}),
        ("captcha_wrong", {"who": "@小林"}),
        ("mod_done", {"who": {"name": "Kevin李", "ref": "u-2"}, "action": "警告", "rung": 1}),
        ("mod_done", {"who": {"name": "Kevin李", "ref": "u-2"}, "action": "禁言 10分钟", "rung": 0}),
        ("mod_kick", {"who": "@小林", "manual": False, "rule": "发布广告"}),
        ("mod_kick", {"who": "@小林", "manual": True, "rule": ""}),
        ("mod_mute", {"who": "@小林", "manual": False, "rule": "刷屏", "duration": "10分钟"}),
        ("mod_mute", {"who": "@小林", "manual": True, "rule": "", "duration": "1天"}),
        ("mod_unmute", {"who": "@小林"}),
        ("mod_not_admins", {"who": {"name": "Kevin李", "ref": "u-2"}}),
        ("mod_unsupported", {"action": "禁言"}),
        ("mod_warn", {"who": "@小林", "manual": False, "rule": "发布广告", "rung": 1, "rungs": 4}),
        ("mod_warn", {"who": "@小林", "manual": True, "rule": "", "rung": 4, "rungs": 4}),
        ("mod_log", {"who": {"name": "Kevin李", "ref": "u-2"}, "can": ["删除消息", "禁言"], "rows": [
            {"at": "11月29日 04:03", "name": "Kevin李", "rule": "发布联系方式/引流", "what": "手机号", "action": "警告",
             "mode": "observe", "done": False, "by": ""},
            {"at": "11月29日 05:03", "name": "Kevin李", "rule": "管理员处理", "what": "", "action": "禁言 10分钟",
             "mode": "enforce", "done": True, "by": "赵敏"}]}),
        ("mod_log", {"who": None, "can": [], "rows": []}),
        ("mod_report", {"observed": True, "at": "11月29日 04:03", "group": "红酒爱好者·杭州", "name": "Kevin李",
                        "ref": "u-2", "rule": "发布联系方式/引流", "what": "手机号", "rung": 1, "rungs": 4,
                        "action": "警告", "missing": []}),
        ("mod_report", {"observed": False, "at": "11月29日 04:03", "group": "红酒爱好者·杭州", "name": "Kevin李",
                        "ref": "u-2", "rule": "刷屏", "what": "", "rung": 2, "rungs": 4, "action": "禁言 10分钟",
                        "missing": ["禁言"]}),
        ("notify_cooldown", {"name": "红酒控", "count": 4, "minutes": 30}), ("notify_none", {}),
        ("notify_cooldown", {"name": "", "count": 4, "minutes": 30}),
        ("notify_sent", {"name": "", "count": 12, "cooling": 0}),
        ("notify_preview", {"name": "红酒控", "count": 12, "reach": 12, "batches": 2, "text": "周五品鉴会见",
                            "names": ["Kevin李"], "cooling": 1}),
        ("notify_sent", {"name": "红酒控", "count": 12, "cooling": 1}),
        ("persona", {"c": CARD}), ("persona", {"c": QUIET_CARD}),
        ("persona_list", {"asked": "土豪", "min_cell": 3, "cards": [CARD]}),
        ("private_unavailable", {}),
        ("profile", {"p": PROFILE, "name": "Kevin李", "stage": "活跃",
                     "tags": [NS(name="红酒", score=2.31, category="兴趣"),
                              NS(name="夜猫子", score=None, category="行为")],
                     "answers": [NS(question="你喜欢哪种酒", value="红葡萄酒")], "private_answers": 1,
                     "tz": "Asia/Shanghai", "hidden_tags": 0}),
        ("profile", {"p": BUYER, "name": "Kevin李", "stage": "活跃", "tags": [], "answers": [], "private_answers": 0,
                     "tz": "Asia/Shanghai", "hidden_tags": 0}),
        ("profile", {"p": PROFILE, "name": "Kevin李", "stage": "活跃", "tags": [], "answers": [],
                     "private_answers": 0, "hidden_tags": 2, "tz": "Asia/Shanghai"}),
        ("profile_empty", {"name": "Kevin李"}),
        ("rate_limited", {"limit": 10, "name": "Kevin李"}), ("refused", {}),
        ("segment_list", {"saved": {"红酒控": "红酒&摄影"}}), ("segment_list", {"saved": {}}),
        ("segment_result", {"query": "红酒&摄影", "count": 12, "names": ["Kevin李"], "best_hours": [21]}),
        ("segment_saved", {"name": "红酒控", "query": "红酒&摄影"}),
        ("survey", {"survey": SURVEY, "questions": list(enumerate(SURVEY.questions, 1))}),
        ("survey_results", {"survey": SURVEY, "responders": 5, "members": 25, "rate": "20%", "non_responders": 20,
                            "rows": [{"n": 1, "text": "你喜欢哪种酒？", "answered": 5, "kind": "single",
                                      "tally": [("红葡萄酒", 3), ("白葡萄酒", 2)]},
                                     {"n": 4, "text": "还想说什么", "answered": 2, "kind": "text",
                                      "tally": [(2, 0)]}]}),
        ("tag_done", {"who": {"name": "Kevin李", "ref": "u-2"}, "added": ["红酒"], "removed": ["健身"]}),
        ("tier_member", {"name": "Kevin李", "b": BREAKDOWN, "cfg": TIER_CFG}),
        ("tier_member", {"name": "Kevin李", "b": RFM_BREAKDOWN, "cfg": TIER_CFG}),
        ("tier_preview", {"saved": False, "weights": WEIGHTS, "moves": [("Kevin李", "growth", "high")], "rfm": False,
                          "counts": [("core", 2), ("high", 5), ("growth", 9), ("ordinary", 30)]}),
        ("tier_preview", {"saved": True, "weights": WEIGHTS, "moves": [], "rfm": True,
                          "counts": [("core", 2), ("high", 5), ("growth", 9), ("ordinary", 30)]}),
        ("tier_summary", {"counts": [("core", 1), ("high", 2), ("growth", 5), ("ordinary", 20)], "weights": WEIGHTS,
                          "cfg": TIER_CFG}),
        ("usage", {"problem": "", "lines": [Line("/资讯 删除 序号", "删除第几条资讯")]}),
        ("usage", {"problem": "", "lines": [Line("/资讯 添加 内容", "加一条资讯"), Line("/资讯 列表")]}),
        ("weekly_digest", DIGEST), ("weekly_digest", {**DIGEST, "public": True}),
        ("weekly_digest", {**DIGEST, "answers": None, "moderation": []}),
        ("welcome", {"who": "@小林", "group": "红酒爱好者·杭州", "survey": SURVEY, "private": True}),
        ("welcome", {"who": "@小林", "group": "", "survey": SURVEY, "private": False}),
        ("wrong_chat", {"needs": "group", "command": "签到"}),
        ("wrong_chat", {"needs": "private", "command": "我的属性"}),
    ]
    out += [("why", {"p": PROFILE, "tag": "红酒", "t": KEYWORD_TAG, "carried": False, "evidence": {}, "at": NOW,
                     "by_name": "", "tz": "Asia/Shanghai", "half_life": 30.0, "min_score": 1.0}),
            ("why", {"p": PROFILE, "tag": "健身", "t": None, "carried": False, "evidence": {}, "at": None,
                     "by_name": "", "tz": "Asia/Shanghai", "half_life": 30.0, "min_score": 1.0}),
            ("why", {"p": PROFILE, "tag": "高端", "t": NS(source="manual"), "carried": True,
                     "evidence": {"by": "generic:u-9", "at": "2026-11-28T20:04:14Z", "message": "e-1"}, "at": NOW,
                     "by_name": "赵敏", "tz": "Asia/Shanghai", "half_life": 30.0, "min_score": 1.0}),
            ("why", {"p": PROFILE, "tag": "年轻", "t": NS(source="survey:onboarding"), "carried": True,
                     "evidence": {}, "at": NOW, "by_name": "", "tz": "Asia/Shanghai", "half_life": 30.0,
                     "min_score": 1.0})]
    for rule, ev in [
            ("share of messages in hours", {"hours": [0, 1, 2], "value": 0.42, "threshold": 0.3, "messages": 50}),
            ("share of the group's messages", {"days": 30, "value": 0.21, "threshold": 0.15, "messages": 80}),
            ("member for days, messages at most", {"days": 30, "value": 1, "threshold": 1}),
            ("count in window", {"days": 30, "value": 4, "threshold": 3,
                                 "examples": [{"at": "2026-11-28T20:04:14Z", "message": "e-1"}]}),
            ("distinct members replying or mentioning", {"value": 6, "threshold": 5}),
            ("among the first members, still active", {"first": 10, "stage": "active"}),
            ("invited members who stayed", {"value": 3, "threshold": 2}),
            ("running check-in streak (days)", {"value": 7, "threshold": 7})]:
        out.append(("why", {"p": PROFILE, "tag": "夜猫子", "t": NS(source="activity"), "carried": True,
                            "evidence": {"rule": rule, **ev}, "at": NOW, "by_name": "", "tz": "Asia/Shanghai",
                            "half_life": 30.0, "min_score": 1.0}))
    errors: list[tuple[str, dict[str, Any]]] = [
        ("too_long", {"limit": 500}), ("too_many_atoms", {"limit": 200}), ("too_deep", {"limit": 100}),
        ("unterminated_quote", {}), ("empty", {}), ("unexpected", {"text": ")"}), ("expected_close", {}),
        ("expected_name", {"text": "&"}), ("empty_name", {}),
        ("needs_value", {"name": "分层", "example": "tier=core", "field": "tier", "value": "core"}),
        ("expected_value", {"op": ">="}), ("equals_only", {"name": "分层"}),
        ("one_of", {"name": "分层", "choices": ["core", "ordinary"], "field": "tier"}),
        ("one_of", {"name": "阶段", "choices": ["new", "active", "left"], "field": "lifecycle"}),
        ("needs_number", {"op": ">"}), ("other", {})]
    out += [("query_error", {"code": c, "position": 5, "params": p}) for c, p in errors]
    faq = NS(id=1, question="发票怎么开？", answer="在订单页申请电子发票。")
    out += [("faq", {"kind": "answer", "question": "发票怎么开？", "answer": "在订单页申请电子发票。"}),
            ("faq", {"kind": "added", "n": 2, "question": "发票怎么开？", "answer": "在订单页申请电子发票。"}),
            ("faq", {"kind": "list", "items": [faq, faq], "configured": []}),
            ("faq", {"kind": "list", "items": [], "configured": [faq]}),
            ("faq", {"kind": "removed", "question": "发票怎么开？"}), ("faq", {"kind": "full", "n": 300}),
            ("faq", {"kind": "missing", "stored": True}), ("faq", {"kind": "missing", "stored": False})]
    out += [("qa", {"kind": "route", "helpers": ["@小林", "@小林"], "asker": "Kevin李", "minutes": 31,
                    "excerpt": "红酒要醒多久？"}),
            ("qa", {"kind": "route", "helpers": ["@小林"], "asker": "Kevin李", "minutes": 31, "excerpt": ""}),
            ("qa", {"kind": "off"}), ("qa", {"kind": "on"}), ("qa", {"kind": "show", "minutes": 30}),
            ("qa", {"kind": "show", "minutes": 0})]
    out += _broadcast_samples()
    out += _reach()
    return out


def _broadcast_samples() -> list[tuple[str, dict[str, Any]]]:
    """Broadcasts and push measurement (issue 14)."""
    rows = [{"segment": "价格敏感", "text": "满199减50，今晚截止", "private": 3, "mention": 2, "names": ["Kevin李"]},
            {"segment": None, "text": "新品上架", "private": 1, "mention": 0, "names": []}]
    out: list[tuple[str, dict[str, Any]]] = [
        ("broadcast_preview", {"rows": rows, "total": 6, "segment": "老客", "unsubscribed": 1, "capped": 2,
                               "when": "2026-12-01 20:30"}),
        ("broadcast_preview", {"rows": rows, "total": 6, "segment": None, "unsubscribed": 0, "capped": 0, "when": ""}),
    ]
    for kind, extra in [("bad", {"error": "群发文案不能为空"}), ("none", {}), ("queued", {"when": "2026-12-01 20:30"}),
                        ("sent", {"private": 3, "mentioned": 2, "unsubscribed": 1, "capped": 1}), ("cancelled", {}),
                        ("unsubscribed", {}), ("subscribed", {})]:
        out.append(("broadcast_status", {"kind": kind, **extra}))
    for reason, posts in [("busiest", 0), ("best", 4), ("explore", 1), ("explore", 0)]:
        out.append(("push_slot", {"reason": reason, "slot": "08:00", "posts": posts, "rate": 23, "best": "09:00",
                                  "best_rate": 31}))
    pushes = [{"kind": k, "slot": "08:00", "posts": 4, "rate": 30, "baseline": b, "lift": lift}
              for k, b, lift in [("morning_report", 20, 1.5), ("broadcast", None, None), ("survey", 10, 1.0),
                                 ("activity_reminder", 0, None)]]
    out.append(("push_results", {"rows": pushes, "best": pushes[0]}))
    return out


REWARD = NS(name="定制酒杯", points=30, description="限量")


def _reach() -> list[tuple[str, dict[str, Any]]]:
    """Private surveys, targeting, reminders and rewards (survey_reach.j2, rewards.j2)."""
    who = ["@小林", "@赵敏"]
    out: list[tuple[str, dict[str, Any]]] = [("survey_reach", {"kind": k, "survey": SURVEY, "who": who, "private": 3,
                                                              "mentioned": m})
                                             for k in ("not_sent", "targeted", "targeted_sent", "poll_intro",
                                                       "reminder_private", "reminder_group") for m in (2, 0)]
    out += [("survey_reach", {"kind": "targeted_sent", "survey": SURVEY, "private": 0, "mentioned": 0})]
    out += [("rewards", {"kind": "list", "rewards": [REWARD, NS(name="品鉴券", points=50, description="")],
                         "balance": 12}),
            ("rewards", {"kind": "list", "rewards": [], "balance": 12}),
            ("rewards", {"kind": "unknown", "name": "酒杯", "rewards": [REWARD]}),
            ("rewards", {"kind": "short", "reward": REWARD, "balance": 12}),
            ("rewards", {"kind": "redeemed", "reward": REWARD, "name": "Kevin李", "balance": 2}),
            ("rewards", {"kind": "log", "everyone": True, "tz": "Asia/Shanghai",
                         "items": [{"name": "Kevin李", "reward": "定制酒杯", "points": 30, "at": NOW}]}),
            ("rewards", {"kind": "log", "everyone": False, "tz": "Asia/Shanghai",
                         "items": [{"name": "Kevin李", "reward": "定制酒杯", "points": 30, "at": NOW}]}),
            ("rewards", {"kind": "log", "everyone": False, "tz": "Asia/Shanghai", "items": []})]
    return out

"""What each internal code is called in chat: lifecycle stages, value tiers, tag categories, where a tag or
attribute came from, weekdays. Written in zh-CN (marked for the catalog) and translated per locale, so no reply
ever shows ``growth`` or ``manual`` where a member or operator expects a word."""

from __future__ import annotations

from bot.core.i18n import N_, gettext

STAGES = {"new": N_("新人"), "active": N_("活跃"), "declining": N_("活跃下降"), "dormant": N_("沉睡"),
          "left": N_("已退群")}
TIERS = {"core": N_("核心"), "high": N_("高价值"), "growth": N_("成长"), "ordinary": N_("普通")}
CATEGORIES = {"interest": N_("兴趣"), "motive": N_("动机"), "need": N_("需求"), "feedback": N_("反馈"),
              "channel": N_("渠道"), "activity": N_("行为")}
SOURCES = {"keyword": N_("关键词"), "activity": N_("行为统计"), "manual": N_("管理员设置"), "survey": N_("问卷"),
           "admin": N_("管理员设置")}
SCHEDULE_SOURCES = {"config": N_("配置文件"), "chat": N_("群内设置"), "auto": N_("自动"),
                    "off": N_("已关闭")}
WEEKDAYS = (N_("周一"), N_("周二"), N_("周三"), N_("周四"), N_("周五"), N_("周六"), N_("周日"))
# The segment query language's reserved names, as replies and error messages call them.
FIELDS = {"tier": N_("层级"), "lifecycle": N_("阶段")}
KINDS = {"field": FIELDS, "stage": STAGES, "tier": TIERS, "category": CATEGORIES, "source": SOURCES,
         "schedule": SCHEDULE_SOURCES}


def label(kind: str, code: str, locale: str) -> str:
    """``code`` of ``kind`` (stage, tier, category, source) in ``locale``. A survey source (``survey:ID``) is
    called a survey; a code nobody translated (a category the operator made up) is shown as written."""
    table = KINDS[kind]
    key = code.partition(":")[0] if kind == "source" else code
    return gettext(locale, table[key]) if key in table else code


def weekday(index: int, locale: str) -> str:
    """Monday = 0 … Sunday = 6, as a word."""
    return gettext(locale, WEEKDAYS[index])

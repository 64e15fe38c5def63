"""How moderation facts read to an operator: rule and action names, durations and times, per locale. The
words are written in zh-CN and marked for the message catalog (``N_``), like every other label."""

from __future__ import annotations

from bot.core.i18n import N_, gettext
from bot.core.render import when as local_when

RULES = {"contact": N_("发布联系方式/引流"), "ad": N_("发布广告"), "link": N_("发布外部链接"),
         "sensitive": N_("敏感词"), "flood": N_("刷屏"), "repeat": N_("重复刷屏"),
         "wave": N_("在多个群重复发送相同内容"), "captcha": N_("未完成入群验证"), "manual": N_("管理员处理")}
WHAT = {"phone": N_("手机号"), "qq": N_("QQ 号"), "wechat": N_("微信号")}
ACTIONS = {"warn": N_("警告"), "mute": N_("禁言"), "unmute": N_("解除禁言"), "kick": N_("移出本群"),
           "delete": N_("删除消息"), "restrict": N_("限制发言"), "notify": N_("通知管理员"),
           "pass": N_("通过入群验证"), "ask": N_("发出入群验证题")}
UNITS = ((86400, N_("%(n)s天")), (3600, N_("%(n)s小时")), (60, N_("%(n)s分钟")), (1, N_("%(n)s秒")))


def _pick(table: dict[str, str], locale: str, key: str) -> str:
    return gettext(locale, table[key]) if key in table else key


def rule(locale: str, name: str) -> str:
    return _pick(RULES, locale, name)


def what(locale: str, name: str) -> str:
    """What was seen: a kind of contact id in words, else the phrase or host itself."""
    return _pick(WHAT, locale, name)


def action(locale: str, name: str, seconds: int = 0) -> str:
    """``禁言 10分钟`` / ``mute 10 min``; other actions by name."""
    label = _pick(ACTIONS, locale, name)
    return f"{label} {duration(locale, seconds)}" if name == "mute" and seconds else label


def duration(locale: str, seconds: int) -> str:
    """The largest whole unit: ``10分钟``, ``1天``, ``90 min``."""
    for size, unit in UNITS:
        if seconds >= size and seconds % size == 0:
            return gettext(locale, unit) % {"n": seconds // size}
    return gettext(locale, UNITS[-1][1]) % {"n": seconds}


def when(locale: str, ts: float, tz: str) -> str:
    """A time in the group's zone as every reply writes it: ``11月20日 12:00`` / ``Nov 20, 12:00``."""
    return local_when(ts, tz, locale)

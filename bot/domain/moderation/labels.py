"""How moderation facts read to an operator: rule and action names, durations and times, per locale."""

from __future__ import annotations

from bot.core.timeutil import local

RULES = {
    "zh-CN": {"contact": "发布联系方式/引流", "ad": "发布广告", "link": "发布外部链接", "sensitive": "敏感词",
              "flood": "刷屏", "repeat": "重复刷屏", "wave": "在多个群重复发送相同内容", "captcha": "未完成入群验证",
              "manual": "管理员处理"},
    "en": {"contact": "posting contact details", "ad": "advertising", "link": "posting an outside link",
           "sensitive": "a sensitive word", "flood": "flooding the chat", "repeat": "repeating the same message",
           "wave": "sending the same message to several groups", "captcha": "not passing the newcomer check",
           "manual": "an admin's action"},
}
WHAT = {
    "zh-CN": {"phone": "手机号", "qq": "QQ 号", "wechat": "微信号"},
    "en": {"phone": "a phone number", "qq": "a QQ number", "wechat": "a WeChat id"},
}
ACTIONS = {
    "zh-CN": {"warn": "警告", "mute": "禁言", "unmute": "解除禁言", "kick": "移出本群", "delete": "删除消息",
              "restrict": "限制发言", "notify": "通知管理员", "pass": "通过入群验证",
              "ask": "发出入群验证题"},
    "en": {"warn": "warning", "mute": "mute", "unmute": "unmute", "kick": "removal from the group",
           "delete": "message deleted", "restrict": "restricted", "notify": "admins notified",
           "pass": "passed the newcomer check", "ask": "newcomer check asked"},
}
_UNITS = {"zh-CN": ((86400, "天"), (3600, "小时"), (60, "分钟"), (1, "秒")),
          "en": ((86400, " d"), (3600, " h"), (60, " min"), (1, " s"))}


def _pick(table: dict[str, dict[str, str]], locale: str, key: str) -> str:
    return table.get(locale, table["zh-CN"]).get(key, key)


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
    for size, unit in _UNITS.get(locale, _UNITS["zh-CN"]):
        if seconds >= size and seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}{_UNITS.get(locale, _UNITS['zh-CN'])[-1][1]}"


def when(locale: str, ts: float, tz: str) -> str:
    """A time in the group's zone: ``11月20日 12:00`` / ``Nov 20 12:00``."""
    t = local(ts, tz)
    return t.strftime("%b %d %H:%M") if locale == "en" else f"{t.month}月{t.day}日 {t:%H:%M}"

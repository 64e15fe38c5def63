"""``[defaults.moderation]`` / ``[groups.moderation]``: what moderation watches for and how it answers.

A group's table overrides the defaults key by key; a key left out keeps the defaults' value. Sensitive words
come from ``sensitive_words`` and/or ``sensitive_words_file`` (one word a line, ``#`` starts a comment), read
once here so a missing file stops the start with the key's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.config.schema import ConfigError, Section

MODES = ("off", "observe", "enforce")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
MAX_MUTE_S = 366 * 86400  # Telegram treats longer restrictions as forever; QQ caps a mute at 30 days


def parse_duration(text: str) -> int | None:
    """``10m``, ``2h``, ``1d``, ``30s`` or bare minutes (``10``) → seconds; None when it is none of these."""
    t = text.strip().lower()
    unit = _UNITS.get(t[-1:], 0)
    digits = t[:-1] if unit else t
    if not digits or len(digits) > 6 or not digits.isascii() or not digits.isdigit():
        return None
    seconds = int(digits) * (unit or 60)
    return seconds if 0 < seconds <= MAX_MUTE_S else None


@dataclass(frozen=True, slots=True)
class LadderStep:
    """One rung: ``warn``, ``mute`` for ``seconds``, or ``kick``."""

    action: str
    seconds: int = 0


def parse_ladder(steps: list[str], key: str) -> tuple[LadderStep, ...]:
    out: list[LadderStep] = []
    for step in steps:
        action, _, arg = step.strip().partition(":")
        if action in ("warn", "kick") and not arg:
            out.append(LadderStep(action))
            continue
        seconds = parse_duration(arg) if action == "mute" else None
        if seconds is None:
            raise ConfigError(f"{key}: {step!r} is not warn, mute:<duration> (10m, 1h, 1d) or kick")
        out.append(LadderStep("mute", seconds))
    if not out:
        raise ConfigError(f"{key}: needs at least one step")
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ModerationConfig:
    mode: str = "observe"  # off | observe (decide and report, act on nothing) | enforce
    link_allowlist: tuple[str, ...] = ()
    newcomer_days: int = 3
    newcomer_messages: int = 5
    flood_messages: int = 8
    flood_seconds: int = 10
    repeat_messages: int = 3  # the same text this often within repeat_seconds is flood too
    repeat_seconds: int = 60
    wave_groups: int = 3  # the same text from one member in this many of our groups within wave_minutes
    wave_minutes: int = 10
    captcha_seconds: int = 120  # 0 = no newcomer check
    ladder: tuple[LadderStep, ...] = (LadderStep("warn"), LadderStep("mute", 600), LadderStep("mute", 86400),
                                      LadderStep("kick"))
    ladder_window_days: int = 30
    sensitive_words: tuple[str, ...] = ()
    sensitive_exceptions: tuple[str, ...] = ()
    ad_words: tuple[str, ...] = ()  # added to the shipped contact/ad taxonomy
    ad_exceptions: tuple[str, ...] = ()


def _words_file(value: str, key: str, base_dir: Path) -> tuple[str, ...]:
    path = Path(value) if Path(value).is_absolute() else base_dir / value
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{key}: cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    return tuple(w for w in (line.split("#", 1)[0].strip() for line in lines) if w)


def parse_moderation(raw: Any, key: str, base: ModerationConfig, base_dir: Path) -> ModerationConfig:
    """One moderation table over ``base`` (the defaults' settings, or the built-in ones)."""
    s = Section(raw, key)
    words = tuple(s.strings("sensitive_words", list(base.sensitive_words)))
    if "sensitive_words_file" in s.raw:
        words += _words_file(s.text("sensitive_words_file"), f"{key}.sensitive_words_file", base_dir)
    ladder = parse_ladder(s.strings("ladder"), f"{key}.ladder") if "ladder" in s.raw else base.ladder
    m = ModerationConfig(
        mode=s.choice("mode", MODES, base.mode),
        link_allowlist=tuple(h.strip().lower().lstrip(".") for h in s.strings("link_allowlist",
                                                                             list(base.link_allowlist))),
        newcomer_days=s.integer("newcomer_days", base.newcomer_days, 0, 3650),
        newcomer_messages=s.integer("newcomer_messages", base.newcomer_messages, 0, 100_000),
        flood_messages=s.integer("flood_messages", base.flood_messages, 2, 100),
        flood_seconds=s.integer("flood_seconds", base.flood_seconds, 1, 3600),
        repeat_messages=s.integer("repeat_messages", base.repeat_messages, 2, 100),
        repeat_seconds=s.integer("repeat_seconds", base.repeat_seconds, 1, 86400),
        wave_groups=s.integer("wave_groups", base.wave_groups, 2, 1000),
        wave_minutes=s.integer("wave_minutes", base.wave_minutes, 1, 1440),
        captcha_seconds=s.integer("captcha_seconds", base.captcha_seconds, 0, 86400),
        ladder=ladder,
        ladder_window_days=s.integer("ladder_window_days", base.ladder_window_days, 1, 3650),
        sensitive_words=words,
        sensitive_exceptions=tuple(s.strings("sensitive_exceptions", list(base.sensitive_exceptions))),
        ad_words=tuple(s.strings("ad_words", list(base.ad_words))),
        ad_exceptions=tuple(s.strings("ad_exceptions", list(base.ad_exceptions))),
    )
    s.done()
    for name in ("sensitive_words", "sensitive_exceptions", "ad_words", "ad_exceptions", "link_allowlist"):
        if any(not w.strip() for w in getattr(m, name)):
            raise ConfigError(f"{key}.{name}: entries must not be empty")
    return m

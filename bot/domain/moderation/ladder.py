"""The escalation ladder: which rung a member's next violation earns."""

from __future__ import annotations

from bot.core.config import ModerationConfig
from bot.core.config.moderation import LadderStep

# Rules a newcomer meets one rung higher (they skip the warning): contact, ads and links off the allowlist.
NEWCOMER_STRICT = frozenset(("contact", "ad", "link"))


def step_for(cfg: ModerationConfig, strikes: int, newcomer: bool, rule: str) -> tuple[int, LadderStep]:
    """(rung number counted from 1, the rung) for a violation of ``rule`` by a member with ``strikes`` rungs
    earned in the window; the top rung repeats."""
    rung = strikes + (1 if newcomer and rule in NEWCOMER_STRICT else 0)
    rung = min(rung, len(cfg.ladder) - 1)
    return rung + 1, cfg.ladder[rung]


def is_newcomer(cfg: ModerationConfig, since: float | None, messages: int, now: float) -> bool:
    """Joined (or first seen) less than ``newcomer_days`` ago, or fewer than ``newcomer_messages`` messages."""
    if since is None:  # not recorded yet: first seen now, no messages
        since, messages = now, 0
    return now - since < cfg.newcomer_days * 86400 or messages < cfg.newcomer_messages

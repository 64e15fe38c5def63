"""``[defaults.qa]`` / ``[groups.qa]``: FAQ answers and question routing (答疑).

A group's table overrides the defaults key by key; a key left out keeps the defaults' value — except ``faqs``
(``[[defaults.qa.faqs]]`` with ``question`` and ``answer``): a group's own are added to the defaults', so the
defaults' FAQs apply in every group.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.core.config.schema import ConfigError, Section


@dataclass(frozen=True, slots=True)
class QaConfig:
    faq_threshold: float = 0.75  # similarity in 0..1 a member's question needs to get a FAQ's answer
    faq_cooldown_minutes: int = 30  # one FAQ answers at most once per group within this many minutes
    route_after_minutes: int = 30  # an open question is brought to likely answerers after this; 0 = never
    faqs: tuple[tuple[str, str], ...] = ()  # (question, answer) from the config, besides those taught in chat


def parse_qa(raw: Any, key: str, base: QaConfig) -> QaConfig:
    """One qa table over ``base`` (the defaults' settings, or the built-in ones)."""
    s = Section(raw, key)
    threshold = s.number("faq_threshold", base.faq_threshold, 0.0)
    if not 0 < threshold <= 1:
        raise ConfigError(f"{key}.faq_threshold: must be above 0 and at most 1")
    q = QaConfig(
        faq_threshold=threshold,
        faq_cooldown_minutes=s.integer("faq_cooldown_minutes", base.faq_cooldown_minutes, 0, 7 * 24 * 60),
        route_after_minutes=s.integer("route_after_minutes", base.route_after_minutes, 0, 7 * 24 * 60),
        faqs=base.faqs + tuple(_faq(raw, f"{key}.faqs[{i}]") for i, raw in enumerate(s.array("faqs"))),
    )
    s.done()
    return q


def _faq(raw: Any, key: str) -> tuple[str, str]:
    s = Section(raw, key)
    question, answer = s.text("question").strip(), s.text("answer").strip()
    s.done()
    if not question or not answer:
        raise ConfigError(f"{key}: question and answer must not be empty")
    return question, answer

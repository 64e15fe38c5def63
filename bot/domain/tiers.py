"""Value tiers ``core | high | growth | ordinary``: a community RFM.

* recency — 1 on the day of the last message, falling linearly to 0 at ``lifecycle.dormant_days``;
* frequency — active days in the last 30 ÷ ``tiers.frequency_days`` (capped at 1);
* contribution — answers given + members invited who stayed + check-ins + survey answers,
  ÷ ``tiers.contribution_cap`` (capped at 1).

The score is the weighted mean; thresholds ``core ≥ high ≥ growth`` pick the tier. Members who left or
opted out are ``ordinary``. In a group with purchase data money takes the contribution's place (``rfm``,
see ``bot.domain.rfm``). Weights can be overridden per group from chat after a dry-run preview.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.config import TiersConfig
from bot.core.timeutil import day_minus, local
from bot.domain.rfm import ORDERS_FOR_FULL_FREQUENCY, Money
from storage.repo import MemberFacts

DAY = 86400.0
CORE = "core"
TIERS = (CORE, "high", "growth", "ordinary")
FREQUENCY_WINDOW_DAYS = 30


@dataclass(frozen=True, slots=True)
class Weights:
    recency: float
    frequency: float
    contribution: float

    @classmethod
    def from_config(cls, cfg: TiersConfig) -> Weights:
        return cls(cfg.recency_weight, cfg.frequency_weight, cfg.contribution_weight)

    def to_json(self) -> str:
        return json.dumps({"recency": self.recency, "frequency": self.frequency, "contribution": self.contribution})

    @classmethod
    def from_json(cls, raw: str) -> Weights:
        d = json.loads(raw)
        return cls(float(d["recency"]), float(d["frequency"]), float(d["contribution"]))


def parse_weights(text: str, base: Weights) -> Weights:
    """``recency=0.2 frequency=0.5 contribution=0.3`` (also r= f= c= and 近因= 频率= 贡献=). ValueError if bad."""
    names = {"recency": "recency", "r": "recency", "最近": "recency", "近因": "recency", "frequency": "frequency",
             "f": "frequency", "频率": "frequency", "contribution": "contribution", "c": "contribution",
             "贡献": "contribution"}
    values = {"recency": base.recency, "frequency": base.frequency, "contribution": base.contribution}
    for part in text.replace(",", " ").replace("，", " ").split():
        key, sep, raw = part.partition("=")
        if not sep or key.casefold() not in names:
            raise ValueError(f"unknown weight {part!r} (use recency= frequency= contribution=)")
        value = float(raw)
        if value < 0 or value != value:
            raise ValueError(f"weight {key} must be >= 0")
        values[names[key.casefold()]] = value
    w = Weights(**values)
    if w.recency + w.frequency + w.contribution <= 0:
        raise ValueError("weights must not all be 0")
    return w


def survey_answers(f: MemberFacts) -> int:
    return (sum(1 for a in f.attributes.values() if a.source.startswith("survey:"))
            + sum(1 for _t, _c, src, _s in f.other_tags if src.startswith("survey:")))


def breakdown(f: MemberFacts, stage: str, answers: int, invited_stayed: int, checkins: int, weights: Weights,
              cfg: TiersConfig, dormant_days: int, now: float, tz: str, money: Money | None = None) -> dict[str, Any]:
    """The tier with every input and component, as shown by ``/tier @member``; with ``money`` (the group has
    purchase data) an RFM score whose third component is money, weighted as contribution."""
    last = f.last_message_at
    days_since = None if last is None else max(0.0, (now - last) / DAY)
    if money is not None and money.last_purchase is not None:  # recency from messages and orders
        last = money.last_purchase if last is None else max(last, money.last_purchase)
    recent = None if last is None else max(0.0, (now - last) / DAY)
    recency = 0.0 if recent is None else max(0.0, 1.0 - recent / dormant_days)
    start = day_minus(local(now, tz).date().isoformat(), FREQUENCY_WINDOW_DAYS - 1)
    active30 = sum(1 for d, n in f.days.items() if d >= start and n > 0)
    frequency = min(1.0, active30 / cfg.frequency_days)
    if money is not None:
        frequency = max(frequency, min(1.0, money.recent_orders / ORDERS_FOR_FULL_FREQUENCY))
    surveys = survey_answers(f)
    contributed = answers + invited_stayed + checkins + surveys
    contribution = min(1.0, contributed / cfg.contribution_cap)
    if money is not None:
        contribution = money.money
    total_w = weights.recency + weights.frequency + weights.contribution
    score = (weights.recency * recency + weights.frequency * frequency + weights.contribution * contribution) / total_w
    tier = tier_for(score, cfg) if stage != "left" and not f.opted_out else "ordinary"
    if money is not None and money.top_spender and tier in ("growth", "ordinary") and stage != "left" \
            and not f.opted_out:
        tier = "high"  # the top tenth of spenders is never below high
    model = "rfm" if money is not None else "engagement"
    out: dict[str, Any] = {"tier": tier, "score": round(score, 4), "model": model,
        "components": {"recency": round(recency, 4), "frequency": round(frequency, 4),
                       "contribution": round(contribution, 4)},
        "weights": {"recency": weights.recency, "frequency": weights.frequency, "contribution": weights.contribution},
        "inputs": {"days_since_last_message": None if days_since is None else round(days_since, 1),
                   "active_days_30": active30, "answers": answers, "invited_stayed": invited_stayed,
                   "checkins": checkins, "survey_answers": surveys}}
    if money is not None:
        components = out["components"]
        components["money"] = components.pop("contribution")
        out["inputs"].update(spend=money.spend, orders=money.orders, recent_orders=money.recent_orders,
                             top_spender=money.top_spender,
                             days_since_purchase=None if money.last_purchase is None
                             else round(max(0.0, now - money.last_purchase) / DAY, 1))
    return out


def tier_for(score: float, cfg: TiersConfig) -> str:
    if score >= cfg.core:
        return CORE
    if score >= cfg.high:
        return "high"
    if score >= cfg.growth:
        return "growth"
    return "ordinary"


def moves(before: Mapping[str, str], after: Mapping[str, str]) -> list[tuple[str, str, str]]:
    """(member, from, to) for everyone whose tier differs."""
    return sorted((m, before.get(m, "ordinary"), t) for m, t in after.items() if before.get(m, "ordinary") != t)

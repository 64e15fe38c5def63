"""The profile JSON of contract §5 — the one place a :class:`Profile` becomes JSON (CLI ``--json``, export,
``/api``, ``/mydata``). Key order, two-decimal scores and whole-second UTC ``Z`` times are part of the
contract: clients diff these documents. The TypedDicts spell the document's shape for code that reads it
back (the demo reads it over HTTP)."""

from __future__ import annotations

from typing import NotRequired, TypedDict

from bot.core.timeutil import iso_utc
from bot.domain.profiles.model import Commerce, Evidence, Profile, Tag


class EvidenceJSON(TypedDict):
    at: str | None
    keyword: str
    message: str
    text: NotRequired[str]  # only where the group keeps text


class TagJSON(TypedDict):
    name: str
    category: str
    source: str
    score: float | None
    evidence: NotRequired[list[EvidenceJSON]]  # keyword tags only
    hits: NotRequired[int]  # keyword tags only


class StatsJSON(TypedDict):
    messages: int
    active_days: int
    first_seen: str | None
    last_seen: str | None
    hours: list[int]


class AttributeJSON(TypedDict):
    value: str
    source: str
    at: str | None


class CommerceJSON(TypedDict):
    orders: int
    spend: float
    avg_order_value: float
    first_purchase: str | None
    last_purchase: str | None
    categories: list[str]
    channel: str
    repurchase_due: bool
    days_since_purchase: float | None
    currency: str


class ProfileJSON(TypedDict):
    group: str
    member: str
    name: str
    opted_out: bool
    lifecycle: str
    tier: str
    stats: StatsJSON
    attributes: dict[str, AttributeJSON]
    tags: list[TagJSON]
    commerce: NotRequired[CommerceJSON]  # only once the member bought something (contract §9)
    person: NotRequired[str]  # once the member linked accounts (contract §9)


def commerce_json(c: Commerce) -> CommerceJSON:
    """The §9 ``commerce`` object (plus ``days_since_purchase`` and ``currency``)."""
    return {"orders": c.orders, "spend": c.spend, "avg_order_value": c.avg_order_value,
            "first_purchase": iso_utc(c.first_purchase), "last_purchase": iso_utc(c.last_purchase),
            "categories": list(c.categories), "channel": c.channel, "repurchase_due": c.repurchase_due,
            "days_since_purchase": c.days_since_purchase, "currency": c.currency}


def evidence_json(e: Evidence) -> EvidenceJSON:
    """``{"at", "keyword", "message"}``, plus ``"text"`` where the group keeps text."""
    out: EvidenceJSON = {"at": iso_utc(e.at), "keyword": e.keyword, "message": e.message}
    if e.text is not None:
        out["text"] = e.text
    return out


def _tag_json(t: Tag) -> TagJSON:
    out: TagJSON = {"name": t.name, "category": t.category, "source": t.source, "score": t.score}
    if t.hits is not None:
        out["evidence"] = [evidence_json(e) for e in t.evidence]
        out["hits"] = t.hits
    return out


def profile_json(p: Profile) -> ProfileJSON:
    """The §5 object for one profile."""
    st = p.stats
    out: ProfileJSON = {
        "group": p.group,
        "member": p.member,
        "name": p.name,
        "opted_out": p.opted_out,
        "lifecycle": p.lifecycle,
        "tier": p.tier,
        "stats": {"messages": st.messages, "active_days": st.active_days, "first_seen": iso_utc(st.first_seen),
                  "last_seen": iso_utc(st.last_seen), "hours": list(st.hours)},
        "attributes": {k: {"value": a.value, "source": a.source, "at": iso_utc(a.at)} for k, a in p.attributes.items()},
        "tags": [_tag_json(t) for t in p.tags],
    }
    if p.commerce is not None:
        out["commerce"] = commerce_json(p.commerce)
    if p.person is not None:
        out["person"] = p.person
    return out

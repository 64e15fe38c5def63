"""The profile JSON of contract §5 — the one place a :class:`Profile` becomes JSON (CLI ``--json``, export,
``/api``, ``/mydata``). Key order, two-decimal scores and whole-second UTC ``Z`` times are part of the
contract: clients diff these documents."""

from __future__ import annotations

from bot.core.timeutil import iso_utc
from bot.domain.profiles.model import Evidence, Profile, Tag

JSONObject = dict[str, object]


def evidence_json(e: Evidence) -> JSONObject:
    """``{"at", "keyword", "message"}``, plus ``"text"`` where the group keeps text."""
    out: JSONObject = {"at": iso_utc(e.at), "keyword": e.keyword, "message": e.message}
    if e.text is not None:
        out["text"] = e.text
    return out


def _tag_json(t: Tag) -> JSONObject:
    out: JSONObject = {"name": t.name, "category": t.category, "source": t.source, "score": t.score}
    if t.hits is not None:
        out["evidence"] = [evidence_json(e) for e in t.evidence]
        out["hits"] = t.hits
    return out


def profile_json(p: Profile) -> JSONObject:
    """The §5 object for one profile."""
    st = p.stats
    return {
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

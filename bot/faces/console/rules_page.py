"""Tag rules (``/console/groups/{group}/rules``): the keyword taxonomy in effect, and a preview of a rule —
how many of the group's latest stored messages it would tag (with a few of them), matched exactly as the
tagger matches (normalized text, one automaton, exclude phrases).

Where the group keeps no message text (``[storage] store_text = false``), no message can be matched again;
the preview then says so and counts how many of the latest keyword hits were on the rule's keywords.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.core.config import TagRule
from bot.core.textnorm import normalize
from bot.domain.profiles.shown import category_label
from bot.faces.console.access import GroupView
from bot.faces.console.gate import api_group, page_group
from bot.faces.console.service import CONSOLE, Console
from bot.faces.console.views import json_response
from handlers.tagging import Tagger

DEFAULT_N = 1000
MAX_N = 10000
EXAMPLES = 5
MAX_WORDS = 50


def _words(raw: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(w for w in raw.replace("，", ",").replace(",", " ").split() if w))[:MAX_WORDS]


def _n(raw: str) -> int:
    return min(int(raw), MAX_N) if raw.isdigit() and 0 < len(raw) < 7 and int(raw) > 0 else DEFAULT_N


async def preview(c: Console, group: GroupView, keywords: tuple[str, ...], exclude: tuple[str, ...],
                  n: int) -> dict[str, Any]:
    """What a rule with these keywords would match among the latest ``n`` messages (or hits)."""
    if c.config.storage.store_text:
        looked, texts = await c.store.recent_texts(group.id, n)
        tagger = Tagger([TagRule(name="preview", keywords=keywords, exclude=exclude)])
        matched = [t for t in texts if tagger.match(t)]
        return {"basis": "messages", "looked_at": looked, "with_text": len(texts), "matches": len(matched),
                "examples": [t[:80] for t in matched[:EXAMPLES]]}
    wanted = {normalize(k) for k in keywords}
    hits = await c.store.recent_hit_keywords(group.id, n)
    return {"basis": "hits", "looked_at": len(hits), "with_text": 0,
            "matches": sum(1 for k in hits if normalize(k) in wanted), "examples": []}


def taxonomy(c: Console) -> list[dict[str, Any]]:
    return [{"name": r.name, "category": r.category, "weight": r.weight, "keywords": list(r.keywords),
             "exclude": list(r.exclude)} for r in c.config.tags]


async def rules_page(request: web.Request) -> web.Response:
    """``GET …/rules[?keywords=&exclude=&n=]``: the taxonomy, and a preview when keywords are given."""
    c = request.app[CONSOLE]
    who, group = await page_group(request)
    q = request.query
    keywords, exclude = _words(q.get("keywords", "")), _words(q.get("exclude", ""))
    found = await preview(c, group, keywords, exclude, _n(q.get("n", ""))) if keywords else None
    return c.pages.response("rules", viewer=who, group=group, now=c.clock(), tab="rules",
                            title=c.pages.t["tabs"]["rules"], rules=taxonomy(c), category=category_label, found=found,
                            form={"keywords": " ".join(keywords), "exclude": " ".join(exclude),
                                  "n": _n(q.get("n", ""))})


async def rules_json(request: web.Request) -> web.Response:
    """``GET /api/console/groups/{group}/rules[?keywords=&exclude=&n=]``."""
    c = request.app[CONSOLE]
    group = await api_group(request)
    q = request.query
    keywords, exclude = _words(q.get("keywords", "")), _words(q.get("exclude", ""))
    found = await preview(c, group, keywords, exclude, _n(q.get("n", ""))) if keywords else None
    return json_response({"rules": taxonomy(c), "store_text": c.config.storage.store_text, "preview": found})

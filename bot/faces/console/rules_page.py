"""Tag rules (``/console/groups/{group}/rules``): the keyword taxonomy in effect, a preview of a rule — how
many of the group's latest stored messages it would tag (with a few of them), matched exactly as the tagger
matches (normalized text, one automaton, exclude phrases) — and, for admins of every group, changing the
rules while quntag runs (``bot.domain.tag_rules``: rules are the whole matrix's, so only they may).

Where the group keeps no message text (``[storage] store_text = false``), no message can be matched again;
the preview then says so and counts how many of the latest keyword hits were on the rule's keywords.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.core.config import TagRule
from bot.core.config.rules import KEYWORD_CATEGORIES
from bot.core.textnorm import normalize
from bot.domain import tag_rules
from bot.domain.profiles.shown import category_label
from bot.faces.console.access import GroupView, sees_all
from bot.faces.console.gate import api_group, page_group
from bot.faces.console.service import CONSOLE, Console, Viewer
from bot.faces.console.views import group_url, json_response
from handlers.tagging import Tagger

DEFAULT_N = 1000
MAX_N = 10000
EXAMPLES = 5
MAX_WORDS = 50


def _words(raw: str) -> tuple[str, ...]:
    return tag_rules.words(raw, MAX_WORDS)


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
    """Every rule in effect and every file rule switched off, each with where it comes from."""
    return tag_rules.listing(c.config.rules)


def _edit_form(c: Console, name: str) -> dict[str, Any]:
    """The edit form filled with the rule ``name`` (empty for a new rule)."""
    rule = next((r for r in (*c.config.rules.current(), *c.config.rules.base) if r.name == name), None)
    if rule is None:
        return {"name": "", "category": "interest", "keywords": "", "exclude": "", "weight": 1}
    return {"name": rule.name, "category": rule.category, "keywords": " ".join(rule.keywords),
            "exclude": " ".join(rule.exclude), "weight": rule.weight}


def _page(c: Console, who: Viewer, group: GroupView, q: Any, status: int = 200, edit: dict[str, Any] | None = None,
          errors: list[str] | None = None, found: dict[str, Any] | None = None) -> web.Response:
    keywords, exclude = _words(q.get("keywords", "")), _words(q.get("exclude", ""))
    return c.pages.response("rules", status, viewer=who, group=group, now=c.clock(), tab="rules",
                            title=c.pages.t["tabs"]["rules"], rules=taxonomy(c), category=category_label, found=found,
                            form={"keywords": " ".join(keywords), "exclude": " ".join(exclude),
                                  "n": _n(q.get("n", ""))},
                            can_edit=sees_all(c.config, who.member_id), categories=KEYWORD_CATEGORIES,
                            edit=edit or _edit_form(c, q.get("edit", "")), errors=errors or [],
                            done=q.get("done", ""))


async def rules_page(request: web.Request) -> web.Response:
    """``GET …/rules[?keywords=&exclude=&n=][&edit=NAME]``: the taxonomy, a preview when keywords are given,
    and the edit form (filled with rule NAME)."""
    c = request.app[CONSOLE]
    who, group = await page_group(request)
    q = request.query
    keywords, exclude = _words(q.get("keywords", "")), _words(q.get("exclude", ""))
    found = await preview(c, group, keywords, exclude, _n(q.get("n", ""))) if keywords else None
    return _page(c, who, group, q, found=found)


def _weight(raw: str) -> float:
    try:
        return float(raw) if raw.strip() else 1.0
    except ValueError:
        return -1.0  # refused by tag_rules.problems


async def rules_post(request: web.Request) -> web.Response:
    """``POST …/rules`` with ``action`` = ``save`` | ``off`` | ``restore`` (admins of every group only;
    audited). Saved: back to the page; refused: the page again with the form as typed and what is wrong."""
    c = request.app[CONSOLE]
    who, group = await page_group(request)
    if not sees_all(c.config, who.member_id):
        t = c.pages.t
        return c.pages.message(403, t["rule_edit_denied_title"], [t["rule_edit_denied"]], viewer=who,
                               link=(group_url(group.id, "/rules"), t["rule_back"]))
    form = await request.post()
    action, name = str(form.get("action", "")), str(form.get("name", "")).strip()
    if action in ("off", "restore") and name:
        await (tag_rules.switch_off if action == "off" else tag_rules.restore)(c.repo, c.config, name, who.member_id)
        raise web.HTTPSeeOther(group_url(group.id, f"/rules?done={action}"))
    if action != "save":
        raise web.HTTPBadRequest()
    rule = tag_rules.RuleInput(name, tag_rules.words(str(form.get("keywords", ""))),
                               tag_rules.words(str(form.get("exclude", ""))), str(form.get("category", "")),
                               _weight(str(form.get("weight", ""))))
    wrong = tag_rules.problems(rule)
    if wrong:
        edit = {"name": name, "category": rule.category, "keywords": str(form.get("keywords", "")),
                "exclude": str(form.get("exclude", "")), "weight": str(form.get("weight", ""))}
        return _page(c, who, group, request.query, 400, edit=edit, errors=wrong)
    await tag_rules.save(c.repo, c.config, rule, who.member_id)
    raise web.HTTPSeeOther(group_url(group.id, "/rules?done=save"))


async def rules_json(request: web.Request) -> web.Response:
    """``GET /api/console/groups/{group}/rules[?keywords=&exclude=&n=]``."""
    c = request.app[CONSOLE]
    group = await api_group(request)
    q = request.query
    keywords, exclude = _words(q.get("keywords", "")), _words(q.get("exclude", ""))
    found = await preview(c, group, keywords, exclude, _n(q.get("n", ""))) if keywords else None
    return json_response({"rules": taxonomy(c), "store_text": c.config.storage.store_text, "preview": found})

"""A broadcast request from the CLI or the API: which groups, what, when; its preview; queueing it.

The running server's minute job sends queued broadcasts when their time has come (``handlers.broadcasts``),
so the CLI and the API only write rows and never talk to a platform themselves.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from bot.core.context import Context
from bot.core.events import UserRef
from bot.core.timeutil import iso_utc, parse_at
from bot.domain import broadcasts as bc


@dataclass(frozen=True, slots=True)
class Request:
    groups: tuple[str, ...]
    spec: bc.Spec
    send_at: float


def request_from(data: Any, ctx: Context, now: float) -> Request:
    """``{"groups"?: [...], "segment"?, "text"?, "variants"?, "at"?}`` → a request; no ``groups`` means every
    configured group. Raises SpecError (for a 400) naming what is wrong."""
    if not isinstance(data, dict):
        raise bc.SpecError("body must be a JSON object")
    groups = data.get("groups")
    if groups is None:
        groups = list(ctx.config.groups)
    if not isinstance(groups, list) or not groups or not all(isinstance(g, str) and g for g in groups):
        raise bc.SpecError("groups must be a non-empty list of group ids (or configure [[groups]])")
    at = data.get("at")
    send_at = now
    if at is not None:
        if isinstance(at, int | float) and not isinstance(at, bool):
            send_at = float(at)
        elif isinstance(at, str):
            try:
                send_at = parse_at(at)
            except ValueError as exc:
                raise bc.SpecError(f"at {exc}") from None
        else:
            raise bc.SpecError("at must be an ISO-8601 time or unix seconds")
    return Request(tuple(dict.fromkeys(groups)), bc.spec_from(data), max(send_at, now))


async def preview(ctx: Context, req: Request, now: float) -> list[dict[str, Any]]:
    """Per group: who would get which variant, privately or by @-mention, and who is left out."""
    out: list[dict[str, Any]] = []
    for group in req.groups:
        aud = await bc.audience(ctx.repo, ctx.config, group, req.spec, now, ctx.config.broadcasts.max_per_week)
        variants = []
        for v, members in zip(req.spec.variants, aud.reached, strict=True):
            dm = sum(1 for p in members if ctx.can_dm(UserRef.of(p.member)))
            variants.append({"segment": v.segment, "text": v.text, "private": dm, "mention": len(members) - dm,
                             "members": [p.member for p in members]})
        out.append({"group": group, "send_at": iso_utc(req.send_at), "total": aud.total, "variants": variants,
                    "unsubscribed": aud.unsubscribed, "capped": aud.capped})
    return out


async def queue(ctx: Context, req: Request, by: str) -> list[dict[str, Any]]:
    """Queue the broadcast in each group; ``[{"group", "id", "send_at"}]``."""
    rows = []
    spec = replace(req.spec, batch=secrets.token_hex(8)) if len(req.groups) > 1 else req.spec
    for group in req.groups:
        bid = await ctx.repo.broadcasts.add_broadcast(group, by, req.send_at, spec.to_json())
        await ctx.repo.privacy.audit(by, "broadcast", group, f"#{bid} at {iso_utc(req.send_at)}")
        rows.append({"group": group, "id": bid, "send_at": iso_utc(req.send_at)})
    return rows


async def unknown_groups(ctx: Context, groups: Sequence[str]) -> list[str]:
    return [g for g in groups if not await ctx.repo.members.group_exists(g)]

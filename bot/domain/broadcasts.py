"""Broadcasts (定时群发): who gets which copy.

A broadcast has an optional ``segment`` (only its members are reached) and ``variants``: each a segment
query (or a saved segment's name; None = everyone else) and its text. A member gets the first variant whose
segment they match. Never reached: members who opted out of profiling, members who said 退订, members who
left, and members a broadcast already reached ``max_per_week`` times in the last seven days.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.config import Config
from bot.domain import insights, segments
from bot.domain.profiles import Profile
from storage.repo import Repo

WEEK_S = 7 * 86400.0
MAX_TEXT = 2000
MAX_VARIANTS = 10


class SpecError(ValueError):
    """A broadcast that cannot be sent as written; the message says why in Chinese (shown to operators)."""


@dataclass(frozen=True, slots=True)
class Variant:
    segment: str | None
    text: str


@dataclass(frozen=True, slots=True)
class Spec:
    """What to send in one group: ``segment`` limits who is reached; ``variants`` say what each gets."""

    variants: tuple[Variant, ...]
    segment: str | None = None
    batch: str = ""  # set when one broadcast is queued to several groups: each member is reached once

    def to_json(self) -> str:
        return json.dumps({"segment": self.segment, "batch": self.batch,
                           "variants": [{"segment": v.segment, "text": v.text} for v in self.variants]},
                          ensure_ascii=False)


def spec_from(data: Any) -> Spec:
    """A spec from JSON-like data ``{"segment"?, "text"?, "variants"?: [{"segment"?, "text"}]}``: ``text``
    is the copy for everyone no variant matched. Raises SpecError."""
    if not isinstance(data, dict):
        raise SpecError("群发内容格式不对")
    seg = data.get("segment")
    if seg is not None and (not isinstance(seg, str) or not seg.strip()):
        raise SpecError("segment 必须是非空文字")
    raw = data.get("variants") or []
    if not isinstance(raw, list) or len(raw) > MAX_VARIANTS:
        raise SpecError(f"variants 必须是列表，最多 {MAX_VARIANTS} 条")
    variants: list[Variant] = []
    for v in raw:
        if not isinstance(v, dict):
            raise SpecError("每条 variants 需要 segment 和 text")
        s = v.get("segment")
        if s is not None and (not isinstance(s, str) or not s.strip()):
            raise SpecError("variants 里的 segment 必须是非空文字")
        variants.append(Variant(s.strip() if s else None, _text(v.get("text"))))
    if data.get("text") is not None:
        variants.append(Variant(None, _text(data.get("text"))))
    if not variants:
        raise SpecError("没有要发的内容：需要 text 或 variants")
    batch = data.get("batch")
    return Spec(tuple(variants), seg.strip() if seg else None, batch if isinstance(batch, str) else "")


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise SpecError("群发文案不能为空")
    if len(value) > MAX_TEXT:
        raise SpecError(f"群发文案最多 {MAX_TEXT} 字")
    return value.strip()


def parse_chat(text: str) -> Spec:
    """The chat form: one line per variant, ``【分群】文案``; the lines without 【】 together are the copy for
    everyone no variant matched."""
    variants: list[dict[str, Any]] = []
    rest: list[str] = []
    for line in text.strip().splitlines():
        s = line.strip()
        if s.startswith("【") and "】" in s:
            seg, _, body = s[1:].partition("】")
            variants.append({"segment": seg.strip() or None, "text": body.strip()})
        else:
            rest.append(line)
    data: dict[str, Any] = {"variants": variants}
    if "\n".join(rest).strip():
        data["text"] = "\n".join(rest).strip()
    return spec_from(data)


@dataclass(slots=True)
class Audience:
    """Who gets which variant (``reached[i]``: the members of variant ``i``) and who is left out."""

    reached: list[list[Profile]] = field(default_factory=list)
    unsubscribed: int = 0
    capped: int = 0

    @property
    def total(self) -> int:
        return sum(len(r) for r in self.reached)


async def _resolve(repo: Repo, cfg: Config, group_id: str, query: str, now: float) -> set[str]:
    saved = await repo.profiles.saved_segments(group_id)
    try:
        return {p.member for p in await insights.segment(repo, cfg, group_id, saved.get(query, query), now)}
    except segments.QueryError as exc:
        raise SpecError(f"分群“{query}”写得不对：{exc}") from None


def assign(everyone: Sequence[Profile], segment: set[str] | None, matches: Sequence[set[str] | None]
           ) -> list[list[Profile]]:
    """Pure: each member in ``segment`` (None: everyone) gets the first variant whose member set holds them
    (None: matches all)."""
    out: list[list[Profile]] = [[] for _ in matches]
    for p in everyone:
        if segment is not None and p.member not in segment:
            continue
        for i, m in enumerate(matches):
            if m is None or p.member in m:
                out[i].append(p)
                break
    return out


async def audience(repo: Repo, cfg: Config, group_id: str, spec: Spec, now: float, max_per_week: int) -> Audience:
    """Who a broadcast reaches in one group now. Raises SpecError for a segment that does not parse."""
    everyone = [p for p in await insights.group_profiles(repo, cfg, group_id, now, evidence=False)
                if not p.opted_out and p.lifecycle != "left"]
    seg = await _resolve(repo, cfg, group_id, spec.segment, now) if spec.segment else None
    matches = [await _resolve(repo, cfg, group_id, v.segment, now) if v.segment else None for v in spec.variants]
    chosen = assign(everyone, seg, matches)
    ids = [p.member for ps in chosen for p in ps]
    done = await repo.broadcasts.reached_in_batch(spec.batch, ids)
    chosen = [[p for p in ps if p.member not in done] for ps in chosen]
    out = await repo.broadcasts.optouts_among(ids)
    counts = await repo.broadcasts.deliveries_since(ids, now - WEEK_S)
    result = Audience()
    for ps in chosen:
        keep: list[Profile] = []
        for p in ps:
            if p.member in out:
                result.unsubscribed += 1
            elif max_per_week and counts.get(p.member, 0) >= max_per_week:
                result.capped += 1
            else:
                keep.append(p)
        result.reached.append(keep)
    return result

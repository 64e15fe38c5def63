"""The keyword hits a persona card quotes, read for those cards only.

A card shows the newest hit of its distinguishing tags among its members (:func:`bot.domain.persona_cards.
evidence`): of each (member, tag) pair only the newest live hit can be shown, and only for the card's few
shown tags. A run therefore clusters profiles read without evidence and reads afterwards, in one grouped
read, the newest hit of exactly the pairs its cards may quote — at 10,000 members that is a few thousand
pairs instead of the newest five hits of all ~80,000 carried pairs (about 3 s of the run). The hit read is
the one profiles use (newest first, after any rejection, ``storage.repo.evidence``), so a card quotes what it
quoted from full profiles.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from bot.core.config import Config
from bot.domain.persona_cards import KEYWORD, distinguishing, shown_tags
from bot.domain.profiles import Evidence, Profile
from storage.repo import Repo

Newest = Mapping[tuple[str, str], Evidence]


async def newest_hits(repo: Repo, cfg: Config, group_id: str,
                      wanted: Mapping[str, Collection[str]]) -> dict[tuple[str, str], Evidence]:
    """``(member, tag)`` → the newest live hit, for each member's ``wanted`` keyword tags (pairs
    without a live hit are left out). Text only where the group keeps it, as in a profile."""
    pairs = sorted({(m, tag) for m, tags in wanted.items() for tag in tags})
    keep_text = cfg.storage.store_text
    found = await repo.members.newest_hits(group_id, pairs, 1, with_text=keep_text)
    return {pair: Evidence(h[0], h[1], h[2], h[3] if keep_text else None) for pair, (h, *_older) in found.items()}


def quoted_pairs(clusters: Sequence[Sequence[Profile]], everyone: Sequence[Profile],
                 min_cell: int) -> dict[str, list[str]]:
    """Member → the keyword tags whose newest hit their persona's card may quote (its shown tags)."""
    out: dict[str, list[str]] = {}
    for members in clusters:
        shown = set(shown_tags(members, distinguishing(members, everyone, min_cell), min_cell))
        for p in members:
            tags = [t.name for t in p.tags if t.source == KEYWORD and t.name in shown]
            if tags:
                out[p.member] = tags
    return out

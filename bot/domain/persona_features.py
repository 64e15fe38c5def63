"""Members as numbers for clustering: one named column per feature, grouped in weighted blocks.

Blocks (each column is in 0..1 before its block weight):

- ``tag:<name>`` — how strongly the member carries a tag: ``1 − e^(−score)`` (a score of 1 gives 0.63, of 3
  gives 0.95), 1 for a tag without a score (survey, manual, activity);
- ``hour:<a>-<b>`` — share of the member's messages in each four-hour block of the group's local day;
- ``stage:<lifecycle>`` and ``tier:<tier>`` — one-hot;
- ``attr:<key>=<value>`` — one-hot per categorical attribute.

Only tags and attribute values that at least ``min_cell`` of the clustered members carry become columns, so a
rare tag neither splits a persona off nor names one. Columns are sorted by name and members by id, so the
same data always gives the same matrix. A later block (spend, orders) is one more entry in :data:`WEIGHTS`
and one more function in :func:`encode`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from bot.domain.profiles import Profile

# a block's weight scales its columns: tags say the most about what a persona wants; the day's rhythm,
# stage, tier and attributes shape it without drowning the tags
WEIGHTS = {"tag": 1.0, "hour": 1.0, "stage": 0.8, "tier": 0.8, "attr": 0.7}
HOUR_BLOCKS = tuple((h, h + 4) for h in range(0, 24, 4))


@dataclass(frozen=True, slots=True)
class Features:
    """The encoded members: ``matrix[i]`` is ``members[i]`` over ``columns`` (weights applied)."""

    members: tuple[str, ...]
    columns: tuple[str, ...]
    matrix: NDArray[np.float64]


def tag_strength(score: float | None) -> float:
    """0..1: how strongly a tag with this score counts (1 when the tag has no score)."""
    return 1.0 if score is None else 1.0 - math.exp(-max(score, 0.0))


def _tags(p: Profile) -> dict[str, float]:
    return {f"tag:{t.name}": tag_strength(t.score) for t in p.tags}


def _hours(p: Profile) -> dict[str, float]:
    total = sum(p.stats.hours)
    if not total:
        return {}
    return {f"hour:{a:02d}-{b:02d}": sum(p.stats.hours[a:b]) / total for a, b in HOUR_BLOCKS}


def _stage(p: Profile) -> dict[str, float]:
    return {f"stage:{p.lifecycle}": 1.0} if p.lifecycle else {}


def _tier(p: Profile) -> dict[str, float]:
    return {f"tier:{p.tier}": 1.0} if p.tier else {}


def _attributes(p: Profile) -> dict[str, float]:
    return {f"attr:{k}={a.value}": 1.0 for k, a in p.attributes.items()}


ENCODERS: tuple[Callable[[Profile], dict[str, float]], ...] = (_tags, _hours, _stage, _tier, _attributes)
COUNTED = ("tag", "attr")  # blocks whose columns need min_cell carriers


def encode(profiles: Sequence[Profile], min_cell: int) -> Features:
    """The members (sorted by id) as a weighted matrix; see the module docstring for the columns."""
    ordered = sorted(profiles, key=lambda p: p.member)
    rows = [{k: v for enc in ENCODERS for k, v in enc(p).items()} for p in ordered]
    carriers = Counter(k for row in rows for k in row)
    columns = sorted(k for k, n in carriers.items() if k.partition(":")[0] not in COUNTED or n >= min_cell)
    index = {c: i for i, c in enumerate(columns)}
    weights = np.array([WEIGHTS[c.partition(":")[0]] for c in columns], dtype=np.float64)
    matrix = np.zeros((len(rows), len(columns)), dtype=np.float64)
    for i, row in enumerate(rows):
        for k, v in row.items():
            if k in index:
                matrix[i, index[k]] = v
    return Features(tuple(p.member for p in ordered), tuple(columns), matrix * weights)

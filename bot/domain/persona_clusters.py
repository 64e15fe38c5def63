"""Clustering members into personas, and matching a run's clusters to the last run's.

The criterion, stated once: k-means (scikit-learn, ``n_init=10``, a fixed seed) for every k from 3 to 7;
a k counts only when each of its clusters has at least ``min_cell`` members; of those the k with the
highest mean silhouette wins (the smaller k on a tie). When no k from 3 to 7 counts — a small group — k = 2
is tried the same way, and else everyone is one persona. Members come sorted by id and the seed is fixed, so
the same data gives the same clusters.

Matching: a new cluster takes the id of the last run's persona whose centroid (how the persona differs
from the group's mean) is nearest, pairing both sets
at the least total distance (the Hungarian method), and only when that distance is below
:data:`MATCH_DISTANCE`; a cluster unlike any old one gets a new id.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits

from bot.domain.persona_features import Features
from storage.repo import StoredPersona

SEED = 20240601
K_RANGE = range(3, 8)
SILHOUETTE_SAMPLE = 2000  # members the silhouette is measured on in a large group (seeded sample)
MATCH_DISTANCE = 0.75  # in the weighted feature space: one tag carried by all versus none is about 0.9


@dataclass(frozen=True, slots=True)
class Clusters:
    """``labels[i]`` is the cluster of ``features.members[i]``; clusters are numbered largest first.
    ``silhouette`` is None when k < 3 was the fallback. A centroid is the cluster's mean minus the whole
    group's mean, by column name (zero columns left out)."""

    k: int
    labels: tuple[int, ...]
    silhouette: float | None
    centroids: tuple[dict[str, float], ...]


# scikit-learn and SciPy are imported where a clustering runs, not with this module: together they are about
# 90 MB of memory in every process that imports them, and only the process that computes personas needs them
# (web processes and the parent of `quntag serve` never do).


def _fit(x: np.ndarray, k: int) -> np.ndarray:
    from sklearn.cluster import KMeans

    with warnings.catch_warnings():  # identical members make fewer distinct points than k: still valid
        warnings.simplefilter("ignore")
        model = KMeans(n_clusters=k, n_init=10, random_state=SEED).fit(x)
    return np.asarray(model.labels_, dtype=np.int64)


def _numbered(labels: np.ndarray) -> np.ndarray:
    """The same partition numbered by size (largest first), then by the first member in it."""
    found = sorted(set(labels.tolist()), key=lambda c: (-int((labels == c).sum()), int(np.argmax(labels == c))))
    order = {c: i for i, c in enumerate(found)}
    return np.array([order[int(c)] for c in labels], dtype=np.int64)


def _score(x: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import silhouette_score

    n = len(labels)
    return float(silhouette_score(x, labels, sample_size=min(n, SILHOUETTE_SAMPLE), random_state=SEED))


def _valid(labels: np.ndarray, k: int, min_cell: int) -> bool:
    sizes = np.bincount(labels, minlength=k)
    return len(set(labels.tolist())) == k and int(sizes.min()) >= min_cell


def cluster(features: Features, min_cell: int) -> Clusters:
    """Every member in exactly one cluster, k chosen as the module docstring states. Runs on one native
    thread: on a busy machine OpenMP's thread per core made it ten times slower (8.8 s against 0.7 s for
    1,000 members), and it leaves the other cores to the bot."""
    with threadpool_limits(limits=1):
        return _cluster(features, min_cell)


def _cluster(features: Features, min_cell: int) -> Clusters:
    x, n = features.matrix, len(features.members)
    best: tuple[float, int, np.ndarray] | None = None
    for k in K_RANGE:
        if k * min_cell > n or n <= k:
            break
        labels = _fit(x, k)
        if _valid(labels, k, min_cell):
            s = _score(x, labels)
            if best is None or s > best[0] + 1e-9:
                best = (s, k, labels)
    if best is not None:
        return _clusters(features, best[2], best[1], round(best[0], 4))
    if n >= 2 * min_cell and n > 2:
        labels = _fit(x, 2)
        if _valid(labels, 2, min_cell):
            return _clusters(features, labels, 2, None)
    return _clusters(features, np.zeros(n, dtype=np.int64), 1 if n else 0, None)


def _clusters(features: Features, labels: np.ndarray, k: int, silhouette: float | None) -> Clusters:
    labels = _numbered(labels) if len(labels) else labels
    cents = []
    everyone = features.matrix.mean(axis=0) if len(labels) else None
    for c in range(k):
        # kept as the difference from the whole group: a tag that comes to everyone (种子用户 after a
        # recompute) moves every persona alike and must not break the match with the last run
        mean = features.matrix[labels == c].mean(axis=0) - everyone
        cents.append({col: round(float(v), 4) for col, v in zip(features.columns, mean, strict=True)
                      if round(float(v), 4)})
    return Clusters(k, tuple(int(v) for v in labels), silhouette, tuple(cents))


def distance(a: dict[str, float], b: dict[str, float]) -> float:
    """Euclidean distance between two centroids given by column name (a missing column is 0)."""
    return float(np.sqrt(sum((a.get(c, 0.0) - b.get(c, 0.0)) ** 2 for c in set(a) | set(b))))


def match(centroids: Sequence[dict[str, float]], last: Sequence[StoredPersona]) -> list[int | None]:
    """For each new cluster, the id of the last run's persona it continues, or None."""
    out: list[int | None] = [None] * len(centroids)
    if not centroids or not last:
        return out
    from scipy.optimize import linear_sum_assignment

    cost = np.array([[distance(c, p.centroid) for p in last] for c in centroids])
    rows, cols = linear_sum_assignment(cost)
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        if cost[r, c] < MATCH_DISTANCE:
            out[r] = last[c].id
    return out

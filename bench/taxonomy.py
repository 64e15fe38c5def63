"""Taxonomy: precision and recall of the shipped ``[[tags]]`` (config.example.toml) on the hand-tagged group chat
in tests/fixtures/taxonomy/, overall and per tag. A quality figure, not a speed: what the taxonomy review
reached, which tests/domain/test_taxonomy.py holds to a floor."""

from __future__ import annotations

import sys
from typing import Any

from common import ROOT

sys.path.insert(0, str(ROOT))  # the corpus and its scoring live with the tests that check them
from tests.domain.taxonomy import corpus, evaluate, report, shipped_rules


def run_taxonomy(log: Any) -> dict[str, Any]:
    log("taxonomy: tagging the hand-tagged corpus with the shipped [[tags]]")
    scores = evaluate(shipped_rules(), corpus())
    return {"lines": scores.lines, "precision": scores.overall.precision, "recall": scores.overall.recall,
            "by_tag": {tag: {"precision": c.precision, "recall": c.recall, "right": c.right, "wrong": c.wrong,
                             "missed": c.missed} for tag, c in scores.by_tag.items()},
            "table": report(scores)}

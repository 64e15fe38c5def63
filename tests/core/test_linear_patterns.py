"""Reading member text is linear by construction: no regular expression in quntag can backtrack.

One check over every module of ``bot/``, ``handlers/`` and ``storage/``: each pattern is compiled once at
module level (so all of them are seen here) and has no unbounded greedy or lazy repeat, only possessive
ones (which give nothing back) or small fixed bounds; nothing calls ``re.match``/``re.sub``/… inline or
compiles a pattern inside a function. How fast the worst known inputs run is measured in
``bench/text_scans.py`` (``make bench``), not asserted here.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

from storage.repo.scrub import Subject

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("bot", "handlers", "storage")
# Run only inside alembic, which provides ``alembic.context.config``; checked as source below all the same.
ALEMBIC_ONLY = {"storage.migrations.env"}
# Patterns built at run time, and why they cannot backtrack (checked on a sample in the test).
BUILT_FROM_DATA = {
    "storage/repo/scrub.py": "a member's escaped ids and names joined by |, with no repeat at all",
}
MATCHING = {"compile", "match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"}


def modules() -> Iterator[ModuleType]:
    for package in PACKAGES:
        root = importlib.import_module(package)
        yield root
        for info in pkgutil.walk_packages(root.__path__, f"{package}."):
            if info.name not in ALEMBIC_ONLY:
                yield importlib.import_module(info.name)


def sources() -> Iterator[Path]:
    for package in PACKAGES:
        yield from sorted((ROOT / package).rglob("*.py"))


def backtracking_repeats(pattern: re.Pattern[str]) -> list[str]:
    """Unbounded greedy/lazy repeats in ``pattern`` (possessive ones and small fixed bounds are fine)."""
    from re import _constants as c  # type: ignore[attr-defined]
    from re import _parser  # type: ignore[attr-defined]

    found: list[str] = []

    def walk(sub: Any) -> None:
        for op, av in sub:
            if op in (c.MAX_REPEAT, c.MIN_REPEAT):
                low, high, inner = av
                if high == c.MAXREPEAT or high > 64:
                    found.append(f"{op} {low}..{high}")
                walk(inner)
            elif op is c.POSSESSIVE_REPEAT:
                walk(av[2])
            elif op is c.SUBPATTERN:
                walk(av[3])
            elif op is c.BRANCH:
                for alt in av[1]:
                    walk(alt)
            elif op in (c.ASSERT, c.ASSERT_NOT):
                walk(av[1])
            elif op is c.ATOMIC_GROUP:
                walk(av)

    walk(_parser.parse(pattern.pattern, pattern.flags))
    return found


def inline_calls(path: Path) -> list[str]:
    """``re.<matching function>(`` calls other than ``NAME = re.compile(...)`` at module level."""
    tree = ast.parse(path.read_text("utf-8"))
    module_level = {id(node.value) for node in tree.body if isinstance(node, ast.Assign | ast.AnnAssign)}
    return [f"{path.relative_to(ROOT)}:{node.lineno} re.{node.func.attr}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
            and node.func.attr in MATCHING and not (node.func.attr == "compile" and id(node) in module_level)]


def test_every_pattern_is_compiled_once_at_module_level_and_cannot_backtrack() -> None:
    patterns = {f"{m.__name__}.{name}": value for m in modules() for name, value in vars(m).items()
                if isinstance(value, re.Pattern)}
    assert len(patterns) >= 15  # the walk reaches the adapters, core, features and storage alike
    assert {name: bad for name, p in patterns.items() if (bad := backtracking_repeats(p))} == {}
    inline = [call for path in sources() for call in inline_calls(path)
              if not (str(path.relative_to(ROOT)) in BUILT_FROM_DATA and call.endswith(" re.compile"))]
    assert inline == []
    built = Subject("generic:g-1", "generic:u-1", frozenset({"小王 (x)+", "a.*b"})).pattern
    assert backtracking_repeats(built) == []

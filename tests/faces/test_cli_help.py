"""What ``--help`` and ``--version`` show an operator: every subcommand's help, free of the team's internal
references, and the installed version."""

from __future__ import annotations

import argparse
import re
from importlib.metadata import version

import pytest

from bot.faces.cli import _parser, main

INTERNAL = re.compile(r"contract|§|\bissue\s*\d|team guide", re.IGNORECASE)


def commands(parser: argparse.ArgumentParser, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path (``()``, ``("serve",)``, ``("outbox", "list")`` …), walked from the parser."""
    found = [path]
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found += commands(sub, (*path, name))
    return found


@pytest.mark.parametrize("path", commands(_parser()), ids=lambda p: " ".join(p) or "quntag")
def test_help_has_no_internal_references(path, capsys):
    with pytest.raises(SystemExit) as done:
        main([*path, "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    assert text.startswith("usage: quntag") and not INTERNAL.search(text), text


def test_every_subcommand_is_walked():
    paths = commands(_parser())
    assert ("outbox", "drop") in paths and ("restore",) in paths and len(paths) > 20


def test_version_prints_quntag_and_the_installed_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out == f"quntag {version('quntag')}\n" and re.fullmatch(r"quntag \d+\.\d+\.\d+\n", out)

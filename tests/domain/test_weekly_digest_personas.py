"""The weekly digest's persona line shows the group's kept insights run: the cards the console's segments and
personas page shows (same ids, names and sizes), computed once for both, and never cards an opt-out made
stale."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest

from bot.domain import insights, personas
from bot.domain import reports as report_texts
from tests.faces.console._community import A, persona_community


@pytest.fixture
async def bot(make_bot: Any) -> Any:
    return await persona_community(make_bot)


async def console_cards(bot: Any) -> list[dict[str, Any]]:
    status, d = await bot.api(f"/api/console/groups/{quote(A, safe='')}/insights")
    assert status == 200
    cards: list[dict[str, Any]] = d["personas"]
    return cards


async def digest_persona_lines(bot: Any) -> list[str]:
    rt = bot.runtime
    text = (await report_texts.weekly(rt.repo, rt.context.render, bot.config, bot.config.groups[A],
                                      bot.clock())).plain()
    lines = text.splitlines()
    start = lines.index("人群画像：") + 1
    return [line for line in lines[start:] if line.startswith("· ")]


def lines_of(cards: list[dict[str, Any]]) -> list[str]:
    """How the digest words each card: name, size and share (what follows depends on tags and hours)."""
    return [f"· {c['name']} {c['size']} 人（{int(c['share'] * 100 + 0.5)}%）" for c in cards]


def starts(lines: list[str], heads: list[str]) -> bool:
    return len(lines) == len(heads) and all(line.startswith(h) for line, h in zip(lines, heads, strict=True))


def no_run(*_a: Any, **_k: Any) -> Any:
    raise AssertionError("the kept run should have been read")


async def test_the_digest_and_the_console_show_one_kept_run(bot: Any, monkeypatch: Any) -> None:
    shown = await digest_persona_lines(bot)  # computes the group's run and keeps it
    monkeypatch.setattr(personas, "run", no_run)
    monkeypatch.setattr(insights, "group_profiles", no_run)
    cards = await console_cards(bot)  # … so the console reads it
    assert cards and starts(shown, lines_of(cards))
    assert await digest_persona_lines(bot) == shown  # and so does the next digest while nothing changes


async def test_a_digest_after_an_opt_out_shows_no_stale_cards(bot: Any) -> None:
    await console_cards(bot)  # the console kept a run
    before = await digest_persona_lines(bot)
    await bot.runtime.repo.privacy.set_opt_out(A, "generic:u-2", True)
    after = await digest_persona_lines(bot)
    repo, cfg = bot.runtime.repo, bot.config
    recomputed = await personas.personas(repo, cfg, A, bot.clock(), "zh-CN")
    assert sum(c["size"] for c in recomputed) == 3  # u-1, u-5 and u-6 are left to cluster (u-3, u-4 left)
    assert after != before and starts(after, lines_of(recomputed))
    assert await console_cards(bot) == recomputed  # the digest kept its run for the console

"""Entry gate (placeholder until the gate section below is filled in)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.config import GroupConfig
from bot.context import Context

if TYPE_CHECKING:
    from bot.jobs import Jobs


async def timeouts(jobs: Jobs, ctx: Context, group: GroupConfig) -> None:
    return None

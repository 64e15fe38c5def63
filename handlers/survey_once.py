"""Surveys sent once at a time an operator picked in the console: a minute job posts each when it is due."""

from __future__ import annotations

from bot.core.config import GroupConfig, SurveyConfig
from bot.core.context import Context
from bot.core.events import ChatRef
from bot.core.jobs import Jobs, MinuteJob
from handlers.surveys import start


def one_off_key(survey_id: str) -> str:
    """The group setting that holds a one-off send time (unix seconds) an operator set in the console."""
    return f"survey_at:{survey_id}"


async def post_due_surveys(jobs: Jobs, ctx: Context, group: GroupConfig) -> None:
    """Post each survey whose one-off time has come (once: the run is recorded under that time), then forget
    the time; a time missed by more than the scheduler's grace is dropped unsent."""
    now = ctx.clock()
    for sv in ctx.config.surveys:
        at = await ctx.repo.settings.setting_value(group.id, one_off_key(sv.id))
        if at is None or float(at) > now:
            continue
        if now - float(at) <= jobs.grace:
            async def post_survey(c: Context, g: GroupConfig, sv: SurveyConfig = sv) -> None:
                await start(c, sv, ChatRef.of(g.id))
            await jobs.run(group, f"survey_once:{sv.id}", float(at), post_survey)
        await ctx.repo.settings.set_setting(group.id, one_off_key(sv.id), None)


ONE_OFF_SURVEYS = MinuteJob("one_off_surveys", post_due_surveys)

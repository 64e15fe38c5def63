"""Feature modules: chat routers, observers and the jobs they declare.

Everything is listed explicitly here, in dispatch order (observers first, then commands); the faces
call these functions, so nothing registers itself at import time.

Each feature module keeps its handlers as module-level functions (import one and call it with a context
to test it alone) and exposes ``router() -> Router``, a function rather than a module constant: a router
is built by registration calls, one feature (tagging) builds it from the config, and a fresh one per app
means two apps in one process (as in the tests) share nothing.
"""

from __future__ import annotations

from bot.core.config import Config
from bot.core.dispatch import Dispatcher
from bot.core.jobs import MinuteJob, ScheduledJob
from bot.core.middleware import AdminOnly, ChatGate, MemberRateLimit, Middleware
from handlers import (
    activities,
    activity,
    audience,
    basics,
    broadcasts,
    checkins,
    commerce,
    console,
    faq,
    gate,
    member_admin,
    moderation,
    news,
    people,
    privacy,
    question_routing,
    questions,
    reactions,
    report_schedules,
    reports,
    rewards,
    routine,
    signals,
    survey_once,
    survey_reach,
    surveys,
    tagging,
    welcome,
)


def build_dispatcher(config: Config) -> Dispatcher:
    """The dispatcher with every router and the middleware chain, built fresh for one app (nothing global)."""
    routers = [
        activity.router(),
        reactions.router(),
        tagging.router(config.rules),
        commerce.router(),
        signals.router(),
        moderation.router(),
        questions.router(),
        faq.router(),  # after questions: a FAQ's answer marks the recorded question answered
        welcome.router(),
        report_schedules.router(),
        news.router(),
        activities.router(),
        gate.router(),
        basics.router(),
        console.router(),
        privacy.router(),
        people.router(),
        member_admin.router(),
        audience.router(),
        broadcasts.router(),
        checkins.router(),
        surveys.router(),
        question_routing.router(),
        rewards.router(),
    ]
    limits = MemberRateLimit(config.server.member_commands_per_minute, config.server.admin_commands_per_minute)
    middlewares: list[Middleware] = [limits, ChatGate(), AdminOnly()]
    return Dispatcher(routers, middlewares)


def group_jobs() -> list[ScheduledJob]:
    """Jobs scheduled by a group config key (``morning_report = "08:00"``); ``quntag report`` runs them."""
    return [reports.MORNING_REPORT, reports.WEEKLY_DIGEST]


def schedule_keys() -> list[str]:
    """The group config keys the declared jobs read (the config accepts exactly these)."""
    return [j.config_key for j in group_jobs() if j.config_key]


def scheduled_jobs(config: Config) -> list[ScheduledJob]:
    """Jobs that fire on each group's schedule (reports, scheduled surveys)."""
    return [*group_jobs(), *surveys.scheduled_jobs(config)]


def minute_jobs() -> list[MinuteJob]:
    """Checks run every minute for every group."""
    return [routine.ACTIVITY_REMINDERS, routine.ALERTS, gate.JOIN_TIMEOUTS, survey_once.ONE_OFF_SURVEYS,
            moderation.CAPTCHA_TIMEOUTS, question_routing.QUESTION_ROUTING, broadcasts.BROADCASTS,
            survey_reach.SURVEY_REMINDERS]

"""What a member's profile shows them in chat (``/me``): each tag once with its category in the group's language,
a number only where it is an intensity, and the answers they gave in surveys.

The profile JSON (``serialize``) keeps every tag entry as stored — a tag may come both from keywords and from an
admin or a survey. In chat the member sees it once: the keyword entry (with its score) when there is one. Only
keyword scores are intensities; activity tags carry a share or a count (``/why`` explains those), so they show
no number here.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.config import Config, SurveyConfig
from bot.core.config.schema import QuestionConfig
from bot.core.labels import label
from bot.domain.profiles.model import Profile


@dataclass(frozen=True, slots=True)
class ShownTag:
    name: str
    category: str
    score: float | None


@dataclass(frozen=True, slots=True)
class ShownAnswer:
    """A survey answer as the member gave it: the question (its text without the question mark) and the value."""

    question: str
    value: str


def category_label(category: str, locale: str) -> str:
    """A tag category in ``locale``: the known ones translated, a category the operator made up as they wrote it."""
    return label("category", category, locale)


def shown_tags(p: Profile, locale: str) -> list[ShownTag]:
    """The profile's tags in its order, each name once; the score only for a keyword tag."""
    out: dict[str, ShownTag] = {}
    for t in p.tags:
        if t.name not in out:
            out[t.name] = ShownTag(t.name, category_label(t.category, locale),
                                   t.score if t.source == "keyword" else None)
    return list(out.values())


def asked_by(cfg: Config, key: str, source: str) -> tuple[SurveyConfig | None, QuestionConfig | None] | None:
    """The survey (when still configured) and its question that set the attribute ``key``; None when the
    attribute's ``source`` is no survey."""
    survey_id = source.removeprefix("survey:")
    if survey_id == source:
        return None
    sv = cfg.survey(survey_id)
    return sv, next((q for q in sv.questions if q.attribute == key), None) if sv else None


def survey_answers(p: Profile, cfg: Config) -> tuple[list[ShownAnswer], int]:
    """The attributes the member set by answering a survey, labelled with the question that asked; and how many
    answers to sensitive questions were left out (a group reply never repeats those: ``/myattr`` shows them
    privately). Attributes an admin set (``manual``) are theirs to show, not ``/me``'s."""
    shown, hidden = [], 0
    for key, a in p.attributes.items():
        asked = asked_by(cfg, key, a.source)
        if asked is None:
            continue
        _sv, question = asked
        if question is not None and question.sensitive:
            hidden += 1
            continue
        label = question.text.rstrip("？?：: ") if question is not None else key
        shown.append(ShownAnswer(label, a.value))
    return shown, hidden

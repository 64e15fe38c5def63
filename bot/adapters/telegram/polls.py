"""Native polls: ``sendPoll`` out (non-anonymous, so votes name the voter), ``poll_answer`` updates in.

Wire facts (Bot API): ``sendPoll`` takes ``chat_id``, ``question`` (1–300 characters), ``options`` (2–10
``InputPollOption`` objects ``{"text": …}``, each 1–100 characters), ``is_anonymous`` (default true) and
``allows_multiple_answers``; it returns the sent ``Message`` whose ``poll.id`` names the poll. A vote in a
non-anonymous poll arrives as ``{"update_id", "poll_answer": {"poll_id", "user", "option_ids"}}`` (0-based
indexes; empty when the vote is withdrawn; ``voter_chat`` instead of ``user`` for anonymous admins). The
webhook's ``allowed_updates`` must list ``poll_answer``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.adapters.shared.support import bad, id_field
from bot.adapters.telegram.fields import optional, user_name
from bot.core.adapter import Parsed
from bot.core.events import ChatRef, PollAnswer, UserRef
from bot.core.outgoing import Poll

MAX_QUESTION, MAX_OPTION, MIN_OPTIONS, MAX_OPTIONS = 300, 100, 2, 10


def fits(poll: Poll) -> bool:
    """Whether Telegram accepts the poll as it is (else the survey is posted as text)."""
    return (0 < len(poll.question) <= MAX_QUESTION and MIN_OPTIONS <= len(poll.options) <= MAX_OPTIONS
            and all(0 < len(o) <= MAX_OPTION for o in poll.options))


def poll_params(chat_id: int | str, poll: Poll) -> dict[str, Any]:
    return {"chat_id": chat_id, "question": poll.question, "options": [{"text": o} for o in poll.options],
            "is_anonymous": False, "allows_multiple_answers": poll.multiple}


def sent_poll_id(result: Any) -> str:
    """``poll.id`` of the Message ``sendPoll`` returned; ValueError when it is not there."""
    poll = result.get("poll") if isinstance(result, dict) else None
    pid = poll.get("id") if isinstance(poll, dict) else None
    if not isinstance(pid, str) or not pid:
        raise ValueError("sendPoll answered without poll.id")
    return pid


def poll_answer(adapter: str, key: str, upd: Mapping[str, Any], now: float) -> Parsed:
    """``poll_answer`` → PollAnswer (the update carries no date: it is stamped on arrival)."""
    pid = upd.get("poll_id")
    if not isinstance(pid, str) or not pid:
        raise bad("missing field: poll_answer.poll_id")
    ids = upd.get("option_ids")
    if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) and 0 <= i < 100
                                            for i in ids):
        raise bad("field poll_answer.option_ids must be a list of option indexes")
    voter = optional(upd, "user")
    if voter is None:
        return Parsed(key=key, ignored="anonymous")  # voted as a chat (anonymous admin): no member to map
    uid = id_field(voter, "id")
    return Parsed(key=key, events=(PollAnswer(
        event_id=f"poll:{pid}:{uid}:{key}", chat=ChatRef(adapter, uid), user=UserRef(adapter, uid), time=now,
        poll_id=pid, options=tuple(sorted(set(ids))), user_name=user_name(voter)),))

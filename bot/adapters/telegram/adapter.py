"""``type = "telegram"``: Bot API webhook in (secret-token header), ``sendMessage`` (HTML) out."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from bot.adapters.shared import credentials
from bot.adapters.shared.support import ascii_int, loads
from bot.adapters.telegram.api import call_api, chat_id_param, user_id_param
from bot.adapters.telegram.buttons import answer_params, keyboard
from bot.adapters.telegram.joins import decision_call
from bot.adapters.telegram.moderation import KINDS, action_calls
from bot.adapters.telegram.parse import UpdateParser
from bot.adapters.telegram.polls import fits, poll_params, sent_poll_id
from bot.adapters.telegram.render import MAX_LEN, render_chunks
from bot.adapters.telegram.state import APPLICANT_DM_S, TelegramState
from bot.core.adapter import (
    MALFORMED,
    MISSING,
    AdapterDeps,
    Capabilities,
    Learned,
    Parsed,
    SendError,
    WebhookRejected,
    WebReply,
)
from bot.core.config.options import AdapterOptions, text
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import Outgoing

log = logging.getLogger("quntag.telegram")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
OPTIONS = AdapterOptions((
    text("token", secret=True),
    text("secret_token", secret=True),
    text("api_base", "https://api.telegram.org"),
    text("bot_username", ""),  # without @; read from getMe when empty
))
# Answers to a join decision meaning the request is already settled: nothing left to do, not a failure.
SETTLED = ("HIDE_REQUESTER_MISSING", "USER_ALREADY_PARTICIPANT")


class TelegramAdapter:
    type = "telegram"
    ack = WebReply(200, b"")

    def __init__(self, name: str, options: Mapping[str, Any], deps: AdapterDeps,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.name = name
        self.options = OPTIONS.read(f"adapters.{name}", options)
        self.token = self.options.text("token")
        self.secret_token = self.options.text("secret_token")
        self.api_base = self.options.text("api_base").rstrip("/")
        username = self.options.text("bot_username").lstrip("@")
        self.deps = deps
        self.sleep = sleep
        self.state = TelegramState(bot_username=username, keep_username=bool(username))
        self._progress: dict[str, int] = {}  # outgoing key → chunks already accepted
        self.capabilities = Capabilities(visibility="mentions", private_messages=True, membership_events=True,
                                         retries_deliveries=True, max_text_len=MAX_LEN,
                                         per_chat_per_minute=20, per_chat_per_second=1.0, join_requests=True,
                                         moderation=KINDS, polls=True, buttons=True)

    # -- lifecycle --------------------------------------------------------------------------------
    async def start(self) -> None:
        if not self.secret_token:  # serve refuses this unless --insecure-dev
            log.warning("telegram %s: no secret_token: anyone can post updates; for development only", self.name)
        if self.deps.state is not None:
            try:
                self.state.load(await self.deps.state.load())
            except Exception:
                log.exception("telegram %s: could not load stored state", self.name)
        try:
            me = await self.call("getMe", {})
        except SendError as exc:
            log.warning("telegram %s: getMe failed (%s); visibility unknown until it succeeds", self.name, exc)
        else:
            if isinstance(me, dict):
                await self._keep([self.state.me_fact(me)])
        self._refresh_capabilities()
        log.info("telegram %s: bot @%s, visibility %s", self.name, self.state.bot_username or "?",
                 self.visibility())

    async def close(self) -> None:
        return None

    def _refresh_capabilities(self) -> None:
        self.capabilities = replace(self.capabilities, visibility=self.visibility())

    async def _keep(self, facts: list[Learned]) -> None:
        """Learn what a send (or getMe) taught, and save it: no delivery carries these facts."""
        self.learn(facts)
        durable = {f.key: f.value for f in facts if f.durable}
        if durable and self.deps.state is not None:
            try:
                await self.deps.state.save(durable)
            except Exception:
                log.exception("telegram %s: could not save state", self.name)

    # -- inbound ----------------------------------------------------------------------------------
    def secrets(self) -> dict[str, str]:
        return self.options.secrets()

    def verify(self, headers: Mapping[str, str], query: Mapping[str, str], body: bytes) -> bytes:
        if not self.secret_token:
            return body
        got = headers.get(SECRET_HEADER)
        if not got:
            raise WebhookRejected(401, MISSING, "missing secret token")
        credentials.require_same(got, self.secret_token, "secret token")
        return body

    def parse(self, body: bytes) -> Parsed:
        parser = UpdateParser(self.name, self.state, self.deps.clock())
        parsed = parser.parse(loads(body))
        return replace(parsed, learned=tuple(parser.learned)) if parser.learned else parsed

    def learn(self, facts: Sequence[Learned]) -> None:
        if facts:
            self.state.apply(facts)
            self._refresh_capabilities()

    def handshake(self, query: Mapping[str, str]) -> WebReply:
        raise WebhookRejected(405, MALFORMED, "GET not supported")

    # -- facts ------------------------------------------------------------------------------------
    def visibility(self, chat: ChatRef | None = None) -> str:
        return self.state.visibility(chat.chat_id if chat is not None else None)

    def can_dm(self, user: UserRef) -> bool:
        """Users who started the bot, and applicants while Telegram lets us write to them (5 minutes
        after a join request, until it is decided)."""
        return user.user_id in self.state.dm_users or \
            self.state.applicant(user.user_id, self.deps.clock(), within=APPLICANT_DM_S) is not None

    def health(self) -> dict[str, Any]:
        groups = {f"{self.name}:{cid}": self.state.visibility(cid) for cid in sorted(self.state.bot_status)}
        return {"type": self.type, "visibility": self.visibility(), "bot_username": self.state.bot_username,
                "privacy_mode": None if self.state.can_read_all is None else not self.state.can_read_all,
                "groups": groups, "chat_member_updates": len(self.state.chat_member_groups)}

    # -- outbound ---------------------------------------------------------------------------------
    async def call(self, method: str, params: Mapping[str, Any]) -> Any:
        """One Bot API call; returns ``result`` or raises SendError classified for the outbox."""
        return await call_api(self.deps.session, f"{self.api_base}/bot{self.token}/{method}", params)

    async def send(self, out: Outgoing) -> None:
        if isinstance(out.target, UserRef):
            if not self.can_dm(out.target):
                raise SendError(f"user {out.target.id} has not started the bot", permanent=True)
            user_id_param(out.target.user_id)
            applicant = self.state.applicants.get(out.target.user_id)
            # an applicant's private chat is user_chat_id (Telegram does not promise it equals the user id)
            chat_id = applicant[0] if applicant is not None else out.target.user_id
        else:
            chat_id = self.state.resolve(out.target.chat_id)
        target_id = chat_id_param(chat_id)
        chunks = render_chunks(out)
        try:
            markup = keyboard(out.buttons) if out.buttons else None
        except ValueError as exc:
            raise SendError(str(exc), permanent=True) from None
        done = self._progress.get(out.key, 0) if out.key else 0
        for i in range(done, len(chunks)):
            params: dict[str, Any] = {"chat_id": target_id, "text": chunks[i], "parse_mode": "HTML",
                                      "link_preview_options": {"is_disabled": True}}
            reply_id = ascii_int(out.reply_to) if out.reply_to else None
            if i == 0 and reply_id is not None and isinstance(out.target, ChatRef):
                params["reply_parameters"] = {"message_id": reply_id, "allow_sending_without_reply": True}
            if markup is not None and i == len(chunks) - 1:
                params["reply_markup"] = markup  # under the last part, where the question ends
            if i > done:
                await self.sleep(1.0)  # Telegram: at most one message a second per chat
            try:
                await self.call("sendMessage", params)
            except SendError as exc:
                if exc.moved_to is not None and isinstance(out.target, ChatRef):
                    await self._keep(self.state.alias_facts(chat_id, exc.moved_to))
                    self._progress.pop(out.key, None)
                    raise SendError(str(exc), moved_to=self.state.resolve(exc.moved_to)) from None
                if exc.permanent and isinstance(out.target, UserRef) and "blocked" in str(exc):
                    await self._keep(self.state.dm_facts(chat_id, False))
                raise
            if out.key and i + 1 < len(chunks):
                self._progress[out.key] = i + 1
        if out.key:
            self._progress.pop(out.key, None)

    async def send_poll(self, out: Outgoing) -> str:
        """``out.poll`` → ``sendPoll`` (non-anonymous); returns ``poll.id``. Classified like ``sendMessage``."""
        if out.poll is None or not isinstance(out.target, ChatRef) or not fits(out.poll):
            raise SendError("not a poll Telegram accepts for a group", permanent=True)
        chat_id = self.state.resolve(out.target.chat_id)
        try:
            result = await self.call("sendPoll", poll_params(chat_id_param(chat_id), out.poll))
        except SendError as exc:
            if exc.moved_to is not None:
                await self._keep(self.state.alias_facts(chat_id, exc.moved_to))
                raise SendError(str(exc), moved_to=self.state.resolve(exc.moved_to)) from None
            raise
        try:
            return sent_poll_id(result)
        except ValueError as exc:
            raise SendError(str(exc), permanent=True) from None

    async def answer_press(self, out: Outgoing) -> None:
        """``out.answer`` → ``answerCallbackQuery`` (the text shown to the presser only)."""
        if out.answer is None:
            raise SendError("not an answer to a button press", permanent=True)
        await self.call("answerCallbackQuery", answer_params(out.answer))

    async def decide_join(self, out: Outgoing) -> None:
        """A JoinDecision → ``approveChatJoinRequest`` / ``declineChatJoinRequest``, classified like
        ``sendMessage`` (429 retry_after, 5xx retried, other 4xx permanent, migration re-targeted)."""
        if out.join is None or not isinstance(out.target, ChatRef):
            raise SendError("not a join decision for a group", permanent=True)
        chat_id = self.state.resolve(out.target.chat_id)
        try:
            method, params = decision_call(replace(out, target=ChatRef(out.target.adapter, chat_id)))
        except ValueError as exc:
            raise SendError(str(exc), permanent=True) from None
        try:
            await self.call(method, params)
        except SendError as exc:
            if exc.moved_to is not None:
                await self._keep(self.state.alias_facts(chat_id, exc.moved_to))
                raise SendError(str(exc), moved_to=self.state.resolve(exc.moved_to)) from None
            if not (exc.permanent and any(s in str(exc) for s in SETTLED)):
                raise
            log.info("telegram %s: join request of %s in %s already settled (%s)", self.name,
                     out.join.user.user_id, chat_id, exc)
        await self._keep(self.state.decided_facts(out.join.user.user_id))

    async def moderate(self, out: Outgoing) -> None:
        """A ModAction → ``deleteMessage`` / ``restrictChatMember`` / ``banChatMember`` (+ ``unbanChatMember``),
        classified like ``sendMessage``; an id that is no Telegram id is a permanent failure."""
        if out.action is None or not isinstance(out.target, ChatRef):
            raise SendError("not a moderation action in a group", permanent=True)
        chat = chat_id_param(self.state.resolve(out.target.chat_id))
        try:
            calls = action_calls(chat, out.action, self.deps.clock())
        except ValueError as exc:
            raise SendError(str(exc), permanent=True) from None
        for method, params in calls:
            await self.call(method, params)

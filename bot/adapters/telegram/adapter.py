"""``type = "telegram"``: Bot API webhook in (secret-token header), ``sendMessage`` (HTML) out."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import replace
from typing import Any

import aiohttp

from bot.adapters import credentials
from bot.adapters.joins import telegram_decision_call
from bot.adapters.persist import persist_later
from bot.adapters.support import ascii_int, loads
from bot.adapters.telegram.parse import UpdateParser
from bot.adapters.telegram.render import MAX_LEN, render_chunks
from bot.adapters.telegram.state import APPLICANT_DM_S, TelegramState, Write
from bot.core.adapter import (
    MALFORMED,
    MISSING,
    AdapterDeps,
    Capabilities,
    Parsed,
    SendError,
    WebhookRejected,
    WebReply,
    check_keys,
    opt_str,
)
from bot.core.events import ChatRef, UserRef
from bot.core.outgoing import Outgoing

log = logging.getLogger("quntag.telegram")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
OPTIONS = {"token", "secret_token", "api_base", "bot_username"}
USERNAME = re.compile(r"@[A-Za-z][A-Za-z0-9_]{3,31}")  # a public chat's @username, also a valid chat_id
# Answers to a join decision meaning the request is already settled: nothing left to do, not a failure.
SETTLED = ("HIDE_REQUESTER_MISSING", "USER_ALREADY_PARTICIPANT")


def _chat_id(value: str) -> int | str:
    """A Bot API ``chat_id``: an ASCII integer (negative for groups) or ``@username``; else SendError."""
    num = ascii_int(value, negative=True)
    if num is not None:
        return num
    if USERNAME.fullmatch(value):
        return value
    raise SendError(f"not a Telegram chat id: {value!r}", permanent=True)


def _user_id(value: str) -> int:
    num = ascii_int(value)
    if num is None:
        raise SendError(f"not a Telegram user id: {value!r}", permanent=True)
    return num


class TelegramAdapter:
    type = "telegram"
    ack = WebReply(200, b"")

    def __init__(self, name: str, options: Mapping[str, Any], deps: AdapterDeps,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        where = f"adapters.{name}"
        check_keys(options, OPTIONS, where)
        self.name = name
        self.token = opt_str(options, "token", where)
        self.secret_token = opt_str(options, "secret_token", where)
        self.api_base = opt_str(options, "api_base", where, "https://api.telegram.org").rstrip("/")
        username = opt_str(options, "bot_username", where, "").lstrip("@")
        self.deps = deps
        self.sleep = sleep
        self.state = TelegramState(bot_username=username)
        self._configured_username = bool(username)
        self._pending: set[asyncio.Task[None]] = set()
        self._progress: dict[str, int] = {}  # outgoing key → chunks already accepted
        self.capabilities = Capabilities(visibility="mentions", private_messages=True, membership_events=True,
                                         retries_deliveries=True, max_text_len=MAX_LEN,
                                         per_chat_per_minute=20, per_chat_per_second=1.0)

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
                self._persist([self.state.set_me(me, keep_username=self._configured_username)])
        self._refresh_capabilities()
        log.info("telegram %s: bot @%s, visibility %s", self.name, self.state.bot_username or "?",
                 self.visibility())

    async def close(self) -> None:
        if self._pending:
            await asyncio.gather(*self._pending, return_exceptions=True)

    def _refresh_capabilities(self) -> None:
        self.capabilities = replace(self.capabilities, visibility=self.visibility())

    def _persist(self, writes: list[Write]) -> None:
        persist_later(f"telegram {self.name}", self.deps.state, writes, self._pending)

    # -- inbound ----------------------------------------------------------------------------------
    def secrets(self) -> dict[str, str]:
        return {"token": self.token, "secret_token": self.secret_token}

    def verify(self, headers: Mapping[str, str], query: Mapping[str, str], body: bytes) -> bytes:
        if not self.secret_token:
            return body
        got = headers.get(SECRET_HEADER)
        if not got:
            raise WebhookRejected(401, MISSING, "missing secret token")
        credentials.require_same(got, self.secret_token, "secret token")
        return body

    def parse(self, body: bytes) -> Parsed:
        payload = loads(body)
        parser = UpdateParser(self.name, self.state)
        try:
            parsed = parser.parse(payload)
        finally:
            if parser.writes:
                self._persist(parser.writes)
                self._refresh_capabilities()
        return parsed

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
        if self.deps.session is None:
            raise SendError("no HTTP session", permanent=True)
        url = f"{self.api_base}/bot{self.token}/{method}"
        try:
            async with self.deps.session.post(url, json=params) as resp:
                status = resp.status
                try:
                    data = json.loads(await resp.read())
                except (json.JSONDecodeError, UnicodeDecodeError):
                    data = None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise SendError(f"network: {exc}") from exc
        if isinstance(data, dict) and data.get("ok") is True:
            return data.get("result")
        desc = f"HTTP {status}"
        params_: dict[str, Any] = {}
        code = status
        if isinstance(data, dict):
            desc = f"{data.get('error_code', status)} {data.get('description', '')}".strip()
            raw_params, raw_code = data.get("parameters"), data.get("error_code")
            params_ = raw_params if isinstance(raw_params, dict) else {}
            code = raw_code if isinstance(raw_code, int) else status
        moved = params_.get("migrate_to_chat_id")
        if moved is not None:
            raise SendError(desc, moved_to=str(moved))
        retry_after = params_.get("retry_after")
        if code == 429 or status == 429:
            wait = float(retry_after) if isinstance(retry_after, int | float) else 5.0
            raise SendError(desc, retry_after=wait)
        if status >= 500 or code >= 500 or (data is None and status < 400):
            raise SendError(desc)
        raise SendError(desc, permanent=True)

    async def send(self, out: Outgoing) -> None:
        if isinstance(out.target, UserRef):
            if not self.can_dm(out.target):
                raise SendError(f"user {out.target.id} has not started the bot", permanent=True)
            _user_id(out.target.user_id)
            applicant = self.state.applicants.get(out.target.user_id)
            # an applicant's private chat is user_chat_id (Telegram does not promise it equals the user id)
            chat_id = applicant[0] if applicant is not None else out.target.user_id
        else:
            chat_id = self.state.resolve(out.target.chat_id)
        target_id = _chat_id(chat_id)
        chunks = render_chunks(out)
        done = self._progress.get(out.key, 0) if out.key else 0
        for i in range(done, len(chunks)):
            params: dict[str, Any] = {"chat_id": target_id, "text": chunks[i], "parse_mode": "HTML",
                                      "link_preview_options": {"is_disabled": True}}
            reply_id = ascii_int(out.reply_to) if out.reply_to else None
            if i == 0 and reply_id is not None and isinstance(out.target, ChatRef):
                params["reply_parameters"] = {"message_id": reply_id, "allow_sending_without_reply": True}
            if i > done:
                await self.sleep(1.0)  # Telegram: at most one message a second per chat
            try:
                await self.call("sendMessage", params)
            except SendError as exc:
                if exc.moved_to is not None and isinstance(out.target, ChatRef):
                    self._persist(self.state.mark_alias(chat_id, exc.moved_to))
                    self._progress.pop(out.key, None)
                    raise SendError(str(exc), moved_to=self.state.resolve(exc.moved_to)) from None
                if exc.permanent and isinstance(out.target, UserRef) and "blocked" in str(exc):
                    self._persist(self.state.mark_dm(chat_id, False))
                raise
            if out.key and i + 1 < len(chunks):
                self._progress[out.key] = i + 1
        if out.key:
            self._progress.pop(out.key, None)

    async def decide_join(self, out: Outgoing) -> None:
        """A JoinDecision → ``approveChatJoinRequest`` / ``declineChatJoinRequest``, classified like
        ``sendMessage`` (429 retry_after, 5xx retried, other 4xx permanent, migration re-targeted)."""
        if out.join is None or not isinstance(out.target, ChatRef):
            raise SendError("not a join decision for a group", permanent=True)
        chat_id = self.state.resolve(out.target.chat_id)
        try:
            method, params = telegram_decision_call(replace(out, target=ChatRef(out.target.adapter, chat_id)))
        except ValueError as exc:
            raise SendError(str(exc), permanent=True) from None
        try:
            await self.call(method, params)
        except SendError as exc:
            if exc.moved_to is not None:
                self._persist(self.state.mark_alias(chat_id, exc.moved_to))
                raise SendError(str(exc), moved_to=self.state.resolve(exc.moved_to)) from None
            if not (exc.permanent and any(s in str(exc) for s in SETTLED)):
                raise
            log.info("telegram %s: join request of %s in %s already settled (%s)", self.name,
                     out.join.user.user_id, chat_id, exc)
        self._persist(self.state.clear_applicant(out.join.user.user_id))

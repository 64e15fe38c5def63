"""Console logins without passwords: one-time links for chat admins, then a server-side session.

A link's token and a session's id are random (256 bits) and leave the server only in the link and in the
cookie; storage keeps their SHA-256, so a copy of the database opens nothing. A link is valid for
``LINK_VALID_S`` and spent by its first use; a session lasts ``[console] session_hours`` or until logout.
The CSRF token of a session is derived from the session id, so it needs no storage and dies with it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from bot.core.config import Config
from bot.faces.console.access import admin_anywhere
from storage.repo.stores.console import ConsoleStore

LINK_VALID_S = 600.0
COOKIE = "quntag_console"
LOGIN_PATH = "/console/login"
# A session's outcome when its member is no admin (any more): the config changed since the link was made.
NOT_ADMIN = "not_admin"


def one_way(kind: str, secret: str) -> str:
    """What storage keeps of a token or session id (``kind`` keeps the two apart)."""
    return hashlib.sha256(f"quntag-console-{kind}:{secret}".encode()).hexdigest()


def csrf_token(session_id: str) -> str:
    """The CSRF token every form of this session carries."""
    return one_way("csrf", session_id)[:40]


def csrf_ok(session_id: str, given: str) -> bool:
    return bool(given) and hmac.compare_digest(csrf_token(session_id).encode(), given.encode("utf-8", "replace"))


@dataclass(frozen=True, slots=True)
class Login:
    """How a login link turned out: ``outcome`` is ``ok``, ``unknown``, ``expired``, ``used`` or ``not_admin``;
    ``session_id`` (for the cookie) only when ``ok``."""

    outcome: str
    member_id: str | None = None
    session_id: str | None = None


class ConsoleLogins:
    """Issues login links and turns them into sessions. ``issue`` is what ``quntag console-link`` and the
    ``/console`` chat command call (a feature reaches it as a plain ``Callable[[str], Awaitable[str | None]]``
    handed over by the face, since features do not import faces)."""

    def __init__(self, config: Config, store: ConsoleStore, clock: Callable[[], float]) -> None:
        self.config = config
        self.store = store
        self.clock = clock

    async def issue(self, member_id: str) -> str | None:
        """A one-time login URL ``<public_url>/console/login?t=<token>``; None (and nothing stored) when the
        member administers no group."""
        if not admin_anywhere(self.config, member_id):
            return None
        token = secrets.token_urlsafe(32)
        now = self.clock()
        await self.store.add_login_token(one_way("link", token), member_id, now, now + LINK_VALID_S)
        return f"{self.config.public_url()}{LOGIN_PATH}?t={token}"

    async def redeem(self, token: str) -> Login:
        """Spend a link: a new session for its member, or why not."""
        if not token or len(token) > 200:
            return Login("unknown")
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        outcome, member = await self.store.redeem_login(
            one_way("link", token), one_way("session", session_id), now, now + self.session_seconds)
        if outcome != "ok" or member is None:
            return Login(outcome, member)
        if not admin_anywhere(self.config, member):
            await self.store.end_session(one_way("session", session_id))
            return Login(NOT_ADMIN, member)
        return Login("ok", member, session_id)

    @property
    def session_seconds(self) -> int:
        return self.config.console.session_hours * 3600

    async def member_of(self, session_id: str) -> str | None:
        """The admin a live session belongs to (None: no such session, ended, expired, or no admin now)."""
        if not session_id or len(session_id) > 200:
            return None
        found = await self.store.session(one_way("session", session_id), self.clock())
        if found is None or not admin_anywhere(self.config, found[0]):
            return None
        return found[0]

    async def end(self, session_id: str) -> None:
        await self.store.end_session(one_way("session", session_id))

    async def end_everywhere(self, member_id: str) -> int:
        return await self.store.end_member_sessions(member_id)

    @property
    def secure_cookie(self) -> bool:
        """Send the cookie over HTTPS only when operators reach the console over HTTPS."""
        return self.config.public_url().lower().startswith("https://")

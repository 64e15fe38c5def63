"""The moderation half of the Repo facade: the moderation log, ladder strikes, newcomer checks."""

from __future__ import annotations

from collections.abc import Callable

from storage.db import Database
from storage.repo import moderation
from storage.repo.base import Writer
from storage.repo.moderation import Captcha, ModEntry


class ModerationMixin:
    db: Database
    writer: Writer
    clock: Callable[[], float]

    async def record_moderation(self, group_id: str, member_id: str, at: float, rule: str, action: str, mode: str,
                                *, what: str = "", seconds: int = 0, actor: str = "", strike: bool = False,
                                done: bool = True, message_id: str = "") -> None:
        """Add one decision or action to the moderation log (commits with the event being processed)."""
        values: dict[str, object] = {"group_id": group_id, "member_id": member_id, "at": at, "rule": rule,
                                     "what": what[:200], "action": action, "seconds": seconds, "mode": mode,
                                     "actor": actor, "strike": strike, "done": done, "message_id": message_id}
        await self.writer.run(lambda c: moderation.record(c, values))

    async def moderation_strikes(self, group_id: str, member_id: str, since: float, modes: tuple[str, ...]) -> int:
        """How many ladder rungs the member earned since ``since`` (decisions made in one of ``modes``)."""
        return await self.db.read(lambda c: moderation.strikes(c, group_id, member_id, since, modes))

    async def moderation_log(self, group_id: str, member_id: str | None = None, limit: int = 20) -> list[ModEntry]:
        return await self.db.read(lambda c: moderation.entries(c, group_id, member_id, limit))

    async def newcomer_facts(self, group_id: str, member_id: str) -> tuple[float | None, int]:
        """(joined or first seen, messages so far) of a member, for the stricter newcomer rules."""
        return await self.db.read(lambda c: moderation.newcomer_facts(c, group_id, member_id))

    async def put_captcha(self, captcha: Captcha) -> None:
        await self.writer.run(lambda c: moderation.put_captcha(c, captcha))

    async def captchas(self, group_id: str, member_id: str | None = None,
                       due_by: float | None = None) -> list[Captcha]:
        """Newcomer checks waiting in a group (for one member; only those due by ``due_by``)."""
        return await self.db.read(lambda c: moderation.captchas(c, group_id, member_id, due_by))

    async def drop_captcha(self, group_id: str, member_id: str) -> None:
        await self.writer.run(lambda c: moderation.drop_captcha(c, group_id, member_id))

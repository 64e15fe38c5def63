"""Tags and attributes given to members by hand, by surveys and by channels, and rejected keyword tags."""

from __future__ import annotations

from typing import Protocol

from storage.repo import member_tags
from storage.repo.member_tags import TagDetail
from storage.repo.stores.sql import SqlStore


class TagStore(Protocol):
    """Tags and attributes given to members by hand, by surveys and by channels, and rejected keyword tags."""


    async def tag_detail(self, group_id: str, member_id: str, tag: str) -> TagDetail | None:
        """A member's tag with its source, score, time and evidence; None when they do not have it."""

    async def set_member_tag(self, group_id: str, member_id: str, tag: str, category: str, source: str,
                             evidence: str, at: float, score: float | None = None) -> None:
        """Give a member a manual or survey tag (lifting an earlier rejection of it)."""

    async def remove_member_tag(self, group_id: str, member_id: str, tag: str, at: float) -> None:
        """Take a tag off a member; a keyword tag is also rejected, so new hits do not bring it back."""

    async def set_attribute(self, group_id: str, member_id: str, key: str, value: str | None, source: str,
                            at: float) -> None:
        """Set (or with None clear) a static attribute with its provenance."""

    async def tag_member(self, group_id: str, member_id: str, tag: str, category: str, source: str) -> None:
        """Give a non-keyword tag (channel, survey, activity), keeping the first source; not for a member who
        refused profiling."""


class SqlTagStore(SqlStore):
    """TagStore over SQL tables (SQLite or PostgreSQL)."""


    async def tag_detail(self, group_id: str, member_id: str, tag: str) -> TagDetail | None:
        return await self._read(lambda c: member_tags.tag_detail(c, group_id, member_id, tag))

    async def set_member_tag(self, group_id: str, member_id: str, tag: str, category: str, source: str,
                             evidence: str, at: float, score: float | None = None) -> None:
        await self._write(lambda c: member_tags.set_tag(c, group_id, member_id, tag, category, source, score,
                                                      evidence, at))

    async def remove_member_tag(self, group_id: str, member_id: str, tag: str, at: float) -> None:
        await self._write(lambda c: member_tags.remove_tag(c, group_id, member_id, tag, at))

    async def set_attribute(self, group_id: str, member_id: str, key: str, value: str | None, source: str,
                            at: float) -> None:
        await self._write(lambda c: member_tags.set_attribute(c, group_id, member_id, key, value, source, at))

    async def tag_member(self, group_id: str, member_id: str, tag: str, category: str, source: str) -> None:
        now = self.clock()
        await self._write(lambda c: member_tags.tag_member(c, group_id, member_id, tag, category, source, now))

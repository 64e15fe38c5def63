"""Fixtures of the storage suite: ``store_url`` runs a test once per backend in ``STORE_URLS``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.repo import Repo
from tests.storage.backends import STORE_URLS, Clock, backend_name, database_url, open_database


@pytest.fixture(params=STORE_URLS, ids=backend_name)
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database of one backend."""
    return database_url(request, request.param, tmp_path)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def repo(store_url: str, clock: Clock) -> AsyncIterator[Repo]:
    """The Repo over a migrated database of one backend; writes commit on return (no unit of work)."""
    async with open_database(store_url) as db:
        yield Repo(db, clock=clock)

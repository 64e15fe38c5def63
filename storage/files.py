"""Owner-only files. The database (with its WAL and SHM), backups, exports and configs hold member data
or secrets, so quntag creates them readable by their owner alone, whatever the process umask says."""

from __future__ import annotations

import os
import stat
from pathlib import Path

OWNER_ONLY = 0o600
# Files SQLite keeps next to a database; it creates them with the database file's own mode.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def restrict(path: Path) -> None:
    """Take group and other permissions away from an existing file (a no-op when it is missing)."""
    try:
        mode = stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        return
    if mode & 0o077:
        os.chmod(path, mode & 0o700)


def ensure_private(path: Path) -> None:
    """``path`` exists and is owner-only: created empty with mode 0600, or an existing file restricted."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, OWNER_ONLY))
    except FileExistsError:
        restrict(path)


def private_sqlite(path: Path) -> None:
    """Create (or restrict) a SQLite database file before SQLite opens it, so the WAL and SHM files
    SQLite creates later inherit the owner-only mode; side files left by an older run are restricted."""
    ensure_private(path)
    for suffix in SQLITE_SIDE_FILES:
        restrict(Path(str(path) + suffix))


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` (replacing its content), owner-only from the first byte on."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, OWNER_ONLY)
    try:
        os.fchmod(fd, stat.S_IMODE(os.fstat(fd).st_mode) & 0o700)
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)

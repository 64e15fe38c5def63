"""``quntag db copy``: the demo's database moved SQLite → PostgreSQL → SQLite comes back row for row; the id
counters go on after every id ever handed out; a non-empty target or a count that does not add up stops the
copy with one line and leaves the target as it was."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (every table)
from bot.faces.cli import main
from storage.db import make_engine, upgrade


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database written by the real demo (every event through the real server and processor)."""
    folder = tmp_path_factory.mktemp("demo")
    done = subprocess.run([sys.executable, "-m", "bot.faces.cli", "demo", "--keep", str(folder)], cwd=folder,
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    return folder / "demo.db"


def everything(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every quntag table, sorted."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t.name: sorted(tuple(r) for r in conn.execute(t.select())) for t in SQLModel.metadata.sorted_tables}
    finally:
        engine.dispose()


def copy(capsys: pytest.CaptureFixture[str], source: str, target: str) -> tuple[int, str, str]:
    code = main(["db", "copy", "--from", source, "--to", target])
    out, err = capsys.readouterr()
    return code, out, err


def inbox_counter(path: Path) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT seq FROM sqlite_sequence WHERE name = 'inbox'").fetchone()[0])


def test_the_demo_database_goes_to_postgresql_and_back_row_for_row(demo_db, pg_url, tmp_path, capsys):
    source = f"sqlite:///{demo_db}"
    rows = everything(source)
    assert len(rows["messages"]) > 300 and len(rows["members"]) == 24 and rows["inbox"] == []

    code, out, err = copy(capsys, source, pg_url)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[-1].startswith(f"copied {sum(map(len, rows.values()))} rows in {len(rows)} tables")
    assert "messages" in out and f"{len(rows['messages'])}" in out
    assert everything(pg_url) == rows

    # The inbox is empty, yet its numbers go on after the last one the demo handed out (an erasure's watermark
    # compares with them): a new event never gets an old number.
    engine = create_engine(pg_url)
    with engine.begin() as conn:
        seq = conn.execute(text("INSERT INTO inbox (adapter, key, payload, received_at) "
                                "VALUES ('generic', 'k', '{}', 0) RETURNING seq")).scalar_one()
        conn.execute(text("DELETE FROM inbox"))
    engine.dispose()
    assert seq == inbox_counter(demo_db) + 1

    back = tmp_path / "back.db"
    code, out, err = copy(capsys, pg_url, f"sqlite:///{back}")
    assert (code, err) == (0, "")
    assert everything(f"sqlite:///{back}") == rows
    assert inbox_counter(back) == seq


def test_a_target_with_rows_is_refused_in_one_line(demo_db, pg_url, capsys):
    assert copy(capsys, f"sqlite:///{demo_db}", pg_url)[0] == 0
    before = everything(pg_url)
    code, out, err = copy(capsys, f"sqlite:///{demo_db}", pg_url)
    assert code == 1 and out == ""
    assert err.startswith("db copy: the target postgresql+psycopg://") and "holds rows" in err
    assert len(err.splitlines()) == 1
    assert everything(pg_url) == before


def test_a_count_that_does_not_add_up_fails_and_keeps_nothing(demo_db, pg_url, capsys):
    # The target's schema exists already (as quntag db upgrade leaves it), and it silently drops member rows.
    engine = make_engine(pg_url)
    upgrade(engine)
    with engine.begin() as conn:
        conn.execute(text("CREATE FUNCTION drop_row() RETURNS trigger AS 'BEGIN RETURN NULL; END' LANGUAGE plpgsql"))
        conn.execute(text("CREATE TRIGGER lose_members BEFORE INSERT ON members FOR EACH ROW "
                          "EXECUTE FUNCTION drop_row()"))
    engine.dispose()
    code, out, err = copy(capsys, f"sqlite:///{demo_db}", pg_url)
    assert code == 1
    assert err == "db copy: count mismatch in members: 24 rows in the source, 0 in the target; nothing was kept\n"
    assert "members" in out and "← differs" in out
    assert not any(everything(pg_url).values())


def test_a_missing_source_or_a_wrong_url_is_one_line(tmp_path, capsys):
    code, _out, err = copy(capsys, f"sqlite:///{tmp_path}/none.db", f"sqlite:///{tmp_path}/to.db")
    assert (code, err) == (1, f"db copy: no database at {tmp_path}/none.db\n")
    assert not (tmp_path / "to.db").exists()
    code, _out, err = copy(capsys, "mysql://x@y/z", f"sqlite:///{tmp_path}/to.db")
    assert code == 1 and err.startswith("db copy: not a database URL: 'mysql://x@y/z'")
    assert main(["db", "copy", "--from", "sqlite:///a.db"]) == 2
    assert "both --from URL and --to URL are required" in capsys.readouterr().err

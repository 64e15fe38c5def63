"""Plain-text tables for the command line that stay aligned with Chinese names (a CJK character takes two
columns in a terminal), and short durations."""

from __future__ import annotations

from collections.abc import Sequence

from wcwidth import wcswidth


def width(text: str) -> int:
    """Terminal columns ``text`` takes (wide characters two, combining marks none)."""
    columns = wcswidth(text)
    return columns if columns >= 0 else len(text)  # a control character: no terminal width is defined


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Columns separated by two spaces, each padded to its widest cell (the last one is not padded); line
    breaks and tabs inside a cell become spaces."""
    lines = [[" ".join(cell.split()) for cell in row] for row in [header, *rows]]
    widths = [max(width(row[i]) for row in lines) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        padded = [c + " " * (widths[i] - width(c)) for i, c in enumerate(cells[:-1])]
        return "  ".join([*padded, cells[-1]])
    return "\n".join(line(row) for row in lines)


def duration(seconds: float) -> str:
    """``45s``, ``12m``, ``3h 5m``, ``2d 4h``."""
    s = max(0, int(seconds))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m"
    if s < 86400:
        return f"{s // 3600}h {s % 3600 // 60}m"
    return f"{s // 86400}d {s % 86400 // 3600}h"


def count(n: int, thing: str) -> str:
    """``1 message``, ``3 messages``."""
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"

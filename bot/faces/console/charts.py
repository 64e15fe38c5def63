"""Charts as inline SVG, drawn on the server by plain Python.

Why this and not a library: the console must render on a machine with no internet and no JavaScript
build, inside a strict Content-Security-Policy. A few dozen lines of SVG give sparklines, bars and lines
that need nothing at run time, scale with the page (``viewBox``), take their colours from the stylesheet
(classes, so a theme is one CSS file), carry ``<title>`` tooltips and an ``aria-label`` for screen readers,
and can be asserted on in tests. Every label is escaped; every number is formatted here.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 34.0, 8.0, 10.0, 28.0
LEGEND = 20.0  # room above the plot for a line chart's legend


def _n(x: float) -> str:
    """A coordinate with at most one decimal (small, stable SVG)."""
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _num(v: float) -> str:
    return f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}"


def _open(kind: str, width: float, height: float, label: str, stretch: bool = False) -> str:
    """The opening tag: scales with its box; ``stretch`` (no text inside) may also change its proportions."""
    ratio = ' preserveAspectRatio="none"' if stretch else ""
    return (f'<svg class="chart chart-{kind}" viewBox="0 0 {_n(width)} {_n(height)}"{ratio} '
            f'role="img" aria-label="{escape(label)}" '
            f'xmlns="http://www.w3.org/2000/svg"><title>{escape(label)}</title>')


def _points(values: Sequence[float], x0: float, y0: float, w: float, h: float, top: float) -> list[tuple[float, float]]:
    step = w / (len(values) - 1) if len(values) > 1 else 0.0
    return [(x0 + i * step, y0 + h - (v / top) * h if top else y0 + h) for i, v in enumerate(values)]


def sparkline(values: Sequence[float], label: str, width: float = 120.0, height: float = 28.0) -> Markup:
    """A tiny line of ``values`` (oldest first) with the last value marked; empty input draws a flat line."""
    vals = list(values) or [0.0]
    top = max(max(vals), 1.0)
    pts = _points(vals, 2.0, 3.0, width - 4.0, height - 6.0, top)
    line = " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)
    lx, ly = pts[-1]
    return Markup(_open("sparkline", width, height, label, stretch=True)
                  + f'<polyline class="spark-line" fill="none" points="{line}"/>'
                  + f'<circle class="spark-dot" cx="{_n(lx)}" cy="{_n(ly)}" r="2"/></svg>')


def _axes(labels: Sequence[str], top: float, width: float, height: float, slots: bool = False,
          pad_top: float = PAD_TOP) -> str:
    """Baseline, the top value on the left, and the first, middle and last label under the plot (under the
    points of a line, or under the middle of the slots of bars)."""
    base = height - PAD_BOTTOM
    parts = [f'<line class="axis" x1="{_n(PAD_LEFT)}" y1="{_n(base)}" x2="{_n(width - PAD_RIGHT)}" y2="{_n(base)}"/>',
             f'<line class="gridline" x1="{_n(PAD_LEFT)}" y1="{_n(pad_top)}" x2="{_n(width - PAD_RIGHT)}" '
             f'y2="{_n(pad_top)}"/>',
             f'<text class="tick" x="{_n(PAD_LEFT - 4)}" y="{_n(pad_top + 4)}" text-anchor="end">{_num(top)}</text>',
             f'<text class="tick" x="{_n(PAD_LEFT - 4)}" y="{_n(base)}" text-anchor="end">0</text>']
    plot, n = width - PAD_LEFT - PAD_RIGHT, len(labels)
    for i in sorted({0, (n - 1) // 2, n - 1}) if n else []:
        # The first label starts at the plot's left edge and the last ends at its right edge, so neither
        # leaves the chart; bars span slots, points sit on them.
        anchor = "start" if i == 0 and n > 1 else "end" if i == n - 1 and n > 1 else "middle"
        if slots:
            x = PAD_LEFT + plot * {"start": i, "end": i + 1, "middle": i + 0.5}[anchor] / n
        else:
            x = PAD_LEFT + i * plot / (n - 1) if n > 1 else PAD_LEFT
        parts.append(f'<text class="tick" x="{_n(x)}" y="{_n(height - 6)}" text-anchor="{anchor}">'
                     f'{escape(labels[i])}</text>')
    return "".join(parts)


def bar_chart(labels: Sequence[str], values: Sequence[float], label: str,
              width: float = 480.0, height: float = 180.0) -> Markup:
    """One bar per label (a day, an hour); each bar's ``<title>`` says its label and value."""
    top = max([*values, 1.0])
    plot_w, plot_h = width - PAD_LEFT - PAD_RIGHT, height - PAD_TOP - PAD_BOTTOM
    slot = plot_w / max(len(values), 1)
    bars = []
    for i, (name, v) in enumerate(zip(labels, values, strict=True)):
        h = (v / top) * plot_h
        bars.append(f'<rect class="bar" x="{_n(PAD_LEFT + i * slot + slot * 0.12)}" y="{_n(PAD_TOP + plot_h - h)}" '
                    f'width="{_n(slot * 0.76)}" height="{_n(h)}"><title>{escape(name)}: {_num(v)}</title></rect>')
    return Markup(_open("bar", width, height, label) + _axes(labels, top, width, height, slots=True)
                  + "".join(bars) + "</svg>")


def line_chart(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], label: str,
               width: float = 480.0, height: float = 180.0) -> Markup:
    """One line per ``(name, values)`` over shared ``labels``, with a legend; series are styled
    ``series-0``, ``series-1``… in the stylesheet."""
    top = max([1.0, *(v for _name, vals in series for v in vals)])
    pad_top = PAD_TOP + LEGEND
    plot_w, plot_h = width - PAD_LEFT - PAD_RIGHT, height - pad_top - PAD_BOTTOM
    lines, legend = [], []
    for k, (name, vals) in enumerate(series):
        pts = _points(list(vals) or [0.0], PAD_LEFT, pad_top, plot_w, plot_h, top)
        coords = " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)
        lines.append(f'<polyline class="line series-{k}" fill="none" points="{coords}">'
                     f'<title>{escape(name)}</title></polyline>')
        legend.append(f'<g class="legend series-{k}"><rect x="{_n(PAD_LEFT + k * 96)}" y="2" width="10" '
                      f'height="10"/><text x="{_n(PAD_LEFT + 14 + k * 96)}" y="11">{escape(name)}</text></g>')
    return Markup(_open("line", width, height, label) + _axes(labels, top, width, height, pad_top=pad_top)
                  + "".join(lines) + "".join(legend) + "</svg>")


def share_bar(parts: Sequence[tuple[str, str, int]], label: str, width: float = 200.0,
              height: float = 14.0) -> Markup:
    """A horizontal bar split by share: ``(css class, name, count)`` each; an empty total draws an empty bar."""
    total = sum(n for _c, _name, n in parts)
    x, rects = 0.0, []
    for css, name, n in parts:
        if n <= 0 or total <= 0:
            continue
        w = width * n / total
        rects.append(f'<rect class="share {escape(css)}" x="{_n(x)}" y="0" width="{_n(w)}" height="{_n(height)}">'
                     f'<title>{escape(name)}: {n}</title></rect>')
        x += w
    empty = f'<rect class="share share-empty" x="0" y="0" width="{_n(width)}" height="{_n(height)}"/>' if not rects \
        else ""
    return Markup(_open("share", width, height, label, stretch=True) + empty + "".join(rects) + "</svg>")


def heat_map(rows: Sequence[str], columns: Sequence[str], grid: Sequence[Sequence[float]], label: str,
             cell: float = 18.0) -> Markup:
    """A grid of cells shaded by value (``heat-0`` … ``heat-4`` in the stylesheet), row names on the left and
    every third column name below; each cell's ``<title>`` says its row, column and value."""
    left, bottom = 40.0, 18.0
    width, height = left + cell * len(columns) + 2, cell * len(rows) + bottom
    top = max([1.0, *(v for r in grid for v in r)])
    parts = []
    for i, name in enumerate(rows):
        parts.append(f'<text class="tick" x="{_n(left - 4)}" y="{_n(i * cell + cell * 0.7)}" text-anchor="end">'
                     f'{escape(name)}</text>')
        for j, v in enumerate(grid[i]):
            level = 0 if v <= 0 else min(4, 1 + int(3.999 * v / top))
            parts.append(f'<rect class="heat heat-{level}" x="{_n(left + j * cell)}" y="{_n(i * cell)}" '
                         f'width="{_n(cell - 2)}" height="{_n(cell - 2)}"><title>{escape(name)} '
                         f'{escape(columns[j])}: {_num(v)}</title></rect>')
    for j in range(0, len(columns), 3):
        parts.append(f'<text class="tick" x="{_n(left + j * cell)}" y="{_n(height - 4)}">{escape(columns[j])}</text>')
    return Markup(_open("heat", width, height, label) + "".join(parts) + "</svg>")


def bars(items: Sequence[tuple[str, float]], label: str, width: float = 480.0, row: float = 22.0) -> Markup:
    """Horizontal bars, one per ``(name, value)``, largest scale = the largest value; names on the left."""
    left = 110.0
    height = max(len(items), 1) * row
    top = max([1.0, *(v for _n2, v in items)])
    parts = []
    for i, (name, v) in enumerate(items):
        w = (width - left - 50) * v / top
        parts.append(f'<text class="tick" x="{_n(left - 6)}" y="{_n(i * row + row * 0.65)}" text-anchor="end">'
                     f'{escape(name)}</text><rect class="bar" x="{_n(left)}" y="{_n(i * row + 3)}" width="{_n(w)}" '
                     f'height="{_n(row - 6)}"><title>{escape(name)}: {_num(v)}</title></rect>'
                     f'<text class="tick" x="{_n(left + w + 4)}" y="{_n(i * row + row * 0.65)}">{_num(v)}</text>')
    return Markup(_open("hbar", width, height, label) + "".join(parts) + "</svg>")

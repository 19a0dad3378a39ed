"""The distribution of scores as an inline SVG, drawn by the server (no
script, no image service): one bar per score bucket over the rating bands.
Accessible as one image (`role="img"`, its `<title>` and `<desc>` named by
`aria-labelledby`); the page gives the same figures as a table."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 34, 16, 28, 30


@dataclass(frozen=True)
class Band:
    """A rating's range of points, drawn behind the bars."""

    start: int
    end: int  # inclusive
    label: str
    colour: str


def histogram(
    counts: Sequence[int],
    *,
    bucket: int,
    bands: Sequence[Band],
    chart_id: str,
    title: str,
    description: str,
    bar_title: Callable[[int, int, int], str],
) -> Markup:
    """`counts[i]` datasets scored `i * bucket` to `(i + 1) * bucket - 1`;
    `bar_title(start, end, count)` is each bar's tooltip."""
    span = max(1, len(counts) * bucket)
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    highest = max([1, *counts])

    def x(points: float) -> float:
        return round(LEFT + plot_width * points / span, 1)

    def y(count: float) -> float:
        return round(TOP + plot_height * (1 - count / highest), 1)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="gbg-quality-histogram" id="{escape(chart_id)}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]
    for band in bands:
        start, end = x(band.start), x(min(band.end + 1, span))
        if end <= start:
            continue
        parts.append(
            f'<rect class="gbg-band" x="{start}" y="{TOP}" width="{round(end - start, 1)}" height="{plot_height}" '
            f'fill="{escape(band.colour)}" fill-opacity="0.18"/>'
            f'<text x="{round((start + end) / 2, 1)}" y="{TOP - 8}" text-anchor="middle" font-size="13" '
            f'fill="#222">{escape(band.label)}</text>'
        )
    for index, count in enumerate(counts):
        start = index * bucket
        top = y(count)
        parts.append(
            f'<rect class="gbg-bar" data-count="{count}" x="{x(start) + 1}" y="{top}" '
            f'width="{max(1.0, round(x(start + bucket) - x(start) - 2, 1))}" height="{round(TOP + plot_height - top, 1)}" '
            f'fill="#1f4e79"><title>{escape(bar_title(start, start + bucket - 1, count))}</title></rect>'
        )
    # Axes: points along the bottom every other bucket, counts 0 and the highest.
    baseline = TOP + plot_height
    parts.append(f'<line x1="{LEFT}" y1="{baseline}" x2="{WIDTH - RIGHT}" y2="{baseline}" stroke="#333"/>')
    parts.append(f'<line x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{baseline}" stroke="#333"/>')
    for index in range(0, len(counts) + 1, 2):
        parts.append(
            f'<text x="{x(index * bucket)}" y="{baseline + 16}" text-anchor="middle" font-size="12" '
            f'fill="#333">{index * bucket}</text>'
        )
    for count in sorted({0, highest}):
        parts.append(
            f'<text x="{LEFT - 6}" y="{y(count) + 4}" text-anchor="end" font-size="12" fill="#333">{count}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))

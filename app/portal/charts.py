"""Server-rendered SVG bar charts: no JavaScript, no chart library, readable in print.

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` (named by
``aria-labelledby``) so screen readers announce it; the page puts the same numbers in a table.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 250
BAR_AREA = 330
VALUE_WIDTH = 60
MAX_LABEL_CHARS = 36


@dataclass(frozen=True)
class Bar:
    label: str
    value: int


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def bar_chart(chart_id: str, title: str, description: str, bars: Sequence[Bar]) -> Markup:
    """A horizontal bar chart; bar lengths are proportional to the largest value."""
    largest = max((bar.value for bar in bars), default=0) or 1
    height = max(1, len(bars)) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for index, bar in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = round(BAR_AREA * bar.value / largest) if bar.value else 0
        text_y = y + BAR_HEIGHT * 0.7
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{text_y:.1f}" text-anchor="end">'
            f"{escape(_short(bar.label))}</text>"
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{max(length, 1)}" '
            f'height="{BAR_HEIGHT}"><title>{escape(bar.label)}: {bar.value}</title></rect>'
            f'<text class="chart-value" x="{LABEL_WIDTH + length + 6}" y="{text_y:.1f}">{bar.value}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated string is escaped above)

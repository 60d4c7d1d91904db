"""An indicator's approved values over time as a server-side SVG line chart, with its baseline and
target as dashed lines: no JavaScript. Like ``app.portal.charts`` (whose bar chart shows counts, not
dated measurements), the ``<svg role="img">`` is named by its ``<title>`` and ``<desc>``, and the page
puts the same numbers in a table."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from markupsafe import Markup, escape

from app.web.i18n import colon, format_number

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 70, 20, 16, 34


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    points: Sequence[tuple[date, Decimal]],
    guides: Sequence[tuple[str, Decimal]] = (),
    *,
    lang: str,
    number_locale: str | None = None,
) -> Markup:
    """``points`` (date, value) oldest first, joined by a line; ``guides`` (label, value) drawn
    across as dashed lines (baseline, target). Numbers and dates are written in ``lang`` as the table
    under the chart writes them ("1 234,5", "30 juin 2026"), numbers the reader's region's way when
    ``number_locale`` names it ("es_MX": 1,234.5). Every interpolated text is escaped."""

    def _number(value: Decimal | float) -> str:
        return format_number(Decimal(str(value)).normalize(), number_locale or lang)

    def _day(day: date) -> str:
        return format_date(day, format="medium", locale=lang)

    numbers = [float(value) for _, value in points] + [float(value) for _, value in guides]
    low, high = min([0.0, *numbers]), max([0.0, *numbers])
    span = (high - low) or 1.0
    days = [day.toordinal() for day, _ in points]
    first, last = (min(days), max(days)) if days else (0, 1)
    width, height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return LEFT + (width * (day.toordinal() - first) / (last - first) if last > first else width / 2)

    def y(value: float) -> float:
        return TOP + height * (1 - (value - low) / span)

    parts = [
        f'<svg class="chart line-chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
        f'<line class="chart-axis" x1="{LEFT}" y1="{TOP + height}" x2="{LEFT + width}" y2="{TOP + height}"/>',
        f'<line class="chart-axis" x1="{LEFT}" y1="{TOP}" x2="{LEFT}" y2="{TOP + height}"/>',
    ]
    for level in sorted({low, high}):
        parts.append(
            f'<text class="chart-label" x="{LEFT - 6}" y="{y(level) + 4:.1f}" text-anchor="end">'
            f"{_number(level)}</text>"
        )
    for label, value in guides:
        level = y(float(value))
        parts.append(
            f'<line class="chart-guide" x1="{LEFT}" y1="{level:.1f}" x2="{LEFT + width}" y2="{level:.1f}"/>'
            f'<text class="chart-label" x="{LEFT + width}" y="{level - 4:.1f}" text-anchor="end">'
            f"{escape(label)} {_number(value)}</text>"
        )
    if points:
        path = " ".join(f"{x(day):.1f},{y(float(value)):.1f}" for day, value in points)
        parts.append(f'<polyline class="chart-line" fill="none" points="{path}"/>')
        for day, value in points:
            parts.append(
                f'<circle class="chart-point" cx="{x(day):.1f}" cy="{y(float(value)):.1f}" r="4">'
                f"<title>{escape(_day(day))}{colon(lang)} {_number(value)}</title></circle>"
            )
        for day in {points[0][0], points[-1][0]}:
            parts.append(
                f'<text class="chart-label" x="{x(day):.1f}" y="{HEIGHT - 10}" text-anchor="middle">'
                f"{escape(_day(day))}</text>"
            )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated string is escaped above)

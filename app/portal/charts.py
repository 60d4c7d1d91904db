"""Server-rendered SVG bar charts: no JavaScript, no chart library, readable in print.

Each chart is an ``<svg role="img">`` with a ``<title>`` and ``<desc>`` (named by
``aria-labelledby``) so screen readers announce it; the page puts the same numbers in a table.
A chart may carry reference lines (``Mark``: an indicator's baseline and target), each on its own
row under the bars so that their labels never overlap.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from markupsafe import Markup, escape

from app.web.i18n import colon

BAR_HEIGHT = 22
GAP = 6
LABEL_WIDTH = 250
BAR_AREA = 330
VALUE_WIDTH = 60
# Room a value's character takes after its bar, at the chart's 12-unit font (a digit is about 6.7):
# "1 500 000 000" after a bar or a mark at full scale needs 6 + 13 * 7 units, past VALUE_WIDTH.
VALUE_CHAR_WIDTH = 7
MAX_LABEL_CHARS = 36

Amount = int | float | Decimal


@dataclass(frozen=True)
class Bar:
    label: str
    value: Amount
    text: str | None = None  # the value as the page writes it (localised); else the plain number
    lang: str | None = None  # the label's language when it is not the page's

    @property
    def shown(self) -> str:
        return str(self.value) if self.text is None else self.text


@dataclass(frozen=True)
class Mark:
    """A reference line drawn across the bars at ``value`` (a baseline, a target)."""

    label: str
    value: Amount
    text: str | None = None

    @property
    def shown(self) -> str:
        return str(self.value) if self.text is None else self.text


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def _ends(label: str) -> str:
    """``label`` shortened to its first and last words ("Committee on the … against Women"), each
    cut between words, ``MAX_LABEL_CHARS`` at most."""
    keep = MAX_LABEL_CHARS - 3  # the " … " between them
    tail = label[-(keep // 2) :]
    if " " in tail and not label.endswith(" " + tail):
        tail = tail[tail.find(" ") + 1 :]
    room = keep - len(tail)
    head = label[:room]
    if label[room : room + 1] != " " and " " in head:
        head = head[: head.rfind(" ")]
    return f"{head.rstrip()} … {tail.lstrip()}"


def _labels(labels: Sequence[str]) -> list[str]:
    """The labels as the chart shows them: shortened, and where two would read alike (a State's
    CEDAW and CERD: "Comité para la Eliminación de la Di…" twice), by their ends, which differ."""
    shown = [_short(label) for label in labels]
    alike = {text for text in shown if shown.count(text) > 1}
    return [_ends(label) if text in alike else text for label, text in zip(labels, shown, strict=True)]


def _length(value: Amount, largest: Amount) -> int:
    """Bar length in the chart's units; a value at or below zero has none."""
    return max(0, round(BAR_AREA * float(value) / float(largest)))


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    marks: Sequence[Mark] = (),
    *,
    lang: str = "en",
) -> Markup:
    """A horizontal bar chart; bar lengths (and marks) are proportional to the largest value. Each bar
    and mark's tooltip reads "label: value" the way ``lang`` writes a colon (" :" in French)."""
    sep = colon(lang)
    values = [bar.value for bar in bars] + [mark.value for mark in marks]
    # The scale is the largest value above zero: values all below it (a fall, "-10") draw no bar, never
    # bars past the chart's edge, the lowest the longest.
    largest = max((float(value) for value in values), default=0)
    largest = largest if largest > 0 else 1
    rows = max(1, len(bars)) + len(marks)
    height = rows * (BAR_HEIGHT + GAP) + GAP
    longest = max(
        (len(shown) for shown in [*(bar.shown for bar in bars), *(mark.shown for mark in marks)]), default=0
    )
    width = LABEL_WIDTH + BAR_AREA + max(VALUE_WIDTH, 6 + VALUE_CHAR_WIDTH * longest)
    parts = [
        f'<svg class="chart" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    labels = _labels([bar.label for bar in bars])
    for index, bar in enumerate(bars):
        y = GAP + index * (BAR_HEIGHT + GAP)
        length = _length(bar.value, largest)
        text_y = y + BAR_HEIGHT * 0.7
        in_lang = f' lang="{escape(bar.lang)}"' if bar.lang else ""
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{text_y:.1f}" text-anchor="end"{in_lang}>'
            f"{escape(labels[index])}</text>"
            f'<rect class="chart-bar" x="{LABEL_WIDTH}" y="{y}" width="{max(length, 1)}" '
            f'height="{BAR_HEIGHT}"><title{in_lang}>{escape(bar.label)}{sep} '
            f"{escape(bar.shown)}</title></rect>"
            f'<text class="chart-value" x="{LABEL_WIDTH + length + 6}" y="{text_y:.1f}">'
            f"{escape(bar.shown)}</text>"
        )
    first_mark_row = max(1, len(bars))
    for index, mark in enumerate(marks):
        y = GAP + (first_mark_row + index) * (BAR_HEIGHT + GAP)
        x = LABEL_WIDTH + _length(mark.value, largest)
        text_y = y + BAR_HEIGHT * 0.7
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{text_y:.1f}" text-anchor="end">'
            f"{escape(_short(mark.label))}</text>"
            f'<line class="chart-mark" x1="{x}" y1="{GAP // 2}" x2="{x}" y2="{y + BAR_HEIGHT}" '
            f'stroke="currentColor" stroke-width="2" stroke-dasharray="4 3">'
            f"<title>{escape(mark.label)}{sep} {escape(mark.shown)}</title></line>"
            f'<text class="chart-value" x="{x + 6}" y="{text_y:.1f}">{escape(mark.shown)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704  (every interpolated string is escaped above)

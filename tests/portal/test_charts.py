"""The server-rendered SVG bar charts."""

from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

from app.portal.charts import BAR_AREA, LABEL_WIDTH, MAX_LABEL_CHARS, Bar, Mark, bar_chart
from app.web.i18n import choose_language, from_accept_language


def _widths(svg: str) -> list[str]:
    widths: list[str] = []

    class Rects(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "rect":
                widths.append(dict(attrs)["width"] or "")

    Rects().feed(svg)
    return widths


def test_bars_are_proportional_to_the_largest_value() -> None:
    svg = bar_chart("c", "Title", "Description", [Bar("a", 10), Bar("b", 5), Bar("c", 0)])
    assert _widths(svg) == [str(BAR_AREA), str(BAR_AREA // 2), "1"]
    assert 'role="img" aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Title</title><desc id="c-desc">Description</desc>' in svg


def test_labels_are_escaped_and_shortened() -> None:
    svg = bar_chart("c", "<b>", "&", [Bar("<script>alert(1)</script>" * 3, 1)])
    assert "<script>" not in svg
    assert "&lt;b&gt;" in svg
    assert "…" in svg
    assert bar_chart("empty", "t", "d", []).startswith("<svg")


def test_labels_shortened_alike_are_told_apart() -> None:
    """The Spanish statistics' mechanism chart showed two bars "Comité para la Eliminación de la Di…"
    (CEDAW and CERD) and three "Relator Especial sobre los derechos…": labels that the cut makes
    alike are shown by their ends, where the names differ."""
    names = [
        "Comité para la Eliminación de la Discriminación contra la Mujer",
        "Comité para la Eliminación de la Discriminación Racial",
        "Comité contra la Tortura",
        "Relator Especial sobre los derechos de los pueblos indígenas",
        "Relator Especial sobre los derechos humanos de los migrantes",
        "Relator Especial sobre los derechos humanos al agua potable y el saneamiento",
    ]
    svg = bar_chart("c", "t", "d", [Bar(name, 1) for name in names])
    labels = re.findall(r'<text class="chart-label"[^>]*>([^<]*)</text>', svg)
    assert len(set(labels)) == len(names) and all(len(label) <= MAX_LABEL_CHARS for label in labels)
    assert labels[0] == "Comité para la … contra la Mujer"
    assert labels[1].endswith(" … Racial") and labels[2] == "Comité contra la Tortura"
    assert labels[3].endswith("indígenas") and labels[4].endswith("migrantes")
    assert labels[5].endswith("el saneamiento")
    # Each bar's tooltip keeps the whole name; a label cut alike by no other keeps its start.
    assert f"<title>{names[0]}: 1</title>" in svg
    alone = bar_chart("c", "t", "d", [Bar(names[0], 1), Bar(names[3], 1)])
    assert re.findall(r'<text class="chart-label"[^>]*>([^<]*)</text>', alone) == [
        names[0][: MAX_LABEL_CHARS - 1] + "…",
        names[3][: MAX_LABEL_CHARS - 1] + "…",
    ]


def test_reference_lines_share_the_scale_and_have_their_own_rows() -> None:
    """An indicator's chart: decimal values written the reader's way, a target beyond every value sets
    the scale, each mark on a row of its own under the bars, named by its <title>."""
    svg = bar_chart(
        "i",
        "Schools",
        "d",
        [Bar("Mar 2025", Decimal("12.5"), "12,5"), Bar("Jun 2025", Decimal(-3), "-3")],
        [Mark("Baseline", Decimal(0), "0"), Mark("<Target>", Decimal(50), "50")],
    )
    assert _widths(svg) == [str(round(BAR_AREA * 12.5 / 50)), "1"]  # a negative value has no length
    assert "<title>Mar 2025: 12,5</title>" in svg
    assert f'<line class="chart-mark" x1="{LABEL_WIDTH + BAR_AREA}"' in svg  # the target at full scale
    assert f'<line class="chart-mark" x1="{LABEL_WIDTH}"' in svg
    assert "<title>&lt;Target&gt;: 50</title>" in svg and "<Target>" not in svg
    assert 'viewBox="0 0 640 118"' in svg  # four rows: two bars and two marks
    # In French a colon has a space before it, in the tooltips as in the text.
    french = bar_chart(
        "i", "Écoles", "d", [Bar("mars 2025", Decimal("12.5"), "12,5")], [Mark("Cible", 50)], lang="fr"
    )
    assert "<title>mars 2025 : 12,5</title>" in french and "<title>Cible : 50</title>" in french


def test_accept_language_negotiation() -> None:
    assert from_accept_language("de-DE, fr;q=0.4, es;q=0.7") == "es"
    assert from_accept_language("es;q=0, fr") == "fr"
    assert from_accept_language("ja, *;q=0.1") is None
    assert from_accept_language("fr;q=abc, es") == "es"
    assert from_accept_language(None) is None
    assert choose_language("FR", "es") == ("fr", True)
    assert choose_language("de", "es-MX") == ("es", False)
    assert choose_language(None, None) == ("en", False)


def test_a_long_value_has_room_after_its_bar() -> None:
    """An indicator counting money or people ("1 500 000 000" soles spent): the largest bar, or the
    target's line, reaches the right of the bar area, and its value was written past the chart's edge,
    cut to "1 000 000"; the chart is now as wide as its longest value needs (about 7 units a
    character at the chart's 12-unit font), and no wider when the values are short."""
    svg = bar_chart(
        "i",
        "Presupuesto ejecutado",
        "d",
        [Bar("jul 2025", 1_000_000_000, "1\u202f000\u202f000\u202f000"), Bar("ago 2025", 5, "5")],
        [Mark("Meta", 1_500_000_000, "1\u202f500\u202f000\u202f000")],
    )
    width = int(re.search(r'viewBox="0 0 (\d+) ', svg).group(1))  # type: ignore[union-attr]
    values = re.findall(r'<text class="chart-value" x="(\d+)"[^>]*>([^<]*)</text>', svg)
    assert len(values) == 3
    for x, text in values:
        assert int(x) + 7 * len(text) <= width, (x, text, width)
    short = bar_chart("c", "t", "d", [Bar("a", 10, "10")])
    assert 'viewBox="0 0 640 ' in short


def test_an_indicator_of_negative_values_only_draws_no_bar_beyond_the_chart() -> None:
    """Every value below zero (a fall measured as "-10 %"): the largest value was a negative number, so a
    value twice as low was drawn twice as long as the chart's area, the lowest the longest bar, past the
    chart's right edge. A value at or below zero has no length, whatever the others are."""
    svg = bar_chart(
        "i",
        "Backlog change",
        "d",
        [Bar("2025", Decimal(-10)), Bar("2026", Decimal(-20))],
        [Mark("Target", Decimal(-30))],
    )
    assert _widths(svg) == ["1", "1"]
    assert f'<line class="chart-mark" x1="{LABEL_WIDTH}"' in svg
    lines = re.findall(r'x1="(\d+)"', svg)
    assert all(int(x) <= LABEL_WIDTH + BAR_AREA for x in lines)

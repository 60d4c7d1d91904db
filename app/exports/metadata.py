"""What an export says about itself: the publisher, its contact, the licence, when the data last
changed and was last imported, and when the file was made.

Each format carries it where the format has room without changing its rows: the XLSX workbook has an
``about`` sheet after the data and document properties (title, author); every export, CSV and JSON
included, has ``Link`` headers to the licence (``rel="license"``) and to the metadata document
``/api/v1/public/exports/metadata.json`` (``rel="describedby"``), which says the rest as JSON. The CSV
keeps one header row and the JSON stays an array, so that tools (and the CSV template's round trip)
read them as before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from app.core.downloads import name_words, whole_filters
from app.core.publisher import Publisher
from app.exports.freshness import DataDates, data_dates
from app.exports.schemas import ExportDistribution, ExportMetadata
from app.recommendations.schemas import RecommendationListParams

METADATA_PATH = "/api/v1/public/exports/metadata.json"
# The ``filters`` of an export asked for without one.
NO_FILTER = "none"
# Not filters: the language of the texts (a row of its own), the list's order and paging.
_NOT_FILTERS = {"lang", "sort", "limit", "cursor"}
_MOST_IN_NAME = 80
_ESCAPES = {character: f"%{ord(character):02X}" for character in "%&=#+"}
EXPORT_PATH = "/api/v1/public/exports/recommendations"
# The writers' media types (app.exports.writers imports this module: named here, not imported).
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
JSON_MEDIA_TYPE = "application/json"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportAbout:
    publisher: Publisher
    dates: DataDates
    made_at: datetime
    filters: str = NO_FILTER  # ``filters_query`` of the export's parameters
    lang: str = "en"

    def rows(self, count: int) -> list[tuple[str, str | int]]:
        """The ``about`` sheet: one (field, value) row each, values as text (times in ISO 8601, UTC)
        but ``count``, the recommendations the file holds, a number."""
        site, dates = self.publisher, self.dates
        return [
            ("title", site.title),
            ("publisher", site.body),
            ("contact_email", site.contact_email),
            ("contact_url", site.contact_url),
            ("licence", site.licence),
            ("licence_url", site.licence_url),
            ("last_published_change", _iso(dates.published_change)),
            ("last_import", _iso(dates.last_import)),
            ("exported_at", _iso(self.made_at)),
            ("filters", self.filters),
            ("lang", self.lang),
            ("recommendations", count),
        ]


def about_in(
    conn: Connection,
    publisher: Publisher,
    made_at: datetime,
    params: RecommendationListParams | None = None,
) -> ExportAbout:
    """The metadata of a file read on ``conn``: its dates as the export's own snapshot sees them, and
    the filters and language ``params`` asked for."""
    with Session(bind=conn) as session:
        dates = data_dates(session)
    if params is None:
        return ExportAbout(publisher, dates, made_at)
    return ExportAbout(publisher, dates, made_at, filters_query(params), params.lang)


def filters_query(params: RecommendationListParams) -> str:
    """The filters of an export as the query string takes them (``mechanism=CRC&status=in_progress``),
    in the list's order of parameters, a repeated one once per value; ``none`` without a filter. Only
    the characters that would change the query's meaning are escaped (``%`` ``&`` ``=`` ``#`` ``+``):
    spaces and accents stay as typed, so a person reads it and a browser takes it after ``?``."""
    given = params.model_dump(mode="json", exclude_defaults=True, exclude=_NOT_FILTERS)
    pairs = [
        f"{name}={_escaped(value)}"
        for name, values in given.items()
        for value in (values if isinstance(values, list) else [values])
    ]
    return "&".join(pairs) or NO_FILTER


def filters_in_name(params: RecommendationListParams) -> str:
    """The filters of an export as words of its file name (``mechanism-CRC-country-Peru``: each
    parameter's name, then its values; the filters that fit in 80 characters, whole, the ``about``
    sheet of an XLSX holds them all); empty without a filter. The CSV and JSON files have no room
    for them, so a person sees them in the name the file is saved under."""
    given = params.model_dump(mode="json", exclude_defaults=True, exclude=_NOT_FILTERS)
    pairs = (
        name_words(
            " ".join([name, *(_shown(value) for value in (values if isinstance(values, list) else [values]))])
        )
        for name, values in given.items()
    )
    # Past 80 characters, cut between two filters: never a parameter's name without its values.
    return whole_filters(pairs, "-", _MOST_IN_NAME)


def _shown(value: object) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _escaped(value: object) -> str:
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return "".join(_ESCAPES.get(character, character) for character in text)


def link_header(publisher: Publisher, base_url: str) -> str:
    """The ``Link`` header of every export: the metadata document and the licence."""
    links = [f'<{base_url}{METADATA_PATH}>; rel="describedby"; type="application/json"']
    if publisher.licence_url:
        links.append(f'<{publisher.licence_url}>; rel="license"')
    return ", ".join(links)


def _iso(value: datetime | None) -> str:
    return value.isoformat().replace("+00:00", "Z") if value is not None else ""


def metadata_document(session: Session, publisher: Publisher, base_url: str) -> ExportMetadata:
    """The metadata document (``METADATA_PATH``): the publisher, the licence, the data's dates, the files."""
    dates = data_dates(session)
    files = (("csv", CSV_MEDIA_TYPE), ("xlsx", XLSX_MEDIA_TYPE), ("json", JSON_MEDIA_TYPE))
    return ExportMetadata(
        title=publisher.title,
        publisher=publisher.body,
        contact_email=publisher.contact_email or None,
        contact_url=publisher.contact_url or None,
        licence=publisher.licence or None,
        licence_url=publisher.licence_url or None,
        last_published_change=dates.published_change,
        last_import=dates.last_import,
        distributions=[
            ExportDistribution(format=fmt, media_type=media, url=f"{base_url}{EXPORT_PATH}.{fmt}")
            for fmt, media in files
        ],
    )

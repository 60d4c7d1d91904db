"""Which State an import run concerns: the command line's or the settings' country, checked."""

from __future__ import annotations

from app.core.config import Settings
from app.core.errors import ImportFailed
from app.feed.countries import UnknownCountry, resolve_known_country


class ImportUsageError(ImportFailed):
    """The command line or the settings ask for something impossible (an unknown country, two
    exclusive options): nothing was started; the command exits 2."""


def scope_country(settings: Settings, country: str | None, all_countries: bool) -> str | None:
    if all_countries and country:
        raise ImportUsageError("--country and --all-countries exclude each other: give one of them")
    if all_countries:
        return None
    chosen, origin = (country, "--country") if country else (settings.country, "NRTD_COUNTRY")
    if not chosen.strip():
        raise ImportUsageError(
            "no country to import: set NRTD_COUNTRY or pass --country "
            "(or --all-countries to import every State)"
        )
    return known_country(chosen, origin)


def known_country(label: str, origin: str) -> str:
    try:
        return resolve_known_country(label)
    except UnknownCountry as exc:
        raise ImportUsageError(f"{origin}: {exc}") from None

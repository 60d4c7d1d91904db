"""Who publishes a report, as every format states it (title page, footer, about sheet): the site's
name, the publishing body, its contact and the licence of the data (the NRTD_SITE_NAME ... settings)."""

from __future__ import annotations

from app.reports.schemas import Report


def publisher_lines(report: Report) -> list[tuple[str, str]]:
    """(label, value) pairs; none for a report built without the settings (a test's)."""
    site = report.publisher
    if site is None:
        return []
    lines = [("Site", site.title), ("Published by", site.body)]
    contact = " · ".join(part for part in (site.contact_email, site.contact_url) if part)
    if contact:
        lines.append(("Contact", contact))
    if site.rights:
        lines.append(("Licence of the data", site.rights))
    return lines

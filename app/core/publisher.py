"""Who publishes the data, as the settings name them: the site, the publishing body, a contact and
the open data's licence. The portal shows them on every page; the exports, the Atom feed and the
reports carry them. An unset name falls back to a neutral English default here (machine-read places:
the feed, the exports' metadata); the portal and the reports word the defaults in the reader's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.core.config import Settings

DEFAULT_SITE_NAME = "Recommendation tracker"
DEFAULT_PUBLISHER = "National mechanism for implementation, reporting and follow-up"


@dataclass(frozen=True)
class Publisher:
    site_name: str  # "" when not set
    publisher: str  # "" when not set
    country: str
    contact_email: str
    contact_url: str
    licence: str
    licence_url: str

    @classmethod
    def of(cls, settings: Settings) -> Publisher:
        return cls(
            site_name=settings.site_name,
            publisher=settings.publisher,
            country=settings.country,
            contact_email=settings.contact_email,
            contact_url=settings.contact_url,
            licence=settings.data_licence,
            licence_url=settings.data_licence_url,
        )

    @property
    def title(self) -> str:
        """The site's name, or the neutral default."""
        return self.title_in(str)

    @property
    def body(self) -> str:
        """The publishing body, or the national mechanism (of the State, when it is set)."""
        return self.body_in(str)

    def title_in(self, gettext: Callable[[str], str]) -> str:
        """The site's name, or the default worded by ``gettext`` (a language's catalogue)."""
        return self.site_name or gettext(DEFAULT_SITE_NAME)

    def body_in(self, gettext: Callable[[str], str], state: str | None = None) -> str:
        """The publishing body, or the national mechanism worded by ``gettext`` (of the State, when
        it is set: ``state`` names it in the same language, "Perú" in Spanish; else the UHRI name)."""
        if self.publisher:
            return self.publisher
        default = gettext(DEFAULT_PUBLISHER)
        return f"{default} ({state or self.country})" if self.country else default

    @property
    def contact(self) -> str | None:
        """Where to write: the contact page, else a mailto: link; None when neither is set."""
        if self.contact_url:
            return self.contact_url
        return f"mailto:{self.contact_email}" if self.contact_email else None

    @property
    def rights(self) -> str:
        """One line for the feed's rights and the exports' metadata: the licence and its address."""
        if not self.licence:
            return ""
        return f"{self.licence} ({self.licence_url})" if self.licence_url else self.licence

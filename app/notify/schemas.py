"""The API's shape of one's reminder settings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from app.models.accounts import DigestFrequency

DigestLanguage = Literal["en", "fr", "es"]


class ReminderSettings(BaseModel):
    """How often your digest of what is waiting for you comes by e-mail, and in which language."""

    model_config = ConfigDict(extra="forbid")

    digest: DigestFrequency = Field(description="daily, weekly (on the first run of each ISO week) or never")
    language: DigestLanguage = Field(description="The digest's language: en, fr or es")

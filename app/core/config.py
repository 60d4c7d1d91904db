"""Settings, read from the environment (prefix ``NRTD_``) or a ``.env`` file."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache
from typing import Literal

from pydantic import Field, SecretStr, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from app.core import setting_checks as checks
from app.core import setting_times

UHRI_LANGUAGES = ("en", "fr", "es", "ar", "ru", "zh")
# What both logging and uvicorn know (nrtd serve hands the level to each).
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")

# The settings whose value is checked (a setting_checks rule, which says what is wrong) or tidied.
_CHECKS: dict[str, Callable[[str], str]] = {
    "uhri_languages": lambda value: checks.languages(value, UHRI_LANGUAGES),
    "database_url": checks.database_file,
    "storage_dir": checks.storage_directory,
    "export_cache_dir": lambda value: checks.directory(
        value, "the public exports are kept (made when first needed), or leave it empty"
    ),
    # {lang} is checked as the portal's default language (app.web.i18n), whose file serves the others.
    "accessibility_statement": lambda value: checks.text_file(value, lang="en"),
    "log_level": lambda value: checks.log_level(value, LOG_LEVELS),
    "import_schedule": setting_times.cron,
    "notify_schedule": setting_times.cron,
    "base_url": checks.site_address,
    "uhri_url": checks.http_url,
    "contact_email": checks.email_address,
    "smtp_from": checks.from_address,
    "smtp_host": checks.host_name,
    "contact_url": checks.web_address,
    "data_licence_url": checks.web_address,
    "site_name": lambda value: " ".join(value.split()),  # one line
    "publisher": lambda value: " ".join(value.split()),
    "data_licence": lambda value: " ".join(value.split()),
    "trusted_proxies": checks.networks,
    "public_cors_origins": checks.origins,
    "time_zone": setting_times.time_zone,
}
DEFAULT_UHRI_URL = "https://dataex.ohchr.org/uhri/export-results/export-full-{lang}.json"
_SOCKET_TIMEOUT_MAX = 86400  # a day: the most NRTD_HTTP_*_TIMEOUT may say


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NRTD_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./nrtd.db"
    country: str = Field(default="", description="The State this instance tracks, as UHRI spells it")
    uhri_url: str = Field(default=DEFAULT_UHRI_URL, description="Export URL; {lang} is replaced")
    uhri_languages: str = "en"
    import_schedule: str = Field(default="", description="cron expression; empty = no built-in schedule")
    # These three are handed to each download's socket, which takes no more than a day's worth of
    # seconds without an OverflowError (and never inf).
    http_connect_timeout: float = Field(
        default=10.0,
        gt=0,
        le=_SOCKET_TIMEOUT_MAX,
        allow_inf_nan=False,
        description="seconds to wait for a connection to the UHRI server",
    )
    http_read_timeout: float = Field(
        default=20.0,
        gt=0,
        le=_SOCKET_TIMEOUT_MAX,
        allow_inf_nan=False,
        description="seconds to wait for the answer, and then for each piece of the body",
    )
    http_timeout: float | None = Field(
        default=None,
        gt=0,
        le=_SOCKET_TIMEOUT_MAX,
        allow_inf_nan=False,
        description="the former single timeout: when set, it is both of the above",
    )
    http_retries: int = Field(default=4, ge=0, description="retries of a transient download failure")
    http_give_up_after: float = Field(
        default=30.0,
        gt=0,
        description="seconds without any data from the server after which no further attempt starts",
    )
    http_total_timeout: float = Field(
        default=3600.0, gt=0, description="seconds a whole download may take, retries included"
    )
    download_max_bytes: int = Field(
        default=2 * 1024**3, ge=1, description="refuse a download larger than this many bytes"
    )
    import_lock_ttl: int = Field(
        # Under a minute, another host would take over the lease of an import still running there.
        default=6 * 3600,
        ge=60,
        description="seconds before an orphaned SQLite lease expires",
    )
    import_reader_process: Literal["auto", "always", "never"] = Field(
        default="auto",
        description="parse UHRI JSON exports in a second process: auto (16 MB or more), always, never",
    )
    log_level: str = Field(default="INFO", description="DEBUG, INFO, WARNING, ERROR or CRITICAL (any case)")
    token_ttl_minutes: int = Field(
        default=480, ge=1, le=60 * 24 * 30, description="lifetime of a login token, in minutes"
    )
    staff_session_idle_minutes: int = Field(
        default=30, ge=1, le=24 * 60, description="a staff workspace session ends after this long unused"
    )
    staff_session_max_hours: int = Field(
        default=12, ge=1, le=24 * 7, description="a staff workspace session ends this long after sign-in"
    )
    staff_cookie_secure: Literal["auto", "always", "never"] = Field(
        default="auto",
        description="the staff session cookie's Secure flag: auto (when the request came over HTTPS, "
        "behind a trusted proxy too), always, never",
    )
    temporary_password_days: int = Field(
        default=7,
        ge=1,
        le=90,
        description="a temporary password (an account an admin created, or a password an admin reset) "
        "signs in for this many days after it was set; then the admin sets a new one",
    )
    login_max_failures: int = Field(
        default=5,
        ge=1,
        description="failed logins per account and address within the window before each retry waits "
        "(2, 4, 8 ... seconds)",
    )
    login_max_failures_per_account: int = Field(
        default=100,
        ge=1,
        description="failed logins per account within the window after which only addresses the user "
        "logged in from before may try",
    )
    login_max_failures_per_ip: int = Field(
        default=20, ge=1, description="failed logins per client address within the window before 429"
    )
    login_window_seconds: int = Field(default=900, ge=1, description="the failed-login counting window")
    login_verify_slots: int = Field(
        default=0,
        ge=0,
        description="password verifications at once (Argon2); 0: one fewer than the CPUs, at least one",
    )
    login_verify_wait: float = Field(
        default=1.0,
        gt=0,
        le=30,
        description="seconds a login waits for a verification slot before 503 with Retry-After",
    )
    public_access: Literal["open", "key", "off"] = Field(
        default="open",
        description="public read-only routes: open (anonymous), key (API key or reader login), off (404)",
    )
    public_cors_origins: str = Field(
        default="*",
        description="origins (scheme://host[:port], comma-separated) whose pages may call the public API "
        "from a browser; * any; empty: no CORS headers. Never with credentials",
    )
    public_rate_limit: int = Field(
        default=120, ge=1, description="requests per minute per client on the public routes and pages"
    )
    max_request_bytes: int = Field(default=1024 * 1024, ge=1024, description="largest request body accepted")
    upload_max_bytes: int = Field(
        default=50 * 1024 * 1024,
        ge=1024,
        description="largest file the staff workspace's import upload accepts (its route only; every other "
        "route keeps max_request_bytes)",
    )
    evidence_max_bytes: int = Field(
        default=25 * 1024 * 1024,
        ge=1024,
        description="largest evidence file attached to a progress update (its upload routes only)",
    )
    storage_dir: str = Field(
        default="./storage",
        description="where uploaded files (evidence) are kept, by content hash; back it up with the database",
    )
    db_lock_timeout: float = Field(
        default=5.0,
        gt=0,
        le=600,
        description="seconds a request waits for a database lock (SQLite's write lock, a PostgreSQL row "
        "lock) before 503 with Retry-After; imports and the CLI wait longer",
    )
    db_pool_size: int = Field(default=10, ge=1, description="database connections each server process keeps")
    db_max_overflow: int = Field(
        default=30, ge=0, description="connections opened beyond db_pool_size under load (closed afterwards)"
    )
    db_pool_timeout: float = Field(
        default=5.0, gt=0, le=600, description="seconds a request waits for a free connection before 503"
    )
    db_connect_timeout: int = Field(
        default=5,
        ge=2,
        le=600,
        description="seconds a request (503) or an nrtd command (one line, exit 2) waits for a new "
        "PostgreSQL connection to be set up (a connect_timeout in NRTD_DATABASE_URL wins)",
    )
    db_write_concurrency: int = Field(
        default=4,
        ge=1,
        description="write requests a server process runs at once on PostgreSQL (SQLite: one); the "
        "others wait their turn up to db_lock_timeout",
    )
    rate_limit_store: Literal["auto", "redis", "database", "memory"] = Field(
        default="auto",
        description="where the public rate limit counts: auto (Redis with NRTD_REDIS_URL, else the database)",
    )
    redis_url: str = Field(default="", description="redis://host:6379/0 shared by every replica; optional")
    redis_prefix: str = Field(
        default="nrtd:", max_length=64, description="prefix of this instance's Redis keys (several share one)"
    )
    trusted_proxies: str = Field(
        default="", description="addresses or CIDRs of reverse proxies whose X-Forwarded-For is believed"
    )
    import_max_withdraw_share: float = Field(
        default=0.1,
        ge=0,
        le=1,
        description="largest share of a scope's live records a full import may withdraw unless told",
    )
    demo: bool = Field(
        default=False, description="a demo instance holding the bundled sample: every page says so"
    )

    # --- the publisher: named on every portal page, in the open data, the Atom feed and the reports
    site_name: str = Field(
        default="",
        max_length=200,
        description='the site\'s name, e.g. "Lesotho — Recommendations Tracking"; empty: "Recommendation '
        "tracker\" in the reader's language",
    )
    publisher: str = Field(
        default="",
        max_length=300,
        description="the body that publishes the data; empty: the national mechanism for implementation, "
        "reporting and follow-up (of NRTD_COUNTRY)",
    )
    contact_email: str = Field(default="", max_length=254, description="the publisher's contact address")
    contact_url: str = Field(default="", max_length=2000, description="a contact page (http or https)")
    data_licence: str = Field(default="CC BY 4.0", max_length=200, description="the open data's licence")
    data_licence_url: str = Field(
        default="https://creativecommons.org/licenses/by/4.0/",
        max_length=2000,
        description="the licence's text (http or https); empty with a licence of its own name only",
    )
    accessibility_statement: str = Field(
        default="",
        max_length=1000,
        description="a plain-text file of the accessibility statement replacing the default one; {lang} "
        "in the path is replaced by en, fr or es (the English file serves a language without its own)",
    )

    export_concurrency: int = Field(
        default=3,
        ge=1,
        description="exports this server process builds at once, public and staff together; beyond: 503",
    )
    export_concurrency_per_client: int = Field(
        default=2, ge=1, description="exports one client may download at once; beyond: 429"
    )
    export_rate_cost: int = Field(
        default=10, ge=1, description="requests of the public rate limit that one public export counts as"
    )
    export_cache_dir: str = Field(
        default="",
        description="directory of the full public exports kept per data version; "
        "empty: <temp dir>/nrtd-exports",
    )
    read_cache_mb: int = Field(
        default=32,
        ge=0,
        le=4096,
        description="memory each server process keeps recommendation list pages in, per data version; "
        "0: none kept",
    )
    # E-mail reminders (docs/reminders.md): digests of each person's work, sent by `nrtd notify send` or
    # by `nrtd serve` on NRTD_NOTIFY_SCHEDULE. No SMTP host: nothing is sent (the outbox keeps them).
    smtp_host: str = Field(default="", description="SMTP server for the reminder digests; empty: none sent")
    smtp_port: int = Field(default=587, ge=1, le=65535, description="SMTP port (587 submission, 25, 465 TLS)")
    smtp_from: str = Field(default="", description="From address of the digests: NRTD <nrtd@example.org>")
    smtp_username: str = Field(default="", description="SMTP login; empty: no authentication")
    smtp_password: SecretStr = Field(default=SecretStr(""), description="SMTP password")
    smtp_starttls: bool = Field(default=True, description="upgrade the connection with STARTTLS before login")
    smtp_timeout: float = Field(default=30.0, gt=0, le=600, description="seconds an SMTP exchange may take")
    notify_schedule: str = Field(
        default="", description="cron expression of the digest run in `nrtd serve`; empty: not scheduled"
    )
    time_zone: str = Field(
        default="UTC",
        description="the instance's IANA time zone (America/Lima): what today is for deadlines, overdue "
        "items and the reminders' days, and the times the pages show; stored times stay in UTC",
    )
    notify_due_days: int = Field(
        default=14, ge=1, le=365, description="what is due within this many days is in a digest"
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="the address people open the service at: the digests' links start with it",
    )

    stats_timeout: float = Field(
        default=15.0, gt=0, le=600, description="seconds a statistics request may take before 503"
    )

    @field_validator(*_CHECKS)
    @classmethod
    def _checked(cls, value: str, info: ValidationInfo) -> str:
        """Each setting's value checked (and tidied) by its rule in ``_CHECKS``."""
        return _CHECKS[info.field_name or ""](value)

    @field_validator("database_url", "storage_dir", "export_cache_dir", "smtp_username", mode="before")
    @classmethod
    def _without_surrounding_blanks(cls, value: object) -> object:
        # A value copied from a secrets file or a Kubernetes secret ends with its line break: the
        # database's name became "nrtd\n" (cannot connect, the message cut at the break), the evidence
        # went to a new folder "storage " beside the one backed up. None of these ends with a blank.
        return value.strip() if isinstance(value, str) else value

    @field_validator("smtp_password", mode="before")
    @classmethod
    def _without_line_breaks(cls, value: object) -> object:
        # Its line break too (the login was refused, the password looking right); spaces may be its own.
        return value.strip("\r\n") if isinstance(value, str) else value

    @field_validator("http_timeout", mode="before")
    @classmethod
    def _former_timeout_empty(cls, value: object) -> object:
        # Its default is "(empty)": set but empty, it is unset rather than "not a valid number".
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("http_timeout")
    @classmethod
    def _former_timeout(cls, value: float | None, info: ValidationInfo) -> float | None:
        # Set beside one of the two that replaced it, it overrode that one without a word.
        replacing = [
            f"NRTD_{name.upper()}"
            for name in ("http_connect_timeout", "http_read_timeout")
            if name in info.data and info.data[name] != cls.model_fields[name].default
        ]
        if value is not None and replacing:
            raise ValueError(
                f"the former single timeout is set beside {' and '.join(replacing)}, which replaced it: it "
                f"would override {'them' if len(replacing) > 1 else 'it'}; remove NRTD_HTTP_TIMEOUT and set "
                "NRTD_HTTP_CONNECT_TIMEOUT and NRTD_HTTP_READ_TIMEOUT"
            )
        return value

    @field_validator("smtp_password")
    @classmethod
    def _password_without_login(cls, value: SecretStr, info: ValidationInfo) -> SecretStr:
        # No login is tried without a user name: a relay wanting one refused every digest, while the
        # password looked set. (Its value is never named.)
        if value.get_secret_value() and not str(info.data.get("smtp_username", "")).strip():
            raise ValueError(
                "is set while NRTD_SMTP_USERNAME is empty, so it would never be sent (the digests would go "
                "without a login): set NRTD_SMTP_USERNAME to the login, or remove NRTD_SMTP_PASSWORD"
            )
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str, info: ValidationInfo) -> str:
        return checks.redis_url(value, store=info.data.get("rate_limit_store"))

    def site_address(self, request_base: str) -> str:
        """The address the links the service hands out start with (calendar feed, Atom feed, export
        metadata): ``NRTD_BASE_URL`` when it is set, else the address the request came to, which a
        proxy that does not pass the Host header on makes the app's own (``127.0.0.1:8000``)."""
        return self.base_url if "base_url" in self.model_fields_set else request_base.rstrip("/")

    @property
    def trusted_networks(self) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
        return [ipaddress.ip_network(part, strict=False) for part in self.trusted_proxies.split(",") if part]

    @property
    def public_cors_origin_list(self) -> list[str]:
        return [part for part in self.public_cors_origins.split(",") if part]

    @property
    def languages(self) -> list[str]:
        return self.uhri_languages.split(",")


@lru_cache
def get_settings() -> Settings:
    return Settings()

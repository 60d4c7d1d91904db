"""The UHRI import: an export from a path or a URL (downloaded conditionally), under the import lock,
through ``run_record.execute_run``. The CSV imports (UPR Info, the manual template) are
``importers/csv_runs.py``'s."""

from __future__ import annotations

import logging
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from sqlalchemy import Connection, Engine, delete, insert, select, text
from sqlalchemy.exc import DBAPIError

from app.core.config import Settings
from app.feed import download_refusals, file_refusals, refusals
from app.feed.records import CountryFilter, KnownHashes
from app.feed.refusals import refusal
from app.import_runs.lock import import_lock
from app.models import FeedValidator
from importers.download import DownloadError, DownloadResult, Validators, download
from importers.halves import READER_PROCESS_MIN_BYTES, HalfReaders, SplitFailed, reads_separately
from importers.pipeline.first_load import FIRST_LOAD_TABLES
from importers.pipeline.prepare import read_uhri_json_described
from importers.pipeline.records import Counts
from importers.pipeline.terms import TermIndex
from importers.pipeline.upserter import Upserter
from importers.progress import Progress, count_uhri_records
from importers.reader_process import read_in_process
from importers.run_record import RunSpec, RunSummary, execute_run, finish_run, record_failure, start_run
from importers.scope import (
    ImportUsageError,
    check_languages,
    export_format,
    holds_a_workbook,
    missing_source,
    scope_country,
)
from importers.uhri_json import read_uhri_json, read_uhri_json_texts, resolve_unchanged
from importers.uhri_keys import check_keys
from importers.uhri_xlsx import read_uhri_xlsx

log = logging.getLogger(__name__)
_T = TypeVar("_T")
__all__ = ["READER_PROCESS_MIN_BYTES", "import_uhri"]


def _is_url(location: str) -> bool:
    return location.startswith(("http://", "https://"))


@contextmanager
def _workdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="nrtd-import-") as tmp:
        yield Path(tmp)


def import_uhri(
    engine: Engine,
    settings: Settings,
    location: str | None = None,
    *,
    country: str | None = None,
    all_countries: bool = False,
    languages: list[str] | None = None,
    partial: bool = False,
    allow_withdraw: bool = False,
    allow_empty: bool = False,
    progress: Progress | None = None,
    readers: HalfReaders | None = None,
    shown_as: str | None = None,
    withdraw_advice: str = "option",
) -> RunSummary:
    """Import a UHRI export (JSON full export or XLSX), from a path or URL.

    A location containing ``{lang}`` names one export per language (merged on AnnotationId); the
    first language is the primary one. Only a JSON full export (not ``partial``) withdraws the
    stored records it lacks, within its scope (one State, or every State), and no more than
    NRTD_IMPORT_MAX_WITHDRAW_SHARE of them unless ``allow_withdraw``. ``readers``: the half readers
    started ahead for this run (``importers.halves.started_for_run``), used if they are the ones it
    needs; the caller ends them. ``withdraw_advice``: how a refusal to withdraw that many says what
    to do, the command's option ("option") or whom to ask ("ask-administrator", for a run the server
    starts, read on the staff workspace).
    """
    check_languages(settings, location, languages)
    langs = languages or settings.languages
    location = location or settings.uhri_url
    fmt = export_format(location)
    if "{lang}" not in location:
        langs = langs[:1]
    if fmt == "xlsx":
        langs = ["en"]
    spec = RunSpec(
        "uhri",
        fmt,
        location,
        scope_country(settings, country, all_countries),
        fmt == "json" and not partial,
        langs,
        None if allow_withdraw else settings.import_max_withdraw_share,
        allow_empty,
        shown_as,
        withdraw_advice=withdraw_advice,
    )
    with import_lock(engine, ttl_seconds=settings.import_lock_ttl), _workdir() as work:
        return UhriImport(engine, settings, spec, progress, readers).run(work)


class UhriImport:
    """One UHRI import run: its files (downloaded or local), their reading, the validators kept."""

    def __init__(
        self,
        engine: Engine,
        settings: Settings,
        spec: RunSpec,
        progress: Progress | None,
        readers: HalfReaders | None = None,
    ) -> None:
        self.engine = engine
        self.readers = readers  # started ahead, for a one-State run of a large local JSON export
        self.settings = settings
        self.spec = spec
        self.progress = progress
        self.urls = {lang: spec.location.replace("{lang}", lang) for lang in spec.languages}
        self.downloads: dict[str, DownloadResult] = {}  # by language, for a URL
        self.files: dict[str, Path] = {}  # by language, what the run reads
        self.first_loaded = False  # whether the feed took the first-load path (then VACUUM after)
        self.counts: Counts | None = None  # the run's counts, as the pipeline keeps them

    def run(self, work: Path) -> RunSummary:
        if _is_url(self.spec.location):
            try:
                self.downloads = self._download_all(work)
            except DownloadError as exc:
                message = refusal(download_refusals.DOWNLOAD_FAILED, reason=str(exc))
                run_id = record_failure(self.engine, self.spec, Counts(), message)
                return RunSummary(run_id, "failed", Counts(), message)
            if all(result.not_modified for result in self.downloads.values()):
                return self._not_modified()
        self.files = self._files()
        if self.spec.format == "json" and holds_a_workbook(self._primary_file()):
            refused = self._read_as_workbook()
            if refused is not None:
                return refused
        if self.progress is not None and self.spec.format == "json":
            primary = self.files[self.spec.languages[0]]
            self.progress.expect(lambda: count_uhri_records(primary))
        summary = execute_run(
            self.engine, self.spec, self._feed, progress=self.progress, after=self._save_validators
        )
        if summary.outcome == "succeeded" and self.first_loaded and self.engine.dialect.name == "postgresql":
            _vacuum_after_first_load(self.engine)
        return summary

    def _primary_file(self) -> Path:
        return self.files[self.spec.languages[0]]

    def _read_as_workbook(self) -> RunSummary | None:
        """A file that is the search page's XLSX whatever its name says (a URL's ``.../download``,
        ``...?id=3`` or name ending in .json, a local path with ``{lang}``): read as the XLSX it is,
        which is never a full export (it withdraws nothing); refused, as a failed run, when other
        languages than English were asked for, which it does not hold. Another ZIP archive (the JSON
        export zipped) is read so too: the XLSX reader names what it holds."""
        if self.spec.languages != ["en"] and _is_an_xlsx(self._primary_file()):
            reason = refusal(
                file_refusals.WORKBOOK_NOT_IN_LANGUAGES,
                name=self._primary_file().name,
                languages=", ".join(self.spec.languages),
            )
            message = refusal(refusals.INPUT_REJECTED, reason=reason)
            return RunSummary(
                record_failure(self.engine, self.spec, Counts(), message), "failed", Counts(), message
            )
        self.spec = replace(self.spec, format="xlsx", full_export=False)
        return None

    def _not_modified(self) -> RunSummary:
        with self.engine.begin() as conn:
            run_id = start_run(conn, self.spec)
            finish_run(
                conn, run_id, "not_modified", Counts(), "the export has not changed since the last run"
            )
        return RunSummary(run_id, "not_modified", Counts(), "not modified")

    def _files(self) -> dict[str, Path]:
        """Each language's export: downloaded, or the local files the location names."""
        if self.downloads:
            return {lang: _downloaded_path(result) for lang, result in self.downloads.items()}
        files = {}
        for lang, location in self.urls.items():
            path = Path(location)
            if path.is_dir():
                raise ImportUsageError(f"{path} is a directory: name the export file in it")
            if not path.is_file():
                raise ImportUsageError(missing_source(location))
            files[lang] = path
        return files

    def _feed(self, upserter: Upserter) -> None:
        """The run's records into the pipeline: the primary language's, then the others' texts."""
        self.counts = upserter.counts
        primary, *others = self.spec.languages
        path = self.files[primary]
        if self.spec.format == "json":
            check_keys(path)  # before a record is written: a format change is refused, not stored
        if self.spec.format == "xlsx":
            upserter.consume(read_uhri_xlsx(path))
        elif not reads_separately(self.settings, path):
            upserter.consume(read_uhri_json(path, primary, upserter.country_filter, upserter.known_hashes()))
        elif self.spec.country is None:
            with upserter.first_load():
                upserter.consume(
                    read_in_process(read_uhri_json_described, path, primary, *_reader_state(upserter))
                )
        else:
            _consume_halves(upserter, path, primary, self.readers)
        if self.spec.format == "json":
            for lang in others:
                if self.progress:
                    self.progress(f"merging {lang}", upserter.counts)
                texts = read_in_process if reads_separately(self.settings, self.files[lang]) else _in_process
                upserter.merge_texts(lang, texts(read_uhri_json_texts, self.files[lang], lang))
        self.first_loaded = upserter.first_loaded

    def _download_all(self, work: Path) -> dict[str, DownloadResult]:
        """Every language's export, by language: each not modified, or each downloaded in full.

        The requests are conditional only when every URL has validators stored for this scope.
        """
        with self.engine.connect() as conn:
            known = {
                row.url: Validators(row.etag, row.last_modified)
                for row in conn.execute(
                    select(FeedValidator).where(
                        FeedValidator.url.in_(list(self.urls.values())),
                        FeedValidator.scope == _scope(self.spec),
                    )
                )
            }
        conditional = all(url in known for url in self.urls.values())
        results = {
            lang: self._fetch(lang, known.get(url) if conditional else None, work)
            for lang, url in self.urls.items()
        }
        unchanged = [lang for lang, result in results.items() if result.not_modified]
        if len(unchanged) < len(results):
            # Some languages changed: the unchanged ones are needed in full too.
            results.update({lang: self._fetch(lang, None, work) for lang in unchanged})
        return results

    def _fetch(self, lang: str, known: Validators | None, work: Path) -> DownloadResult:
        if self.progress:
            self.progress(f"downloading {lang}", Counts())
        url = self.urls[lang]
        return _download(self.settings, url, work / lang / _downloaded_name(url, lang), known, self.progress)

    def _save_validators(self, conn: Connection, run_id: int) -> None:
        """The downloads' validators, for the next run's conditional requests (in the run's transaction).

        A validator stands for "the stored records are what this URL's export held": a run that
        changed records (a local file, the search page's XLSX, another URL or scope) forgets them all,
        so that the next download is read in full rather than answered 304 over what this run wrote.
        """
        counts = self.counts
        if counts is not None and (counts.created or counts.updated or counts.withdrawn):
            conn.execute(delete(FeedValidator))
        scope = _scope(self.spec)
        for lang, result in self.downloads.items():
            url = self.urls[lang]
            conn.execute(delete(FeedValidator).where(FeedValidator.url == url, FeedValidator.scope == scope))
            conn.execute(
                insert(FeedValidator).values(
                    url=url,
                    scope=scope,
                    etag=result.validators.etag,
                    last_modified=result.validators.last_modified,
                    import_run_id=run_id,
                )
            )


def _is_an_xlsx(path: Path) -> bool:
    """Whether the ZIP archive at ``path`` is a workbook (it holds an Office file's content types)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _downloaded_name(url: str, lang: str) -> str:
    """The name a download is kept under, which the refusals of its content name: the URL's last
    part ("export-full-en.json"), as the operator knows it, made safe; each language has a folder."""
    last = unquote(urlsplit(url).path).rsplit("/", 1)[-1]
    return re.sub(r"[^\w.-]+", "-", last).strip(".-")[:100] or f"export-{lang}"


def _downloaded_path(result: DownloadResult) -> Path:
    assert result.path is not None, "a run reads only what was downloaded"
    return result.path


def _in_process(reader: Callable[..., Iterable[_T]], *args: Any) -> Iterable[_T]:
    return reader(*args)


def _reader_state(upserter: Upserter) -> tuple[CountryFilter | None, KnownHashes, TermIndex]:
    """What a JSON reader needs from the pipeline: the country filter, the known raw hashes, the
    taxonomy index."""
    return upserter.country_filter, upserter.known_hashes(), upserter.terms


def _consume_halves(upserter: Upserter, path: Path, lang: str, ahead: HalfReaders | None) -> None:
    """One State from a large export: two processes parse a half each (see HalfReaders), those
    started ahead if they read this file for this State. They know nothing stored: the records
    they map are told unchanged (by their raw hash) and described here.

    Should a half fail to parse, what the run wrote so far is rolled back and one reader process
    reads the file again, from the start: a malformed file then fails with its fault named.
    """
    keep = upserter.country_filter
    assert keep is not None, "a one-State run"
    halves = ahead if ahead is not None and ahead.reads(path, lang, keep) else HalfReaders(path, lang, keep)
    with upserter.first_load(keys_only=True):
        savepoint = upserter.conn.begin_nested()
        try:
            upserter.consume(resolve_unchanged(halves.items(), upserter.known_hashes()))
        except SplitFailed:
            savepoint.rollback()
            upserter.restart()
            upserter.consume(read_in_process(read_uhri_json_described, path, lang, *_reader_state(upserter)))
        else:
            savepoint.commit()
        finally:
            halves.close()


def _vacuum_after_first_load(engine: Engine) -> None:
    """VACUUM the freshly loaded tables (outside any transaction, as VACUUM must run): it sets
    the visibility map that index-only scans need, which autovacuum would do only in time (and
    may be off). Readers and writers are not blocked; a database user that does not own the
    tables is skipped by PostgreSQL with a warning."""
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM {', '.join(FIRST_LOAD_TABLES)}"))
    except DBAPIError as exc:
        log.warning("VACUUM after the first load failed (autovacuum will do it): %s", exc)


def _scope(spec: RunSpec) -> str:
    return spec.country or "*"


def _download(
    settings: Settings,
    url: str,
    dest: Path,
    known: Validators | None,
    progress: Progress | None,
) -> DownloadResult:
    """One download with the settings' limits; its bytes and failed attempts go to ``progress``
    (without one, the attempts are logged: the scheduler's case)."""
    return download(
        url,
        dest,
        known=known,
        connect_timeout=settings.http_timeout or settings.http_connect_timeout,
        read_timeout=settings.http_timeout or settings.http_read_timeout,
        give_up_after=settings.http_give_up_after,
        total_timeout=settings.http_total_timeout,
        retries=settings.http_retries,
        max_bytes=settings.download_max_bytes,
        progress=progress.transfer if progress else None,
        on_retry=progress.notice if progress else None,
    )

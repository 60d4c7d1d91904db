"""The progress an import shows on the terminal: bytes while downloading, records while importing.

Both implement ``importers.progress.Progress``. On a terminal the bar shows the bytes received
of the size the server announced (with the speed), then the records read of the number the file
holds when it could be counted; notices (a failed download attempt) are printed above the bar.
Elsewhere (a cron job, a pipe) only the notices are printed, one line each, on stderr
(``app.cli.notices``, which does not load rich).
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    ProgressColumn,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TransferSpeedColumn,
)
from rich.text import Text

from app.cli.notices import Counts, NoticePrinter

BYTES = "bytes"
RECORDS = "records"


class AmountColumn(ProgressColumn):
    """For a download "12.5/80.0 MB 3.1 MB/s", for an import "1,000/4,200 records"."""

    def __init__(self) -> None:
        super().__init__()
        self._size = DownloadColumn()
        self._speed = TransferSpeedColumn()

    def render(self, task: Task) -> Text:
        unit = task.fields.get("unit")
        if unit == BYTES:
            return Text.assemble(self._size.render(task), " ", self._speed.render(task))
        if unit == RECORDS:
            done = f"{int(task.completed):,}"
            if task.total:
                return Text(f"{done}/{int(task.total):,} records")
            return Text(f"{done} {'record' if task.completed == 1 else 'records'}")
        return Text("")


def progress_bar(console: Console) -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        AmountColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


class BarProgress(NoticePrinter):
    """One task per stage, so a download's speed is never averaged with the records that follow."""

    def __init__(self, bar: Progress) -> None:
        super().__init__(bar.console)
        self.bar = bar
        self.task: TaskID | None = None
        self.expected: int | None = None

    def __call__(self, stage: str, counts: Counts) -> None:
        unit = BYTES if stage.startswith("downloading") else RECORDS if stage == "importing" else None
        if self.task is None or stage != self.stage:
            self._start(stage, unit)
        assert self.task is not None
        if unit == RECORDS:
            total = max(self.expected, counts.read) if self.expected is not None else None
            self.bar.update(self.task, completed=counts.read, total=total, counts=_outcomes(counts))
        elif unit is None:
            self.bar.update(self.task, counts=counts.summary())

    def transfer(self, received: int, total: int | None) -> None:
        if self.task is None or not self.stage.startswith("downloading"):
            self._start("downloading", BYTES)
        assert self.task is not None
        # A retried attempt starts again from 0; without a size the bar pulses.
        self.bar.update(self.task, completed=received, total=total)

    def expect(self, count: Callable[[], int | None]) -> None:
        self.expected = count() or None

    def _start(self, stage: str, unit: str | None) -> None:
        if self.task is not None:
            self.bar.remove_task(self.task)
        self.stage = stage
        total = self.expected if unit == RECORDS else None
        self.task = self.bar.add_task(stage, total=total, unit=unit, counts="")


def _outcomes(counts: Counts) -> str:
    """What became of the records so far, without the zeros and the read count the bar shows."""
    return ", ".join(f"{name} {value:,}" for name, value in vars(counts).items() if value and name != "read")

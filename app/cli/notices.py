"""An import's progress where there is no terminal (a cron job, a pipe): only its notices (a failed
download attempt), one plain line each on stderr, stamped with its time in UTC as the log lines are,
naming the stage they belong to. Nothing here loads rich: the line is printed through ``err``, which
makes rich's Console only if one is printed.
On a terminal, ``app.cli.progress`` shows a bar instead.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from app.cli.common import stamped


class Counts(Protocol):
    """What is shown of ``importers.pipeline.records.Counts`` (app/ imports nothing from importers/)."""

    read: int

    def summary(self) -> str: ...


class Printer(Protocol):
    """rich's Console, or ``app.cli.common.err`` that makes one on first use."""

    def print(self, *objects: Any, **options: Any) -> None: ...


class NoticePrinter:
    """Without a terminal: no bar, each notice one plain line naming the stage it belongs to."""

    def __init__(self, console: Printer) -> None:
        self.console = console
        self.stage = ""

    def __call__(self, stage: str, counts: Counts) -> None:
        self.stage = stage

    def transfer(self, received: int, total: int | None) -> None:
        pass

    def expect(self, count: Callable[[], int | None]) -> None:
        pass  # no total shown: the file is not counted

    def notice(self, message: str) -> None:
        text = stamped(f"{self.stage}: {message}" if self.stage else message)
        self.console.print(text, style="yellow", markup=False, highlight=False, soft_wrap=True)

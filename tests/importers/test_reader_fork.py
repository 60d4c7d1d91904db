"""A reader forked by ``nrtd import`` (``ReaderProcess(fork=True)``) yields what a reader in a new
interpreter yields, reports its failures the same way and ends with the import; a batch that
waited reaches the importing process before the reader is done."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

from importers.reader_process import read_in_process
from tests.conftest import ROOT, SAMPLE

# Run in an interpreter of its own: one thread, as ``nrtd import`` is when it forks (pytest's own
# process may hold threads, and then a reader is started in a new interpreter instead).
SCRIPT = textwrap.dedent(
    """
    import json, os, sys
    from pathlib import Path
    from importers.reader_process import ReaderProcess
    from importers.uhri_json import read_uhri_json

    def children():
        found = []
        for entry in Path("/proc").iterdir():
            try:
                status = (entry / "status").read_text()
            except (OSError, ValueError):
                continue
            fields = dict(line.split(":\\t", 1) for line in status.splitlines() if ":\\t" in line)
            if fields.get("PPid", "").strip() == str(os.getpid()) and not fields["State"].startswith("Z"):
                found.append(int(entry.name))
        return found

    def fails(path):
        yield from read_uhri_json(path, "en")
        raise ValueError("the reader's own fault")

    def dies(path):
        yield from read_uhri_json(path, "en")
        os._exit(3)

    path = Path(sys.argv[1])
    own_command = Path("/proc/self/cmdline").read_bytes()
    reader = ReaderProcess(read_uhri_json, path, "en", fork=True)
    (child,) = children()
    forked = Path(f"/proc/{child}/cmdline").read_bytes() == own_command
    same = list(reader.items()) == list(read_uhri_json(path, "en"))
    reader.close()
    outcome = {"forked": forked, "same": same, "left": children()}
    for name, function in (("fails", fails), ("dies", dies)):
        failing = ReaderProcess(function, path, fork=True)
        try:
            list(failing.items())
        except Exception as exc:
            outcome[name] = f"{type(exc).__name__}: {exc}"
        failing.close()
    outcome["left after failures"] = children()
    print(json.dumps(outcome))
    """
)


def test_a_forked_reader_yields_what_a_new_interpreter_yields_and_fails_alike() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(SAMPLE / "export-full-en.json")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    outcome = json.loads(result.stdout)
    assert outcome["forked"] is True  # the child runs the importing program's own interpreter
    assert outcome["same"] is True
    assert outcome["fails"] == "ValueError: the reader's own fault"
    assert outcome["dies"] == "RuntimeError: the import's reader process stopped unexpectedly (exit code 3)"
    assert outcome["left"] == [] and outcome["left after failures"] == []


def _slow(release: Path) -> Iterator[str]:
    """Two items 50 ms apart, then a third once ``release`` exists (or after 10 s)."""
    yield "first"
    time.sleep(0.05)
    yield "second"
    deadline = time.monotonic() + 10
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    yield "released" if release.exists() else "timed out"


def test_a_batch_that_waited_is_sent_before_the_reader_is_done(tmp_path: Path) -> None:
    release = tmp_path / "release"
    items = read_in_process(_slow, release)
    assert next(items) == "first"  # not held until a batch of a hundred, or the end
    assert next(items) == "second"
    release.touch()
    assert list(items) == ["released"]

"""Small pieces every command shares: writing a report, a progress bar, size arguments."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from types import TracebackType

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from migrator.errors import UsageError

_UNITS = {"": 1, "k": 1_000, "m": 1_000_000, "g": 1_000_000_000}


def parse_size(text: str) -> int:
    """`500k`, `4M`, `1000000` -> bytes (decimal units)."""
    value = text.strip().lower().removesuffix("b")
    unit = value[-1:] if value[-1:] in _UNITS else ""
    try:
        number = float(value[: len(value) - len(unit)])
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 500k or 4M)") from None
    return int(number * _UNITS[unit])


def write_output(text: str, destination: str | None) -> None:
    """Print `text`, or write it atomically to `destination`."""
    if destination is None or destination == "-":
        sys.stdout.write(text if text.endswith("\n") or not text else text + "\n")
        return
    path = Path(destination)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        # mkstemp makes the file owner-only; a report is for sharing, so let the umask decide.
        umask = os.umask(0)
        os.umask(umask)
        os.fchmod(fd, 0o666 & ~umask)
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        raise UsageError(f"cannot write {destination}: {exc.strerror or exc}") from None


class ProgressBar:
    """A rich progress bar on stderr, or nothing when stderr is not a terminal."""

    def __init__(self, label: str, *, enabled: bool) -> None:
        self._progress = (
            Progress(
                TextColumn(label),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                transient=True,
                redirect_stdout=False,
                redirect_stderr=False,
            )
            if enabled
            else None
        )
        self._task = self._progress.add_task(label, total=None) if self._progress else None

    def __enter__(self) -> ProgressBar:
        if self._progress:
            self._progress.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._progress:
            self._progress.stop()

    def update(self, done: int, total: int) -> None:
        if self._progress is not None and self._task is not None:
            self._progress.update(self._task, completed=done, total=total)

"""Progress of long work: a tqdm bar on a terminal, a line every few percent anywhere else.

A bar redraws itself in place with carriage returns, which is right on a terminal and wrong in a log file
or a CI job (about a thousand updates for the default run). Where the output is not a terminal,
:class:`ProgressLines` writes one line each time the work passes another ``LINE_EVERY_PERCENT`` percent, at
most one every ``LINE_EVERY_SECONDS`` (and always the last), with tqdm's formatting of the elapsed time and
the time left.
"""

from __future__ import annotations

import sys
import time
from typing import IO, Any, Self

from tqdm.auto import tqdm

#: where the output is not a terminal, a line each time the work passes another this many percent...
LINE_EVERY_PERCENT = 5
#: ...and at least this many seconds after the previous line (the line at 100% is always written)
LINE_EVERY_SECONDS = 5.0


class ProgressLines:
    """tqdm's interface (``update``, ``reset``, ``close``, a context manager) writing a line every few percent.

    The time left is the rate since the last ``reset`` (or the start) applied to what remains; before any
    progress it is not shown.
    """

    def __init__(
        self,
        total: float | None = None,
        initial: float = 0,
        desc: str = "",
        unit: str = "it",
        file: IO[str] | None = None,
        leave: bool = True,
        **_: Any,  # the bar's options that mean nothing to a line (dynamic_ncols...)
    ) -> None:
        self.desc, self.unit, self.file, self.leave = desc, unit, file, leave
        self.reset(total, initial)

    def reset(self, total: float | None = None, initial: float = 0) -> None:
        self.total, self.n, self._initial = total, initial, initial
        self._started = self._last_line = time.monotonic()
        self._next_percent = self._percent_step_after(self._percent())

    def _percent(self) -> float:
        return 100.0 * self.n / self.total if self.total else 0.0

    @staticmethod
    def _percent_step_after(percent: float) -> float:
        return (int(percent // LINE_EVERY_PERCENT) + 1) * LINE_EVERY_PERCENT

    def update(self, n: float = 1) -> None:
        self.n += n
        if not self.total or self._percent() < self._next_percent:
            return
        self._next_percent = self._percent_step_after(self._percent())
        now = time.monotonic()
        if self.n >= self.total or now - self._last_line >= LINE_EVERY_SECONDS:
            self._last_line = now
            self._write()

    def _write(self) -> None:
        elapsed = time.monotonic() - self._started
        done = self.n - self._initial
        units = self.unit if self.unit.endswith("s") else f"{self.unit}s"
        shown = f"{self.n:,.0f}/{self.total:,.0f} {units}" if self.total else f"{self.n:,.0f} {units}"
        line = f"{self.desc}: {self._percent():3.0f}% ({shown}), {tqdm.format_interval(elapsed)} elapsed"
        if self.total and done > 0 and self.n < self.total:
            left = elapsed / done * (self.total - self.n)
            line += f", about {tqdm.format_interval(left)} left"
        print(line, file=self.file if self.file is not None else sys.stderr, flush=True)

    def close(self) -> None:
        """Nothing to clear: each line was written whole (the last at 100%)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


def progress_bar(*, enabled: bool = True, file: IO[str] | None = None, **options: Any) -> tqdm | ProgressLines:
    """A progress display for ``options`` (tqdm's: total, initial, desc, unit, leave...): a bar on a terminal,
    :class:`ProgressLines` where ``file`` (default: standard error) is not one, nothing when not ``enabled``."""
    stream = file if file is not None else sys.stderr
    if not enabled:
        return tqdm(disable=True, **options)
    if _is_terminal(stream):
        return tqdm(file=file, dynamic_ncols=True, **options)
    return ProgressLines(file=file, **options)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream
        return False

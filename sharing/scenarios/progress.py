"""A progress bar on standard error for long runs (no dependency).

Shown when standard error is a terminal and the run has at least ``MIN_TOTAL`` scenarios, or
when asked for; redrawn at most five times a second; erased when the run ends.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

MIN_TOTAL = 50_000
WIDTH = 30


class Progress:
    def __init__(self, total: int, label: str = "scenarios", stream: TextIO | None = None,
                 enabled: bool | None = None):
        self.total = total
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = total >= MIN_TOTAL and getattr(self.stream, "isatty", lambda: False)()
        self.enabled = enabled
        self.t0 = time.monotonic()
        self.last = 0.0
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if done < total and now - self.last < 0.2:
            return
        self.last = now
        frac = done / total if total else 1.0
        filled = int(frac * WIDTH)
        elapsed = now - self.t0
        eta = elapsed / frac - elapsed if frac > 0 else 0.0
        bar = "█" * filled + "░" * (WIDTH - filled)
        self.stream.write(f"\r{frac * 100:5.1f} % |{bar}| {done:,}/{total:,} {self.label}, "
                          f"{elapsed:.0f} s" + (f", ~{eta:.0f} s left" if done < total else "")
                          + " ")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\r\033[K")
            self.stream.flush()

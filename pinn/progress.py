"""Progress display: one live line on a terminal, plain periodic lines in logs."""
from __future__ import annotations

import sys
import time


def format_terms(terms: dict) -> str:
    return " ".join(f"{name} {value:.3e}" for name, value in terms.items())


class Progress:
    """``update`` is called at logging points; ``line`` prints a message that stays on screen."""

    def __init__(self, stream=None, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.live = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self._pending = False

    def update(self, stage: str, step: int, steps: int, terms: dict, started: float):
        if not self.enabled:
            return
        width = 24
        filled = int(width * step / max(steps, 1))
        text = (f"{stage:<6} [{'#' * filled}{'.' * (width - filled)}] {step:>6}/{steps} "
                f"{format_terms(terms)}  {time.perf_counter() - started:6.1f} s")
        if self.live:
            self.stream.write("\r" + text + "\x1b[K")
            self._pending = True
        else:
            self.stream.write(text + "\n")
        self.stream.flush()

    def attach(self, model, problem, device, dtype):
        """Called once before training starts; a monitor (see benchmarks/) may keep the model to
        evaluate it at logging points. The display needs nothing from it."""

    def line(self, message: str):
        if not self.enabled:
            return
        if self._pending:
            self.stream.write("\n")
            self._pending = False
        self.stream.write(message + "\n")
        self.stream.flush()

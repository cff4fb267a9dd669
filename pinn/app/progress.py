"""Progress display: a live bar (rich) on a terminal, plain periodic lines in logs."""
from __future__ import annotations

import sys
import time

from pinn.method.monitor import format_terms


class Progress:
    """The terminal's :class:`pinn.method.monitor.Monitor`. ``update`` is called at logging points; ``line`` prints a message that stays on screen.

    On a terminal the stage's progress is one rich progress bar (steps, elapsed time, the loss
    terms); elsewhere (a log file, CI) each update is one plain line."""

    def __init__(self, stream=None, enabled: bool = True):
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.live = enabled and hasattr(self.stream, "isatty") and self.stream.isatty()
        self._bar, self._task, self._stage = None, None, None

    def update(self, stage: str, step: int, steps: int, terms: dict, started: float):
        if not self.enabled:
            return
        if not self.live:
            self.stream.write(f"{stage:<6} {step:>6}/{steps} {format_terms(terms)}  "
                              f"{time.perf_counter() - started:6.1f} s\n")
            self.stream.flush()
            return
        if self._stage != (stage, started):
            self.close()
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn
            from rich.progress import Progress as Bar
            from rich.progress import TextColumn, TimeElapsedColumn
            self._bar = Bar(TextColumn("{task.description:<6}"), BarColumn(), MofNCompleteColumn(),
                            TimeElapsedColumn(), TextColumn("{task.fields[terms]}"),
                            console=Console(file=self.stream), transient=True)
            self._bar.start()
            self._task, self._stage = self._bar.add_task(stage, total=steps, terms=""), (stage, started)
        self._bar.update(self._task, completed=step, terms=format_terms(terms))

    def close(self):
        """End a live bar (the run is over, or stopped)."""
        if self._bar is not None:
            self._bar.stop()
            self._bar, self._task, self._stage = None, None, None

    def attach(self, model, problem, device, dtype):
        """Called once before training starts; a monitor (see benchmarks/) may keep the model to
        evaluate it at logging points. The display needs nothing from it."""

    def line(self, message: str):
        if not self.enabled:
            return
        self.close()
        self.stream.write(message + "\n")
        self.stream.flush()

"""What training reports to while it runs: the :class:`Monitor` protocol.

The trainer calls ``update`` at each logging point and ``line`` for a message that stays (a stage's
summary, an interruption); the app's progress display (:class:`pinn.app.progress.Progress`)
implements it, and a benchmark's watcher may too. Training never imports a display.
"""
from __future__ import annotations

from typing import Protocol


def format_terms(terms: dict) -> str:
    """Loss terms as ``name value`` pairs in three significant digits."""
    return " ".join(f"{name} {value:.3e}" for name, value in terms.items())


class Monitor(Protocol):
    def update(self, stage: str, step: int, steps: int, terms: dict, started: float) -> None:
        """The loss terms at ``step`` of ``steps`` in a stage named ``stage`` that began at
        ``started`` (``time.perf_counter()``)."""

    def line(self, message: str) -> None:
        """A message that stays on screen."""

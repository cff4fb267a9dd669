"""Stopping on SIGINT (Ctrl-C) and SIGTERM at a point where the state is consistent.

A signal that arrives while work is *deferred* (an optimiser step, a line search, writing the
checkpoint) only records the request; the training loop looks at :attr:`StopRequest.requested`
after each whole step and stops there, so the checkpoint it saves is a state the uninterrupted
run also passed through, and ``--resume`` continues it bit for bit. Outside deferred sections
(building the problem, compiling, scoring, figures) the signal raises ``KeyboardInterrupt`` at
once, which :func:`pinn.solve.solve` turns into :class:`Interrupted`. A second signal while a
checkpoint is being written is recorded like the first: the write always finishes.
"""
from __future__ import annotations

import signal
import threading
from contextlib import contextmanager

from pinn.core.errors import PinnError

SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Interrupted(PinnError):
    """The user stopped the run (SIGINT or SIGTERM); what was trained is saved."""

    exit_code = 130


class StopRequest:
    """Signal handler state for one run; :meth:`installed` puts the handler in place."""

    def __init__(self):
        self.signal: int | None = None
        self._deferring = 0

    @property
    def requested(self) -> bool:
        return self.signal is not None

    def _handle(self, signum, frame):
        if self.signal is None:
            self.signal = signum
        if not self._deferring:
            raise KeyboardInterrupt

    @contextmanager
    def deferred(self):
        """Within this block a signal is recorded, never raised."""
        self._deferring += 1
        try:
            yield
        finally:
            self._deferring -= 1

    @contextmanager
    def installed(self):
        """Handle SIGINT and SIGTERM in this block (only the main thread can; elsewhere the
        default behaviour stays, and :attr:`requested` is never set)."""
        if threading.current_thread() is not threading.main_thread():
            yield self
            return
        previous = {s: signal.getsignal(s) for s in SIGNALS}
        for s in SIGNALS:
            signal.signal(s, self._handle)
        try:
            yield self
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)


NEVER = StopRequest()  # for callers (tests, benchmarks) that run the trainer without handlers

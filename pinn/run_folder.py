"""A run folder owned by one run at a time, and never holding results of an earlier run.

* ``lock``: an exclusive ``flock`` on ``.lock`` in the folder for the whole run; a second run into
  the same folder is refused (ConfigError) instead of mixing its files with the first's. The OS
  releases the lock when the process ends, however it ends (kill -9 too).
* ``clear_results``: when a run starts, the results of the one before (metrics, figures, exported
  data) are removed, and so are temporaries that an interrupted atomic write left behind, so that
  whatever the folder holds after a crash belongs to the run that wrote config.yaml.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from .errors import ConfigError

try:
    import fcntl
except ImportError:  # not on Windows: there the folder is not locked
    fcntl = None

RESULTS = ("metrics.json", "solution.png", "error.png", "loss.png", "contact.png", "penalty_alpha.png",
           "solution.npz", "history.csv", "solution.vtu")
CHECKPOINT = "checkpoint.pt"


@contextmanager
def lock(folder: Path):
    folder.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        yield
        return
    fd = os.open(folder / ".lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            owner = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            raise ConfigError(f"{folder}: another pinn run (process {owner}) is using this run folder; wait "
                              f"for it, or give this run another --out") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def clear_results(folder: Path, keep_checkpoint: bool):
    """Remove an earlier run's results and orphaned temporaries (and its checkpoint, unless resuming)."""
    names = RESULTS + (() if keep_checkpoint else (CHECKPOINT,))
    for path in [*(folder / n for n in names), *folder.glob(".*.tmp")]:
        try:
            path.unlink()
        except FileNotFoundError:
            pass

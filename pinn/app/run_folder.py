"""A run folder owned by one run at a time, and never holding results of an earlier run.

* ``lock``: an exclusive ``flock`` on ``.lock`` in the folder for the whole run; a second run into
  the same folder is refused (ConfigError) instead of mixing its files with the first's. The OS
  releases the lock when the process ends, however it ends (kill -9 too).
* ``clear_results``: when a run starts, the results of the one before (metrics, figures, exported
  data) are removed, and so are temporaries that an interrupted atomic write left behind, so that
  whatever the folder holds after a crash belongs to the run that wrote config.yaml. Which files
  are results is not a list kept by hand (a new figure would be forgotten): each result is named
  in the folder's manifest ``.results`` (:func:`result`) before it is written, and the next run
  removes what the manifest names.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from pinn.core import files
from pinn.core.errors import ConfigError

try:
    import fcntl
except ImportError:  # not on Windows: there the folder is not locked
    fcntl = None

# what runs wrote before the manifest existed (folders made by earlier versions)
UNLISTED = ("metrics.json", "solution.png", "error.png", "loss.png", "contact.png", "penalty_alpha.png",
            "solution.npz", "history.csv", "solution.vtu")
CHECKPOINT = "checkpoint.pt"
MANIFEST = ".results"


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


def _listed(folder: Path) -> list[str]:
    try:
        names = (folder / MANIFEST).read_text(encoding="utf-8").split("\n")
    except (FileNotFoundError, UnicodeDecodeError):
        return []
    return [n for n in names if n and "/" not in n and n not in (".", "..", MANIFEST, ".lock")]


def result(folder: Path, name: str) -> Path:
    """The path of result ``name`` in ``folder``, named in the manifest first (so that a crash
    while it is written still leaves it to the next run to remove)."""
    listed = _listed(folder)
    if name not in listed:
        files.write_text(folder / MANIFEST, "\n".join([*listed, name]) + "\n")
    return folder / name


def clear_results(folder: Path, keep_checkpoint: bool):
    """Remove an earlier run's results and orphaned temporaries (and its checkpoint, unless resuming)."""
    names = {*UNLISTED, *_listed(folder), *(() if keep_checkpoint else (CHECKPOINT,))}
    for path in [*(folder / n for n in sorted(names)), *folder.glob(".*.tmp"), folder / MANIFEST]:
        try:
            path.unlink()
        except FileNotFoundError:
            pass

"""How many CPU threads a run trains with (``training.threads``).

``auto`` decides once, when the run starts, from two measurements:

* the work per evaluation, points × derivative streams: up to ``SMALL_WORK`` one thread is faster
  than two, because handing work to a second thread costs more than it saves (measured on 2
  cores: 1D at 4096 points and below, 3 streams);
* the load: GNU OpenMP's worker threads spin while they wait, so a second thread on a core that
  another process keeps busy stalls every parallel region (measured: a matmul-and-tanh step of
  radial2d's size took 6.2 ms on 2 threads beside one busy process, 3.1 ms on 1 thread, 2.0 ms
  on 2 threads idle). Cores that other processes keep running are not used.

The count is fixed for the whole run and kept in the checkpoint, because the thread count
changes how reductions are split, and with it the last bits of the loss and gradient (radial2d:
1.3e-13 between 1 and 2 threads): a resumed ``auto`` run uses the count it started with, and a
number in the config gives the same numbers whatever the load.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

SMALL_WORK = 4096 * 3
SAMPLES, PAUSE = 5, 0.002  # readings of the run queue, seconds apart: spinning workers come and go


def _running_elsewhere() -> int | None:
    """Runnable threads outside this process right now (Linux), or None where it cannot be read."""
    try:
        total = int(Path("/proc/loadavg").read_text().split()[3].split("/")[0])
        ours = 0
        for task in Path("/proc/self/task").iterdir():
            stat = (task / "stat").read_text()
            ours += stat[stat.rindex(")") + 2] == "R"
    except (OSError, ValueError, IndexError):
        return None
    return max(0, total - ours)


def busy_elsewhere() -> int:
    """Cores other processes keep busy: the least of a few readings (0 where unknown)."""
    readings = []
    for i in range(SAMPLES):
        if i:
            time.sleep(PAUSE)
        readings.append(_running_elsewhere())
    known = [r for r in readings if r is not None]
    return min(known) if known else 0


def choose(setting, available: int, work: int, cores: int | None = None) -> int:
    """The thread count for ``training.threads`` = ``setting`` (``auto`` or a number), where
    torch would use ``available`` threads and one evaluation carries ``work`` point-streams."""
    if setting != "auto":
        return setting
    if work <= SMALL_WORK:
        return 1
    cores = cores or os.cpu_count() or 1
    return max(1, min(available, cores - busy_elsewhere()))

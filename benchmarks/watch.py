"""Time to accuracy: train a config through ``pinn.solve`` and record (training seconds, rel L2)
at every logging point. The evaluations' own time is taken off the clock.

Used by benchmarks/suite.py; ``trace(config)`` is the one entry point.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import torch._dynamo  # noqa: E402,F401  (imported by the first optimiser otherwise: ~2.5 s, not training)

from pinn import load, solve  # noqa: E402
from pinn.app.config import scale_steps  # noqa: E402
from pinn.app.progress import Progress  # noqa: E402
from pinn.app.report import evaluate, reference_on_grid  # noqa: E402
from pinn.problems.references.bvp import resolve_kind  # noqa: E402


class ErrorWatch(Progress):
    """A silent progress sink that scores the model on the test grid at each logging point.

    Training seconds are summed per stage from the trainer's own stage clock (``started``), less
    the time this watch spent evaluating, so they match the run's ``train_seconds``.
    """

    def __init__(self):
        super().__init__(enabled=False)
        self.points: list[tuple[float, float]] = []
        self._stage_started, self._done_before, self._in_stage, self._checks = None, 0.0, 0.0, 0.0
        self.scoring_seconds = 0.0

    def attach(self, model, problem, device, dtype):
        self.model, self.problem, self.device, self.dtype = model, problem, device, dtype
        self.kind = resolve_kind(problem, "auto")
        self.rows = reference_on_grid(problem, self.kind)

    def update(self, stage, step, steps, terms, started):
        now = time.perf_counter()
        if started != self._stage_started:
            self._done_before += self._in_stage
            self._stage_started, self._checks = started, 0.0
        self._in_stage = now - started - self._checks
        error = evaluate(self.problem, self.model, self.device, self.dtype, self.kind, self.rows).metrics.get("rel_l2")
        if error is not None:
            self.points.append((self._done_before + self._in_stage, error))
        self._checks += time.perf_counter() - now
        self.scoring_seconds += time.perf_counter() - now


def trace(config: Path, overrides: dict | None = None, scale: float = 1.0):
    """(points [(seconds, rel L2)], final metrics) of one full training run of ``config``.

    The metrics' ``train_seconds`` is the trainer's clock less the watch's scoring time."""
    cfg = scale_steps(load(config, {"training.log_every": 10, **(overrides or {})}), scale)
    watch = ErrorWatch()
    with tempfile.TemporaryDirectory() as out:
        metrics = solve(cfg, out_dir=Path(out), progress=watch).metrics
    metrics["train_seconds"] -= watch.scoring_seconds
    if "rel_l2" in metrics:
        watch.points.append((metrics["train_seconds"], metrics["rel_l2"]))
    return watch.points, metrics


def first_time_at(points, bound: float) -> float | None:
    """The first recorded training time at which rel L2 <= bound (None: never)."""
    return next((t for t, e in points if e <= bound), None)


if __name__ == "__main__":
    torch.set_num_threads(1)
    for name in sys.argv[1:]:
        pts, m = trace(ROOT / "configs" / f"{name}.yaml")
        print(name, m["rel_l2"], m["train_seconds"], [(round(t, 2), f"{e:.1e}") for t, e in pts[::5]])

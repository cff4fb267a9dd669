"""Expression problems against the registered problems they restate: accuracy and cost.

    python benchmarks/expression.py [--seeds 3] [--repeats 30] [pairs ...]

For each pair (a shipped ``configs/expression_*.yaml`` and the registered config with the same
network, points and schedule):

1. **Step cost**, free of optimiser-path effects: one loss evaluation and backward pass at fixed
   initial weights, timed interleaved (registered, expression, registered, ...) ``--repeats``
   times in this run; the median ratio expression ÷ registered is the expression path's overhead.
2. **Training**: both configs trained in full with ``--seeds`` seeds; prints the median rel L2 of
   each, their ratio, and the median training time per optimiser step and its ratio. A single
   seed is not enough: the same problem at seed 0 and 1 differs by up to 10x after L-BFGS (the
   rounding of an equal but differently written residual moves its path just as a seed does).

The 2D Poisson expression config has no registered twin; its row shows its own error only.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pinn import load, solve  # noqa: E402
from pinn.app.config import scale_steps  # noqa: E402
from pinn.app.plan import build_formulation, build_model, check_problem  # noqa: E402
from pinn.app.progress import Progress  # noqa: E402
from pinn.method.losses import PinnLoss, collocation  # noqa: E402
from pinn.method.trainables import Trainables  # noqa: E402

PAIRS = {  # expression config -> registered config (None: no registered twin)
    "expression_robin1d": "robin1d",
    "expression_bratu1d": "bratu1d",
    "expression_layer1d": "layer1d_eps0.01",
    "expression_obstacle1d": "parabola1d",
    "expression_poisson2d": None,
}


def step_timer(name: str):
    """A closure that runs one loss + backward of config ``name`` at its initial weights."""
    cfg = load(ROOT / "configs" / f"{name}.yaml")
    problem, make_activation, _ = check_problem(cfg)
    model, soft = build_model(cfg, problem, make_activation, torch.device("cpu"), torch.float64)
    formulation = build_formulation(cfg)
    points = cfg.training.points
    batch = collocation(problem, soft, points.interior, points.boundary, points.sampler, 0, torch.float64, "cpu")
    loss = PinnLoss(problem, batch, cfg.training.weights, formulation)
    trainables = Trainables(model, formulation.penalty if formulation else None)

    def step():
        trainables.zero_grad()
        loss(trainables).total.backward()
    return step


def step_ratio(expression: str, registered: str, repeats: int) -> tuple[float, float, float]:
    steps = {name: step_timer(name) for name in (expression, registered)}
    times = {name: [] for name in steps}
    for _ in range(5):
        for step in steps.values():
            step()
    for _ in range(repeats):
        for name, step in steps.items():
            start = time.perf_counter()
            step()
            times[name].append(time.perf_counter() - start)
    ours, theirs = statistics.median(times[expression]), statistics.median(times[registered])
    return ours * 1e3, theirs * 1e3, ours / theirs


def train(name: str, seeds: int, out: Path, scale: float = 1.0) -> tuple[float, float]:
    """(median rel L2, median seconds per optimiser step) over ``seeds`` seeds."""
    errors, per_step = [], []
    for seed in range(seeds):
        cfg = scale_steps(load(ROOT / "configs" / f"{name}.yaml", {"training.seed": seed}), scale)
        m = solve(cfg, out_dir=out / f"{name}-{seed}", progress=Progress(enabled=False)).metrics
        errors.append(m["rel_l2"])
        per_step.append(m["train_seconds"] / sum(s["steps"] for s in m["stages"]))
    return statistics.median(errors), statistics.median(per_step)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pairs", nargs="*", default=list(PAIRS))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--steps-scale", type=float, default=1.0, help="shorter schedules (a smoke run)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(f"{'expression config':<24} {'step ms':>8} {'twin ms':>8} {'ratio':>6} | {'rel L2':>9} {'twin':>9} "
          f"{'ratio':>6} | {'s/step':>8} {'twin':>8} {'ratio':>6}")
    with tempfile.TemporaryDirectory() as folder:
        for expression in args.pairs:
            registered = PAIRS[expression]
            error, per_step = train(expression, args.seeds, Path(folder), args.steps_scale)
            if registered is None:
                print(f"{expression:<24} {'':>8} {'':>8} {'':>6} | {error:>9.2e} {'-':>9} {'':>6} | "
                      f"{per_step * 1e3:>6.2f}ms", flush=True)
                continue
            ours_ms, theirs_ms, ratio = step_ratio(expression, registered, args.repeats)
            twin_error, twin_per_step = train(registered, args.seeds, Path(folder), args.steps_scale)
            print(f"{expression:<24} {ours_ms:>8.2f} {theirs_ms:>8.2f} {ratio:>6.2f} | {error:>9.2e} "
                  f"{twin_error:>9.2e} {error / twin_error:>6.2f} | {per_step * 1e3:>6.2f}ms "
                  f"{twin_per_step * 1e3:>6.2f}ms {per_step / twin_per_step:>6.2f}", flush=True)


if __name__ == "__main__":
    main()

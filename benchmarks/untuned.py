"""Problems as a user would bring them, solved with the defaults only: one row each.

    python benchmarks/untuned.py [names ...] [--override KEY=YAML ...] [--steps-scale S] [--seed N]

Each file in benchmarks/untuned/ states a problem (domain, equation, conditions, exact solution)
and nothing about training; none of them is a shipped config. The script prints the rel L2
against the exact solution, the training seconds, the schedule the defaults chose, and the bar
for the problem's kind (smooth 1D 1e-5, 1D obstacle 2e-4, smooth 2D 1e-4, 2D obstacle 1e-3,
each within 120 s; 1D evolution (x, t) 1e-4 within 300 s). ``--override training.stages='[...]'`` measures an alternative to a default.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pinn import load, solve  # noqa: E402
from pinn.app.config import scale_steps  # noqa: E402
from pinn.app.progress import Progress  # noqa: E402

FOLDER = ROOT / "benchmarks" / "untuned"
BARS = {(1, False): 1e-5, (1, True): 2e-4, (2, False): 1e-4, (2, True): 1e-3}
SECONDS = 120
EVOLUTION = (1e-4, 300)  # a smooth solution in (x, t): the 2D bar, with a longer quasi-Newton stage


def bar_of(cfg) -> tuple[float, int]:
    """(rel L2, seconds) for the problem's kind."""
    if "t" in cfg.problem.domain:
        return EVOLUTION
    return BARS[len(cfg.problem.domain), cfg.problem.obstacle is not None], SECONDS


def schedule(metrics: dict) -> str:
    return " + ".join(f"{s['optimizer']} {s['steps']}" for s in metrics["stages"])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="files in benchmarks/untuned/ without .yaml (default all)")
    parser.add_argument("--override", action="append", default=[], metavar="KEY=YAML",
                        help="e.g. training.points.interior=256 (an alternative to a default)")
    parser.add_argument("--steps-scale", type=float, default=1.0, help="shorter schedules (a smoke run)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    overrides = {"training.seed": args.seed}
    for item in args.override:
        key, _, value = item.partition("=")
        overrides[key] = yaml.safe_load(value)
    names = args.names or sorted(p.stem for p in FOLDER.glob("*.yaml"))
    print(f"{'problem':<24} {'rel L2':>9} {'train s':>8} {'bar':>6}  ok   schedule")
    passed, errors = 0, []
    with tempfile.TemporaryDirectory() as out:
        for name in names:
            cfg = scale_steps(load(FOLDER / f"{name}.yaml", dict(overrides)), args.steps_scale)
            m = solve(cfg, out_dir=Path(out) / name, progress=Progress(enabled=False)).metrics
            bar, seconds = bar_of(cfg)
            ok = m["rel_l2"] <= bar and m["train_seconds"] <= seconds
            passed += ok
            errors.append(m["rel_l2"] / bar)
            print(f"{name:<24} {m['rel_l2']:>9.2e} {m['train_seconds']:>8.1f} {bar:>6.0e}  {'yes' if ok else 'NO ':<4} "
                  f"{schedule(m)}", flush=True)
    print(f"{passed}/{len(names)} within their bar; median error / bar {statistics.median(errors):.2f}")


if __name__ == "__main__":
    main()

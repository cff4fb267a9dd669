"""What the scripts that train shipped configs over seeds share (obstacle.py, evolution.py): their
arguments (config names, --seeds, --steps-scale) and the runs themselves, each in a temporary
folder with the progress display off."""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pinn import load, solve  # noqa: E402
from pinn.app.config import scale_steps  # noqa: E402
from pinn.app.progress import Progress  # noqa: E402


def arguments(description: str, names, seeds: str, argv=None) -> argparse.Namespace:
    """``names`` (a subset of ``names``, default all), ``seeds`` (a list of ints), ``steps_scale``."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("names", nargs="*", metavar="config", help=f"any of {', '.join(names)} (default all)")
    parser.add_argument("--seeds", default=seeds, help=f"comma-separated seeds (default {seeds})")
    parser.add_argument("--steps-scale", type=float, default=1.0, help="shorter schedules (a smoke run)")
    args = parser.parse_args(argv)
    unknown = sorted(set(args.names) - set(names))
    if unknown:
        parser.error(f"unknown config {', '.join(unknown)}; expected any of {', '.join(names)}")
    args.names = args.names or list(names)
    args.seeds = [int(s) for s in args.seeds.split(",")]
    return args


def runs(args, variants=None):
    """(name, seed, result, group) for each config of ``args`` and each seed, trained in turn;
    ``group`` is every seed's metrics of that config after its last seed (for a summary row),
    else None. ``variants`` maps a name to (shipped config, overrides) where it is not a config."""
    with tempfile.TemporaryDirectory() as out:
        for name in args.names:
            config, overrides = (variants or {}).get(name, (name, {}))
            group = []
            for seed in args.seeds:
                cfg = scale_steps(load(ROOT / "configs" / f"{config}.yaml", {**overrides, "training.seed": seed}),
                                  args.steps_scale)
                result = solve(cfg, out_dir=Path(out) / f"{name}-{seed}", progress=Progress(enabled=False))
                group.append(result.metrics)
                yield name, seed, result, group if len(group) == len(args.seeds) else None


def table(description: str, targets: dict, header: str, row, argv=None, width: int = 20):
    """The usual script: train ``targets``' configs over seeds, print ``header``, a ``row(label,
    metrics, target)`` per run and, with several seeds, the spread of rel L2 over them."""
    args = arguments(description, targets, "0,1,2", argv)
    print(header)
    for name, seed, result, group in runs(args):
        print(row(f"{name} ({seed})", result.metrics, targets[name]), flush=True)
        if group and len(group) > 1:
            errors = [g["rel_l2"] for g in group]
            print(f"{name + ' spread':<{width}} {min(errors):>9.2e} … {max(errors):.2e} over {len(errors)} seeds",
                  flush=True)


def verdict(ok: bool, bar: str, seconds: float, published: str, source: str) -> str:
    """A row's ending: the bar (errors/seconds), whether it holds, and the published figure."""
    return f"{bar}/{seconds}s {'yes' if ok else 'NO':<3}  {published} ({source})"

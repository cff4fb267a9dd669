"""Inverse problems: each shipped example learnt from noise-free and from noisy (1 %) measurements,
then the coverage of the 95 % interval over fresh noise draws.

    python benchmarks/inverse.py [--steps-scale S] [--coverage-seeds 20] [--coverage NAME] [--coverage-only]
                                 [config ...]

Example rows: the true value, the value learnt from noise-free data (made like the shipped file,
without noise) and its relative error (the bar is 1 %), the value learnt from the shipped noisy
file with its standard error and 95 % interval, whether the interval holds the truth, and the
training seconds of each run. Coverage: ``--coverage-seeds`` runs of ``--coverage`` (default the
boundary layer), each on a new noise draw (data seed 1000 + s) and training seed s; the count of
intervals that hold the truth (the bar: 17 of 20, 85 %; every parameter of a run counts) and the z-scores
(learnt − true)/se.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "configs" / "data"))

from make_data import FILES  # noqa: E402

from pinn import load  # noqa: E402
from pinn import solve
from pinn.app import synthetic  # noqa: E402
from pinn.app.config import scale_steps  # noqa: E402
from pinn.app.progress import Progress  # noqa: E402

NAMES = [name.removesuffix(".yaml") for name in FILES]


def run(name: str, out: Path, steps_scale: float, data_file: Path | None = None, seed: int = 0):
    """Every learnt parameter's entry in metrics.json, and the training seconds."""
    overrides = {"training.seed": seed, **({"data.file": str(data_file)} if data_file else {})}
    cfg = scale_steps(load(ROOT / "configs" / f"{name}.yaml", overrides), steps_scale)
    result = solve(cfg, out_dir=out, progress=Progress(enabled=False))
    return result.metrics["parameters"], result.metrics["train_seconds"]


def make(name: str, path: Path, noise: float, seed: int) -> Path:
    _, count, _, _ = FILES[f"{name}.yaml"]
    section = synthetic.problem_of(ROOT / "configs" / f"{name}.yaml")
    x, u, _ = synthetic.measurements(section, count, noise, seed)
    synthetic.write_csv(path, synthetic.coordinate_names(section), x, u, fields=section.fields or ("u",))
    return path


def examples(names, steps_scale: float, out: Path):
    print(f"{'config':<24} {'param':>5} {'true':>8} {'noise-free':>11} {'error':>8} {'s':>5}   "
          f"{'1 % noise: value ± se':>24} {'95 % interval':>24} {'holds':>5} {'s':>5}", flush=True)
    for name in names:
        _, _, _, seed = FILES[f"{name}.yaml"]
        clean = make(name, out / f"{name}-clean.csv", 0.0, seed)
        exact_fits, clean_seconds = run(name, out / f"{name}-clean", steps_scale, clean)
        noisy_fits, noisy_seconds = run(name, out / f"{name}-noisy", steps_scale)
        for parameter, exact_fit in exact_fits.items():
            noisy = noisy_fits[parameter]
            lo, hi = noisy["interval_95"]
            print(f"{name:<24} {parameter:>5} {exact_fit['exact']:>8.4g} {exact_fit['value']:>11.6g} "
                  f"{exact_fit['relative_error']:>8.2e} {clean_seconds:>5.1f}   "
                  f"{noisy['value']:>13.6g} ± {noisy['standard_error']:<8.2g} [{lo:>10.5g}, {hi:>10.5g}] "
                  f"{'yes' if noisy['covered'] else 'NO':>5} {noisy_seconds:>5.1f}", flush=True)


def coverage(name: str, seeds: int, steps_scale: float, out: Path):
    """Each learnt parameter's interval over ``seeds`` fresh noise draws (every parameter of every
    draw counts once in the tally)."""
    _, _, noise, _ = FILES[f"{name}.yaml"]
    print(f"\ncoverage of the 95 % interval, {name}, {noise:g} relative noise, {seeds} noise draws")
    print(f"{'seed':>4} {'param':>6} {'value':>12} {'se':>10} {'z':>7} {'holds':>5} {'s':>5}", flush=True)
    held, scores = 0, []
    for seed in range(seeds):
        data = make(name, out / f"{name}-draw{seed}.csv", noise, 1000 + seed)
        estimates, seconds = run(name, out / f"{name}-draw{seed}", steps_scale, data, seed)
        for parameter, estimate in estimates.items():
            z = (estimate["value"] - estimate["exact"]) / estimate["standard_error"]
            held += estimate["covered"]
            scores.append(z)
            print(f"{seed:>4} {parameter:>6} {estimate['value']:>12.6g} {estimate['standard_error']:>10.3g} "
                  f"{z:>7.2f} {'yes' if estimate['covered'] else 'NO':>5} {seconds:>5.1f}", flush=True)
    rms = (sum(z * z for z in scores) / len(scores)) ** 0.5
    print(f"held the truth in {held} of {len(scores)} intervals (bar: 85 %); rms z = {rms:.2f} (1 if the "
          f"standard errors are right)")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"any of {', '.join(NAMES)} (default all)")
    parser.add_argument("--steps-scale", type=float, default=1.0)
    parser.add_argument("--coverage-seeds", type=int, default=20)
    parser.add_argument("--coverage", default="inverse_layer1d", choices=NAMES)
    parser.add_argument("--coverage-only", action="store_true", help="skip the example rows")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as out:
        if not args.coverage_only:
            examples(args.names or NAMES, args.steps_scale, Path(out))
        if args.coverage_seeds:
            coverage(args.coverage, args.coverage_seeds, args.steps_scale, Path(out))


if __name__ == "__main__":
    main()

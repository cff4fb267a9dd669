"""The evolution configs (heat, wave, Burgers, Allen–Cahn) trained in full, one row per config and
seed, beside the published PINN figure each should beat.

    python benchmarks/evolution.py [--seeds 0,1,2] [--steps-scale S] [config names ...]

Prints rel L2 over the space–time test grid, rel L2 at the final time, training seconds, the bar
of issue 18 (rel L2 within seconds) and the published figure; with several seeds, also the
spread (smallest and largest rel L2).
"""
from __future__ import annotations

import shipped

# config -> (bar: rel L2, bar: seconds, the published PINN figure to beat, where it is from)
TARGETS = {
    "heat1d": (1e-5, 60, None, ""),
    "wave1d": (1e-3, 300, 6e-1, "PINNacle Wave1d-C, vanilla PINN (best variant ~1e-1)"),
    "burgers1d": (1e-4, 600, 6.7e-4, "Raissi et al. 2019, 8x20 tanh, L-BFGS"),
    "allen_cahn1d": (1e-3, 900, 5.37e-5, "Wang et al. 2023, GPU, hours (plain MLP 5.2e-1)"),
}


def _row(label: str, m: dict, target) -> str:
    l2, seconds, published, source = target
    ok = m["rel_l2"] <= l2 and m["train_seconds"] <= seconds
    beside = f"{published:.1e} ({source})" if published is not None else "-"
    return (f"{label:<20} {m['rel_l2']:>9.2e} {m['rel_l2_final_time']:>9.2e} {m['train_seconds']:>8.1f}  "
            f"{l2:.0e}/{seconds}s {'yes' if ok else 'NO':<3}  {beside}")


def main(argv=None):
    shipped.table(__doc__.splitlines()[0], TARGETS, f"{'config (seed)':<20} {'rel L2':>9} {'at T':>9} "
                  f"{'train s':>8}  {'bar':<10} ok   published PINN figure", _row, argv)


if __name__ == "__main__":
    main()

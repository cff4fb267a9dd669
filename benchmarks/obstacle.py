"""The obstacle configs trained in full, one row each.

    python benchmarks/obstacle.py [config names ...]

Prints rel L2 against the exact solution, max violation of u >= psi, free-boundary error, contact
IoU, training seconds and issue 4's targets. ``pinn compare`` makes the penalty/formulation tables.
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pinn import solve  # noqa: E402
from pinn.progress import Progress  # noqa: E402

TARGETS = {  # issue 4: (rel L2, free-boundary error, seconds)
    "tent1d": (1e-4, 5e-3, 60), "parabola1d": (1e-4, 5e-3, 60), "radial2d": (5e-4, 1e-2, 120)}


def main(names):
    print(f"{'config':<12} {'rel L2':>9} {'max viol':>9} {'free bd':>9} {'IoU':>7} {'train s':>8}  target")
    with tempfile.TemporaryDirectory() as out:
        for name in names or TARGETS:
            m = solve(ROOT / "configs" / f"{name}.yaml", out_dir=Path(out) / name,
                      progress=Progress(enabled=False)).metrics
            l2, free, seconds = TARGETS[name]
            ok = m["rel_l2"] <= l2 and (m["free_boundary_error"] or 1) <= free and m["train_seconds"] <= seconds
            print(f"{name:<12} {m['rel_l2']:>9.2e} {m['max_violation']:>9.2e} {m['free_boundary_error']:>9.2e} "
                  f"{m['contact_iou']:>7.4f} {m['train_seconds']:>8.1f}  {l2:.0e}/{free:.0e}/{seconds}s "
                  f"{'yes' if ok else 'NO'}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])

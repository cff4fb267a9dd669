"""The systems of PDEs (several unknown fields) trained in full, one row per config and seed, with
each field's rel L2 beside its bar and the published figure it is compared with.

    python benchmarks/systems.py [--seeds 0,1,2] [--steps-scale S] [config names ...]

Prints each field's rel L2 on the test grid, the declared vectors' (velocity), training seconds,
whether every bar holds, and the anchor; with several seeds, the spread of the worst field's
rel L2.
"""
from __future__ import annotations

import shipped

# config -> (bar per field: rel L2, bar: seconds, the published figure, where it is from)
TARGETS = {
    "kovasznay": ({"u": 1e-4, "v": 1e-4, "p": 1e-3}, 600, "u 8.4e-4, v 4.25e-3",
                  "NSFnets (Jin et al. 2021), 110 000 Adam steps + L-BFGS"),
    "elasticity_plate": ({"ux": 1e-4, "uy": 1e-4}, 600, "no published error",
                         "DeepXDE's elasticity_plate example, 5000 Adam steps"),
    "gray_scott1d": ({"u": 1e-3, "v": 1e-3}, 900, "3.61e-3 on a 2D Gray-Scott problem",
                     "jaxpi PirateNet, on a GPU"),
}


def _row(label: str, m: dict, target) -> str:
    bars, seconds, published, source = target
    errors = {f: score.get("rel_l2", score.get("rms_error")) for f, score in m["fields"].items()}
    ok = all(errors[f] <= bar for f, bar in bars.items()) and m["train_seconds"] <= seconds
    fields = "  ".join(f"{f} {e:.2e}" for f, e in errors.items())
    vectors = "  ".join(f"{name} {s['rel_l2']:.2e}" for name, s in m.get("vectors", {}).items())
    bar = "/".join(f"{b:.0e}" for b in bars.values())
    return (f"{label:<16} {fields}  {vectors}  {m['train_seconds']:>7.1f}  {bar}/{seconds}s "
            f"{'yes' if ok else 'NO':<3}  {published} ({source})")


def main(argv=None):
    shipped.table(__doc__.splitlines()[0], TARGETS, f"{'config (seed)':<16} rel L2 per field, per vector  train s  "
                  f"bar  ok   published", _row, argv, width=16)


if __name__ == "__main__":
    main()

"""The systems of PDEs (several unknown fields) trained in full, one row per config and seed, with
each field's rel L2 beside its bar and the published figure it is compared with.

    python benchmarks/systems.py [--seeds 0,1,2] [--steps-scale S] [config names ...]

Prints each field's rel L2 on the test grid, the declared vectors' (velocity), for the cavity the
largest centreline distance from Ghia et al.'s table, training seconds, whether every bar holds,
and the anchor; with several seeds, the spread of the worst field's rel L2.
"""
from __future__ import annotations

import shipped

# config -> (bar per field or vector: rel L2, or "ghia": the largest centreline distance from Ghia
# et al.'s table; bar: seconds, the published figure, where it is from)
TARGETS = {
    "kovasznay": ({"u": 1e-4, "v": 1e-4, "p": 1e-3}, 600, "u 8.4e-4, v 4.25e-3",
                  "NSFnets (Jin et al. 2021), 110 000 Adam steps + L-BFGS"),
    "elasticity_plate": ({"ux": 1e-4, "uy": 1e-4}, 600, "no published error",
                         "DeepXDE's elasticity_plate example, 5000 Adam steps"),
    "gray_scott1d": ({"u": 1e-3, "v": 1e-3}, 900, "3.61e-3 on a 2D Gray-Scott problem",
                     "jaxpi PirateNet, on a GPU"),
    "lid_driven_cavity": ({"velocity": 1e-2, "ghia": 1e-2}, 1200, "vanilla 4.7e-2, best 3.6e-2",
                          "PINNacle, a smooth lid profile"),
}


def _measured(m: dict, key: str) -> float:
    if key == "ghia":
        return max(m["ghia_max_deviation"].values())
    score = m["fields"][key] if key in m["fields"] else m["vectors"][key]
    return score.get("rel_l2", score.get("rms_error"))


def _row(label: str, m: dict, target) -> str:
    bars, seconds, published, source = target
    ok = all(_measured(m, key) <= bar for key, bar in bars.items()) and m["train_seconds"] <= seconds
    fields = "  ".join(f"{f} {_measured(m, f):.2e}" for f in m["fields"])
    vectors = "  ".join(f"{name} {_measured(m, name):.2e}" for name in m.get("vectors", {}))
    vectors += f"  Ghia {_measured(m, 'ghia'):.2e}" if "ghia_max_deviation" in m else ""
    bar = "/".join(f"{b:.0e}" for b in bars.values())
    return f"{label:<16} {fields}  {vectors}  {m['train_seconds']:>7.1f}  " + shipped.verdict(ok, bar, seconds,
                                                                                           published, source)


def main(argv=None):
    shipped.table(__doc__.splitlines()[0], TARGETS, f"{'config (seed)':<16} rel L2 per field, per vector  train s  "
                  f"bar  ok   published", _row, argv, width=16)


if __name__ == "__main__":
    main()

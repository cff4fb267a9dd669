"""The shapes' configs trained in full, one row per config and seed, beside the published figure
each is compared with.

    python benchmarks/geometry.py [--seeds 0,1,2] [--steps-scale S] [config names ...]

Prints rel L2 (by quadrature on the shape's test mesh), the largest error, training seconds,
whether the bar holds, and the anchor; with several seeds, the spread of rel L2.
"""
from __future__ import annotations

import shipped

# config -> (bar: rel L2, bar: seconds, the published figure, where it is from)
TARGETS = {
    "annulus": (1e-6, 120, "exact boundary data about 2 orders below a standard PINN (plots only)",
                "Sukumar & Srivastava 2022"),
    "plate_holes": (1e-3, 300, "vanilla PINN 6.9e-1, best method 1.2e-2", "PINNacle Poisson 2d-C"),
    "ellipse_neumann": (1e-5, 180, "normals on curves and polygons (issues #303, #620, #728)", "DeepXDE"),
    "lshape_corner": (1e-3, 300, "finite elements on a uniform mesh lose their rate at the notch", "corner singularity"),
    "lshape_load": (2.2e-2, 300, "published Poisson_Lshape setup: 2.2e-2 in 1236 s here (benchmarks/lshape.py)",
                    "DeepXDE 1.15, float32"),
    "heat_disk": (1e-4, 300, "no published PINN figure: the issue's bar", "exact J0(j01 r) exp(-j01² t)"),
    "notched_plate": (1e-3, 600, "no published figure: the issue's bar (mesh file, mixed conditions)",
                      "finite elements, scikit-fem"),
    "ball_shell": (1e-4, 600, "no published PINN figure: the issue's bar (3D, mixed conditions)",
                   "exact sin(2x) cos(y) e^z"),
    "cross_torsion": (1e-3, 300, "no published figure (a union of two rectangles, four re-entrant corners)",
                      "finite elements, scikit-fem"),
    "heat_plate": (1e-3, 600, "no published figure (heat on the plate with holes, no closed form)",
                   "P2 and BDF2, scikit-fem"),
    "obstacle_disk": (5e-4, 300, "radial2d on the square: 1.3e-4 to 2.6e-4 (configs/radial2d.yaml)",
                      "exact, contact disc r* = 0.69797"),
    "kovasznay_hole": (1e-5, 900, "the box's Kovasznay flow: u 2.3e-7, v 2.1e-6, p 1.0e-6 (configs/kovasznay.yaml)",
                       "Kovasznay 1948"),
}


def _row(label: str, m: dict, target) -> str:
    l2, seconds, published, source = target
    ok = m["rel_l2"] <= l2 and m["train_seconds"] <= seconds
    measured = f"{label:<16} {m['rel_l2']:>9.2e} {m['max_abs_error']:>9.2e} {m['train_seconds']:>8.1f}  "
    return measured + shipped.verdict(ok, f"{l2:.0e}", seconds, published, source)


HEADER = f"{'config (seed)':<16} {'rel L2':>9} {'max err':>9} {'train s':>8}  {'bar':<10} ok   published"


def main(argv=None):
    shipped.table(__doc__.splitlines()[0], TARGETS, HEADER, _row, argv, width=16)


if __name__ == "__main__":
    main()

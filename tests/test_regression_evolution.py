"""Regression tests of the evolution problems on shortened schedules, and the same problems written
in the expression language, which must reach within 2x of the registered problem's error.

Each schedule is a fraction of the shipped config's (the full runs are benchmarks/evolution.py);
the bounds sit above the measured values (in the comments) by the seed-to-seed and
thread-to-thread margin, far below what a broken transform, reference or input map gives (O(1)).
"""
import numpy as np
import pytest
import torch

from pinn import problems, solve
from pinn.app import config
from pinn.app.progress import Progress

pytestmark = pytest.mark.slow  # every case here trains

# problem -> (final time T, layers, interior points, adam steps, bfgs steps, bound on rel L2). The
# horizon is shortened with the problems' ``duration`` parameter where the full one needs minutes
# (wave: the 8πt mode; Burgers: the front forms at t ≈ 0.3; Allen–Cahn: the interfaces sharpen).
SHORT = {
    "heat1d": (1.0, [20, 20, 20], 1024, 300, 300, 3e-4),        # measured 7.0e-5
    "wave1d": (0.25, [20, 20, 20], 1024, 300, 500, 2e-3),       # measured 4.9e-4
    "burgers1d": (0.5, [20, 20, 20], 1024, 300, 500, 5e-2),     # measured 1.5e-2
    "allen_cahn1d": (0.25, [20, 20, 20], 1024, 300, 500, 5e-3),  # measured 1.1e-3
}


def expressions(duration: float) -> dict:
    """The registered problems restated in YAML (no exact: scored below like the registered)."""
    ends = lambda a, b: [{"at": f"x = {a}", "type": "dirichlet"}, {"at": f"x = {b}", "type": "dirichlet"}]
    return {
        "heat1d": dict(domain={"x": [0, 1], "t": [0, duration]}, equation="u_t - u_xx/pi**2",
                       initial=[{"value": "sin(pi*x) + 0.5*sin(3*pi*x)"}], boundary=ends(0, 1)),
        "wave1d": dict(domain={"x": [0, 1], "t": [0, duration]}, equation="u_tt - 4*u_xx",
                       initial=[{"value": "sin(pi*x) + 0.5*sin(4*pi*x)"}, {"value": 0, "derivative": 1}],
                       boundary=ends(0, 1)),
        "burgers1d": dict(domain={"x": [-1, 1], "t": [0, duration]}, params={"nu": 0.01 / np.pi},
                          equation="u_t + u*u_x - nu*u_xx", initial=[{"value": "-sin(pi*x)"}], boundary=ends(-1, 1)),
        "allen_cahn1d": dict(domain={"x": [-1, 1], "t": [0, duration]}, equation="u_t - 0.0001*u_xx + 5*u**3 - 5*u",
                             initial=[{"value": "x**2*cos(pi*x)"}], boundary=[{"at": "x", "type": "periodic"}]),
    }


def short_run(problem: dict, name: str, folder):
    duration, layers, points, adam, bfgs, _ = SHORT[name]
    cfg = config.parse({"name": name, "problem": problem, "network": {"layers": layers},
                        "training": {"points": {"interior": points}, "stages": [
                            {"optimizer": "adam", "steps": adam},
                            {"optimizer": "bfgs", "steps": bfgs, "min_improvement": 0}]}})
    result = solve(cfg, out_dir=folder, progress=Progress(enabled=False))
    data = np.load(result.run_dir / "solution.npz")
    reference = evolution_reference(name, duration, data["x"])
    return float(np.linalg.norm(data["u"] - reference) / np.linalg.norm(reference)), result.metrics


def evolution_reference(name: str, duration: float, points: np.ndarray) -> np.ndarray:
    problem = problems.build(name, {"duration": duration})
    if problem.has_exact:
        return problem.exact(torch.from_numpy(points)).numpy().ravel()
    return problem.reference_values(points)


@pytest.mark.parametrize("name", list(SHORT))
def test_shortened_schedule_and_its_expression_twin(name, tmp_path):
    duration = SHORT[name][0]
    registered, metrics = short_run({"type": name, "params": {"duration": duration}}, name, tmp_path / "registered")
    assert abs(registered - metrics["rel_l2"]) <= 1e-12 * max(1.0, registered)  # the run scored what we score
    assert registered <= SHORT[name][-1]
    written, _ = short_run({"type": "expression", **expressions(duration)[name]}, name, tmp_path / "written")
    assert written <= 2 * registered, (written, registered)

"""Every script in benchmarks/ runs, at a size that takes seconds: a config change cannot break
the figures the README quotes without a test noticing."""
import importlib.util
import re
import sys

import pytest
from conftest import ROOT

SMOKE = {  # script -> arguments for a run of a few seconds
    "bvp1d": ["--steps-scale", "0.01", "poisson1d", "beam1d_clamped"],
    "obstacle": ["--steps-scale", "0.005", "tent1d"],
    "expression": ["--steps-scale", "0.01", "--seeds", "1", "--repeats", "2", "expression_robin1d"],
    "derivatives": ["--repeats", "1", "--sizes", "10000", "--small", "128"],
    "suite": ["--steps-scale", "0.01", "--configs", "poisson1d"],
    "untuned": ["--steps-scale", "0.01", "reaction", "obstacle_skewed1d"],
    "faults": ["--interrupts", "1", "--kills", "1", "--load", "0"],  # --load trains radial2d four times
    "evolution": ["--steps-scale", "0.01", "--seeds", "1", "heat1d"],
    "american": ["--steps-scale", "0.01", "call"],
    "inverse": ["--steps-scale", "0.02", "--coverage-seeds", "2", "--coverage", "inverse_conductivity1d",
                "--coverage-only"],
    "data_memory": ["--rows", "2000", "--steps", "2"],
    "systems": ["--steps-scale", "0.05", "--seeds", "0", "kovasznay"],
    "geometry": ["--steps-scale", "0.05", "--seeds", "0", "annulus"],
    "lshape": ["--steps-scale", "0.1"],  # ours alone: DeepXDE needs its own venv (--peer-python)
}


def load_script(name: str):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_benchmark_script_has_a_smoke_run():
    scripts = {p.stem for p in (ROOT / "benchmarks").glob("*.py")} - {"watch", "shipped"}  # helpers of the others
    assert scripts == set(SMOKE)


def row(printed: str, label: str) -> list[float]:
    """The numbers on the first printed line that starts with ``label``."""
    line = next(line for line in printed.splitlines() if line.startswith(label))
    return [float(word) for word in re.findall(r"(?<![\w.])[-+]?\d+\.?\d*(?:e[-+]\d+)?(?![\w.])", line[len(label):])]


# What each smoke run must show: a figure in a range that an untrained or broken run would miss.
# The bounds are a few times the value measured at the smoke size (in the comment), far below
# what the untrained network gives (a relative error near 1).
FIGURES = {
    "bvp1d": lambda out: row(out, "poisson1d")[0] < 0.05,  # rel L2 5.06e-03
    "obstacle": lambda out: row(out, "tent1d (0)")[0] < 0.5,  # rel L2 0.170
    "expression": lambda out: (row(out, "expression_robin1d")[3] < 0.6  # rel L2 0.272, twin the same
                               and 0.9 < row(out, "expression_robin1d")[5] < 1.1),
    # nested, autograd and Taylor mode each timed (217.6, 84.7, 66.4 ms); speed is not asserted here
    "derivatives": lambda out: len(times := row(out, "radial2d           N=10000")) == 3 and min(times) > 0,
    "suite": lambda out: row(out, "poisson1d")[0] < 0.05,  # rel L2 5.06e-03
    "untuned": lambda out: row(out, "reaction")[0] < 5e-3 and row(out, "obstacle_skewed1d")[0] < 0.5,  # 5.3e-4, 0.109
    "faults": lambda out: (all("1/1 bit-identical" in line for line in out.splitlines()[:3])
                           and "0 with an unreadable file" in out and "1/1 finished" in out),
    "evolution": lambda out: row(out, "heat1d (1)")[0] < 0.6,  # rel L2 0.210
    # Crank-Nicolson on 100x100 against the published prices: 1.5e-3 at most; the call's price 0.069
    "american": lambda out: row(out, "r=0.05 q=0 σ=0.2 (100x100)")[0] < 5e-3 and row(out, "call (0)")[0] < 0.5,
    # a learnt k with an interval of positive width and a z-score that is not absurd (1.20, 1.12)
    "inverse": lambda out: all(row(out, f"   {seed}")[1] > 0 and abs(row(out, f"   {seed}")[2]) < 10
                               for seed in range(2)),
    # every field scored; Adam 50 + BFGS 150 steps: u 2.6e-2, v 0.14, p 0.17 (the untrained network: about 1)
    "systems": lambda out: len(errors := row(out, "kovasznay (0)")) >= 5 and errors[0] < 0.1 and errors[1] < 0.5,
    # Adam 25 + BFGS 100 steps on the annulus: rel L2 1.0e-3 (the exact data's lift alone, N = 0: 1.5e-2)
    "geometry": lambda out: row(out, "annulus (0)")[0] < 3e-3,
    # Adam 50 + BFGS 200 on DeepXDE's L-shape: rel L2 0.42 against the finite-element solution (3.0 untrained)
    "lshape": lambda out: row(out, "pinn     rel L2")[0] < 0.8 and "DeepXDE: not run" in out,
    "data_memory": lambda out: ("pinn check: exit 0" in out and "pinn solve: exit 0" in out
                                and row(out, "pinn solve: exit 0,")[-1] < 2.0),  # peak 0.47 GB
}


def test_every_smoke_run_checks_a_figure():
    assert set(FIGURES) == set(SMOKE)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SMOKE))
def test_benchmark_script_runs(name, capsys):
    load_script(name).main(SMOKE[name])
    printed = capsys.readouterr().out
    assert FIGURES[name](printed), printed

"""Every script in benchmarks/ runs, at a size that takes seconds: a config change cannot break
the figures the README quotes without a test noticing."""
import importlib.util
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


@pytest.mark.parametrize("name", list(SMOKE))
def test_benchmark_script_runs(name, capsys):
    load_script(name).main(SMOKE[name])
    printed = capsys.readouterr().out.strip().splitlines()
    assert len(printed) >= 2, printed  # a header and at least one row

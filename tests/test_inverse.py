"""Inverse problems: learnt coefficients, the data section, the uncertainty and its honesty, the
identifiability warnings, and bad data refused with the file and the reason."""
import math
import sys

import numpy as np
import pytest
import torch
from conftest import CONFIGS, ROOT

from pinn import load, solve
from pinn.app import synthetic
from pinn.app.cli import main
from pinn.app.config import parse, scale_steps, sha256
from pinn.app.plan import validate
from pinn.app.resolve import resolved
from pinn.app.progress import Progress
from pinn.core.params import LearntSpec
from pinn.method import uncertainty
from pinn.method.train import Trainer

sys.path.insert(0, str(ROOT / "configs" / "data"))
from make_data import FILES  # noqa: E402

AMPLITUDE = """\
name: amplitude
problem:
  type: expression
  domain: [[0, 1]]
  params:
    A: {learn: true, initial: 0.5}
  equation: "-u_xx - A*pi**2*sin(pi*x)"
  boundary:
    - {at: boundary, type: dirichlet, value: 0}
data: {file: data.csv, noise: 0.01}
network: {layers: [16, 16], activation: tanh}
training:
  points: {interior: 64}
  stages: [{optimizer: adam, steps: 300, lr: 0.01}, {optimizer: bfgs, steps: 300}]
"""


def write_data(folder, x, u, names=("x",)):
    synthetic.write_csv(folder / "data.csv", names, np.asarray(x).reshape(len(u), -1), np.asarray(u))


def quiet(cfg, out):
    return solve(cfg, out_dir=out, progress=Progress(enabled=False))


@pytest.mark.parametrize("spec, values", [
    (LearntSpec(0.5, positive=True), [1e-3, 0.5, 1e3]),
    (LearntSpec(0.5, bounds=(0.0, 2.0)), [1e-3, 0.5, 1.999]),
    (LearntSpec(0.5, bounds=(1e-3, 1e3)), [2e-3, 0.5, 900.0]),  # a log-space map: bounds span decades
    (LearntSpec(-300.0), [-1e3, -300.0, 7.0]),
])
def test_each_map_returns_the_value_it_was_given(spec, values):
    for v in values:
        z = torch.tensor(spec.to_unconstrained(v), dtype=torch.float64)
        assert float(spec.to_value(z)) == pytest.approx(v, rel=1e-12)
    if spec.bounds:
        lo, hi = spec.bounds
        assert spec.at_bound(lo + 1e-9 * (hi - lo)) == "lower" and spec.at_bound(hi) == "upper"
        assert spec.at_bound(0.5) is None


@pytest.mark.slow
def test_standard_error_of_a_linear_parameter_is_least_squares(tmp_path):
    """u = A sin(πx) is linear in A: least squares gives Â = Σ s_i d_i / Σ s_i² and se = σ / √Σ s_i²
    exactly. The PINN's estimate and its Gauss–Newton standard error must agree with them."""
    generator = np.random.default_rng(7)
    x = np.sort(generator.random(30))
    s = np.sin(np.pi * x)
    d = 1.3 * s + 0.01 * generator.standard_normal(30)
    write_data(tmp_path, x, d)
    (tmp_path / "run.yaml").write_text(AMPLITUDE)
    metrics = quiet(load(tmp_path / "run.yaml"), tmp_path / "out").metrics
    estimate = metrics["parameters"]["A"]
    least_squares, se = (s @ d) / (s @ s), 0.01 / math.sqrt(s @ s)
    assert estimate["value"] == pytest.approx(least_squares, rel=1e-5)  # measured 2.3e-6
    assert estimate["standard_error"] == pytest.approx(se, rel=1e-6)    # measured 2.5e-12
    lo, hi = estimate["interval_95"]
    assert (hi - lo) / 2 == pytest.approx(1.959964 * se, rel=1e-6)      # known noise: the normal quantile; 7.9e-9


@pytest.mark.slow
def test_intervals_hold_the_truth_over_noise_draws(tmp_path):
    """The shortened coverage check (benchmarks/inverse.py runs 20 draws): the conductivity of order
    1e-3 learnt from three fresh 1 % noise draws at a quarter of the steps; each (learnt − true)/se
    must look like a standard normal draw (|z| < 3) and the interval hold the truth."""
    name = "inverse_conductivity1d"
    section = synthetic.problem_of(CONFIGS / f"{name}.yaml")
    scores = []
    for seed in range(3):
        x, u, _ = synthetic.measurements(section, 30, 0.01, 1000 + seed)
        write_data(tmp_path, x, u)
        cfg = scale_steps(load(CONFIGS / f"{name}.yaml", {"data.file": str(tmp_path / "data.csv"),
                                                         "training.seed": seed}), 0.25)
        plan = validate(cfg)  # trained and identified without a run folder: no figures to draw
        trainer = Trainer(plan.trainables, plan.loss, plan.cfg.training.stages, lambda state: None,
                          Progress(enabled=False), settings=plan.settings)
        plan.loss.build_taylor(trainer.closure)
        trainer.fit()
        estimate = uncertainty.identify(plan.trainables, plan.loss, None).estimates["k"]
        scores.append((estimate.value - estimate.exact) / estimate.standard_error)
        assert estimate.interval[0] <= estimate.exact <= estimate.interval[1]
    assert max(abs(z) for z in scores) < 3, scores  # measured z: -1.40, -1.13, 0.84


def test_a_parameter_the_data_cannot_see_is_reported(tmp_path):
    write_data(tmp_path, np.linspace(0.1, 0.9, 9), np.linspace(0.1, 0.9, 9) * 0.1)
    text = AMPLITUDE.replace('A: {learn: true, initial: 0.5}', 'c: {learn: true, initial: 0.5, bounds: [0, 1]}') \
        .replace('"-u_xx - A*pi**2*sin(pi*x)"', '"-u_xx - 0*c"').replace("steps: 300", "steps: 20")
    (tmp_path / "run.yaml").write_text(text)
    result = quiet(load(tmp_path / "run.yaml"), tmp_path / "out")
    warnings = " ".join(result.metrics["identification_warnings"])
    assert "do not respond to it" in warnings and "did not move" in warnings
    assert any(line.startswith("warning: c") for line in result.summary)


def test_freeze_resume_and_the_resolved_config(tmp_path):
    """A frozen stage holds eps; the checkpoint holds it; the resolved config.yaml reads back as the
    same run (the same fingerprint) and is accepted by `pinn check`."""
    cfg = load(CONFIGS / "inverse_layer1d.yaml", {"training.stages": [
        {"optimizer": "adam", "steps": 30, "freeze": ["eps"]}, {"optimizer": "adam", "steps": 30}]})
    result = quiet(cfg, tmp_path / "out")
    eps = result.history.terms["eps"]
    first = result.history.stage_starts[1]
    assert set(eps[:first]) == {0.2} and eps[-1] != 0.2
    trainables = result.trainables
    for p in trainables.coefficients.parameters():
        p.data.zero_()  # so that what is read next comes from the checkpoint
    trainables.load_state_dict(torch.load(tmp_path / "out" / "checkpoint.pt", weights_only=True)["model"])
    assert float(trainables.logged()["eps"]) == pytest.approx(result.metrics["parameters"]["eps"]["value"])
    again = load(tmp_path / "out" / "config.yaml")
    assert sha256(resolved(again)) == sha256(result.config)  # resolved: its stages, its data's digest
    assert main(["check", str(tmp_path / "out" / "config.yaml")]) == 0


def test_the_shipped_data_are_made_by_the_script(tmp_path):
    for config, (name, count, noise, seed) in FILES.items():
        section = synthetic.problem_of(CONFIGS / config)
        x, u, _ = synthetic.measurements(section, count, noise, seed)
        shipped = np.loadtxt(CONFIGS / "data" / name, delimiter=",", skiprows=2, ndmin=2)
        d = x.shape[1]
        assert np.array_equal(shipped[:, :d], x), config
        if section.fields:  # solve_ivp's values: its last bits may follow the machine's libm
            assert np.allclose(shipped[:, d:], u, rtol=1e-10, atol=0), config
        else:
            assert np.array_equal(shipped[:, d], u), config


GOOD = AMPLITUDE.replace("steps: 300", "steps: 2")
ROWS = "x,u\n0.1,0.3\n0.5,1.0\n0.9,0.3\n"
BAD = {  # case -> (config text, data text, fragments of the one-line message)
    "missing column": (GOOD, "x,v\n0.1,0.3\n0.5,1\n", ["data.file", "data.csv", "no column 'u'"]),
    "NaN": (GOOD, "x,u\n0.1,0.3\n0.5,nan\n", ["data.csv", "row 2: u is nan", "finite"]),
    "not a number": (GOOD, "x,u\n0.1,abc\n", ["data.csv", "row 1: u is 'abc'"]),
    "outside the domain": (GOOD, "x,u\n0.1,0.3\n1.5,1\n", ["data.csv", "row 2: x = 1.5 is outside", "[0, 1]"]),
    "no file": (GOOD.replace("data.csv", "nowhere.csv"), ROWS, ["nowhere.csv", "no such file"]),
    "learnt and a stage parameter": (
        GOOD.replace("steps: 2, lr: 0.01}", "steps: 2, lr: 0.01, params: {A: 2}}"), ROWS,
        ["training.stages[0].params.A", "is learnt", "freeze"]),
    "learnt without data": (GOOD.replace("data: {file: data.csv, noise: 0.01}\n", ""), ROWS,
                            ["problem.params.A.learn", "add a data section"]),
    "freeze of a fixed name": (GOOD.replace("steps: 2, lr: 0.01}", "steps: 2, lr: 0.01, freeze: [B]}"), ROWS,
                               ["training.stages[0].freeze[0]", "'B'", "learnt parameter"]),
    "learnt in a boundary value": (GOOD.replace("value: 0}", "value: A}"), ROWS,
                                   ["problem.boundary[0].value", "'A' is learnt", "equation only"]),
    "initial outside bounds": (GOOD.replace("initial: 0.5}", "initial: 5, bounds: [0, 1]}"), ROWS,
                               ["problem.params.A.initial", "inside the bounds"]),
    "registered parameter that cannot be learnt": (
        GOOD.split("problem:")[0] + "problem: {type: poisson1d, params: {k: {learn: true, initial: 1}}}\ndata:"
        + GOOD.split("data:")[1], ROWS, ["problem.params.k.learn", "poisson1d cannot learn k"]),
    "too few rows to estimate the noise": (GOOD.replace("noise: 0.01", "noise: estimate"), "x,u\n0.1,0.3\n0.5,1\n",
                                          ["data.noise", "at least 3"]),
}


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_inverse_input_exits_2_with_the_file_and_the_reason(case, tmp_path, capsys):
    text, rows, fragments = BAD[case]
    (tmp_path / "bad.yaml").write_text(text)
    (tmp_path / "data.csv").write_text(rows)
    assert main(["check", str(tmp_path / "bad.yaml")]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1 or (len(lines) == 3 and lines[2].strip() == "^"), err  # an expression's caret
    assert "bad.yaml" in err
    for fragment in fragments:
        assert fragment in err, (fragment, err)


def test_npz_data_next_to_the_yaml(tmp_path):
    np.savez(tmp_path / "data.npz", x=np.array([0.2, 0.5, 0.8]), u=np.array([0.8, 1.3, 0.8]))
    cfg = resolved(parse(__import__("yaml").safe_load(GOOD.replace("data.csv", "data.npz")), str(tmp_path / "run.yaml")))
    assert cfg.data.measurements.count == 3 and cfg.data.file == str((tmp_path / "data.npz").resolve())


def test_measurements_that_contradict_exact_are_said_before_training(tmp_path):
    x = np.linspace(0.05, 0.95, 10)
    text = AMPLITUDE.replace("A: {learn: true, initial: 0.5}", "A: {learn: true, initial: 0.5, exact: 1.3}") \
        .replace("  boundary:", '  exact: "1.3*sin(pi*x)"\n  boundary:')
    (tmp_path / "run.yaml").write_text(text)
    for amplitude, expected in ((1.3, 0), (2.0, 1)):  # the second file holds another amplitude's values
        write_data(tmp_path, x, amplitude * np.sin(np.pi * x))
        notes = [n for n in validate(load(tmp_path / "run.yaml")).notes if n.startswith("data.file")]
        assert len(notes) == expected, notes


def test_warnings_for_a_bound_and_a_wide_interval():
    spec = LearntSpec(1.0, bounds=(0.5, 1.5))
    at_bound = uncertainty.Estimate(1.4999, 1.0, 0.01, (1.48, 1.49999))
    assert any("ran into its upper bound 1.5" in w for w in uncertainty._warnings("a", spec, at_bound, 1.0))
    wide = uncertainty.Estimate(0.9, 1.0, 0.3, (0.52, 1.48))
    found = uncertainty._warnings("a", spec, wide, 1.0)
    assert len(found) == 1 and "wider than its value" in found[0]

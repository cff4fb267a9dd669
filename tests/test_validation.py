"""``config.parse`` checks syntax and types and builds nothing; ``validate`` builds each problem of a
run once: the problem, each stage's problem where a stage sets params, and an inverse problem's truth."""
import pytest
from conftest import CONFIGS

from pinn import load, problems, solve
from pinn.app.config import scale_steps
from pinn.app.progress import Progress

CONTINUATION = """\
name: continuation
problem: {type: layer1d, params: {eps: 0.05}}
network: {layers: [8, 8], activation: tanh}
training:
  points: {interior: 16}
  stages: [{optimizer: adam, steps: 3, params: {eps: 0.5}}, {optimizer: adam, steps: 3, params: {eps: 0.2}},
           {optimizer: adam, steps: 3}]
"""


@pytest.fixture
def builds(monkeypatch):
    """Counts every problem built: the registry's and the expression language's builder."""
    made = []
    for module in (problems, problems.expression):
        original = module.build

        def counting(*args, original=original, **kwargs):
            problem = original(*args, **kwargs)
            made.append(problem)
            return problem
        monkeypatch.setattr(module, "build", counting)
    return made


def test_parse_builds_nothing_and_reads_no_data(builds):
    cfg = load(CONFIGS / "inverse_poisson2d.yaml")  # an expression problem, a learnt parameter, data
    assert builds == []
    assert cfg.data.measurements is None and cfg.training.stages == "auto"


def test_a_continuation_run_builds_each_stage_problem_once(builds, tmp_path):
    path = tmp_path / "continuation.yaml"
    path.write_text(CONTINUATION)
    solve(path, out_dir=tmp_path / "out", progress=Progress(enabled=False))
    # the run's problem (also the last stage's), and the problems of the two stages with params
    assert sorted(p.params["eps"] for p in builds) == [0.05, 0.2, 0.5]


def test_an_inverse_run_builds_its_problem_and_its_truth_once(builds, tmp_path):
    cfg = scale_steps(load(CONFIGS / "inverse_reaction1d.yaml"), 0.01)
    result = solve(cfg, out_dir=tmp_path / "out", progress=Progress(enabled=False))
    assert len(builds) == 2  # the live problem (r from 300) and the truth (r = 1000)
    assert result.config.data.measurements.count == 30  # read once, in validation

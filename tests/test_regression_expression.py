"""Regression on the shipped expression configs (shortened schedules), and their registered twins.

Bounds are the errors measured on 30% of each schedule (2-core x86 CPU, torch 2.13.0, float64)
times the margin in the comment. Full-length figures: benchmarks/expression.py.

Measured on the default Taylor-mode derivative path, with the autograd path's figure beside it
(why they differ: tests/test_regression_bvp1d.py; here by up to 3.3x, for the layer).
"""
import pytest
from conftest import solve_shortened

pytestmark = pytest.mark.slow  # every case here trains

SHORTENED = 0.3


@pytest.mark.parametrize("config, reference, bound", [
    ("expression_robin1d", "exact", 1.7e-5),  # measured 4.20e-06 (autograd path: 3.99e-06); margin 4x
    ("expression_bratu1d", "solve_bvp", 8.6e-7),  # measured 2.13e-07 (autograd path: 3.24e-07); margin 4x
    ("expression_poisson2d", "exact", 2.9e-5),  # measured 7.14e-06 (autograd path: 5.64e-06); margin 4x
    ("expression_obstacle1d", "exact", 3e-4),  # measured 7.42e-05 (mu 10 -> 30 -> 100, BFGS; L-BFGS 64x3: 1.39e-3); margin 4x
    ("expression_layer1d", "exact", 1.4e-2),  # measured 3.47e-03 (autograd path: 1.06e-03); margin 4x (eps continuation)
])
def test_shortened_schedule_reaches_its_measured_error(config, reference, bound, tmp_path):
    metrics = solve_shortened(config, SHORTENED, tmp_path)
    assert metrics["reference"] == reference
    assert metrics["rel_l2"] <= bound
    assert (tmp_path / "solution.png").exists()


@pytest.mark.parametrize("expression, registered", [("expression_robin1d", "robin1d"),
                                                    ("expression_bratu1d", "bratu1d")])
def test_an_expression_config_reproduces_its_registered_twin(expression, registered, tmp_path):
    errors = [solve_shortened(name, 0.1, tmp_path / name)["rel_l2"] for name in (expression, registered)]
    assert errors[0] <= 2 * errors[1]  # the bar; measured ratios 1.000 (robin) and 1.00006 (bratu)

"""Regression on known solutions: the shipped Poisson configs against sin(kπx), and determinism.

Bounds are the measured errors (2-core x86 CPU, torch 2.13.0, float64) times a stated margin: the
trajectory is deterministic on one machine, but another CPU's BLAS may round differently and take
L-BFGS down a slightly different path.
"""
import json

import pytest

from pinn import load, solve
from pinn.app.config import scale_steps
from pinn.app.progress import Progress

pytestmark = pytest.mark.slow  # every case here trains

QUIET = Progress(enabled=False)


@pytest.mark.parametrize("config, bound", [
    ("poisson1d.yaml", 1e-7),     # measured 1.24e-8 in 14.4 s (autograd path: 4.02e-8); margin 8x
    ("poisson1d_k4.yaml", 1e-5),  # the bar; measured 5.21e-6 in 18.0 s (autograd: 3.90e-6)
])
def test_shipped_poisson_config_reaches_its_measured_error(config, bound, configs, tmp_path):
    result = solve(configs / config, out_dir=tmp_path, progress=QUIET)
    assert result.metrics["rel_l2"] <= bound
    assert result.metrics["max_abs_error"] <= 2 * bound  # measured max error / rel L2: 1.6 at k = 1


def test_run_folder_holds_every_artifact(configs, tmp_path):
    cfg = scale_steps(load(configs / "poisson1d.yaml"), 0.02)
    result = solve(cfg, out_dir=tmp_path, progress=QUIET)
    for name in ("metrics.json", "solution.png", "loss.png", "config.yaml", "checkpoint.pt"):
        assert (tmp_path / name).stat().st_size > 0, name
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    for key in ("rel_l2", "max_abs_error", "train_seconds", "stages", "device", "dtype", "seed",
                "versions", "config_sha256", "reference"):
        assert key in metrics, key
    assert metrics["reference"] == "exact" and metrics["dtype"] == "float64"
    assert [s["optimizer"] for s in metrics["stages"]] == ["adam", "lbfgs"]
    assert all(s["stop_reason"] for s in metrics["stages"])
    assert set(metrics["versions"]) == {"python", "torch", "pinn"}
    # the resolved config reloads to the very same run (same hash)
    assert load(tmp_path / "config.yaml").name == cfg.name
    assert metrics["config_sha256"] == result.metrics["config_sha256"]
    from pinn.app.config import sha256
    assert sha256(load(tmp_path / "config.yaml")) == metrics["config_sha256"]
    assert not list(tmp_path.glob("*.tmp*"))  # atomic writes leave no temporary files


def test_same_config_and_seed_give_identical_numbers(configs, tmp_path):
    cfg = scale_steps(load(configs / "poisson1d.yaml"), 0.05)
    first = solve(cfg, out_dir=tmp_path / "a", progress=QUIET).metrics
    second = solve(cfg, out_dir=tmp_path / "b", progress=QUIET).metrics
    assert first["rel_l2"] == second["rel_l2"]
    assert [s["final"] for s in first["stages"]] == [s["final"] for s in second["stages"]]

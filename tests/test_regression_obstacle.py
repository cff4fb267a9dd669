"""Regression on the obstacle configs (shortened schedules), the PReLU run's α record and
``pinn compare``. Full-length figures: benchmarks/obstacle.py. Bounds are the errors measured on
the shortened schedule (2-core x86 CPU, torch 2.13.0, float64, Taylor derivative path, self-scaled
BFGS after Adam; radial2d Fischer-Burmeister on 2 threads and compiled, as its config asks) times
about 4. Before μ was raised stage by stage (complementarity min(r, u − ψ) with μ = 1 throughout)
the same budgets gave tent 6.66e-4 / 4.95e-3, parabola 3.12e-3 / 4.26e-3 (IoU 0.699) and radial2d
7.23e-2 / 6.31e-2 (IoU 0.613); with L-BFGS instead of BFGS, tent 2.76e-4, parabola (64x3)
1.01e-3 and radial2d (float32, 150 Adam + 650 L-BFGS) 2.04e-3."""
import csv
import json

import pytest
import torch
from conftest import solve_shortened

from pinn.app.cli import main

pytestmark = pytest.mark.slow  # every case here trains


@pytest.mark.parametrize("config, scale, bound, violation, iou, mu", [
    ("tent1d", 0.3, 1.6e-3, 2.9e-2, 0.9, [10, 100, 1000]),   # measured rel L2 3.91e-4, violation 7.16e-3, IoU 0.962
    ("parabola1d", 0.3, 1.8e-4, 6e-4, 0.9, [10, 30, 100]),   # measured 4.38e-5, 1.46e-4, 0.985
    ("radial2d", 0.1, 8e-3, 2.2e-2, 0.8, [10, 10, 30]),      # measured 1.95e-3, 5.62e-3, 0.938 (50 Adam + 270 BFGS)
])
def test_shortened_obstacle_schedule(config, scale, bound, violation, iou, mu, tmp_path):
    m = solve_shortened(config, scale, tmp_path)
    assert m["reference"] == "exact"
    assert m["rel_l2"] <= bound
    assert m["max_violation"] <= violation
    assert m["contact_iou"] > iou
    assert [stage["mu"] for stage in m["stages"]] == mu and m["mu"] == mu[-1]  # the schedule was applied
    figures = ["solution.png"] + (["error.png", "contact.png"] if config == "radial2d" else [])
    for name in figures + ["loss.png", "metrics.json", "checkpoint.pt"]:
        assert (tmp_path / name).exists()


def test_prelu_run_records_alpha_and_keeps_it_non_negative(configs, tmp_path):
    out = tmp_path / "run"
    code = main(["compare", str(configs / "tent1d.yaml"), "--penalties", "prelu,relu",
                 "--formulations", "penalty-loss,complementarity,fischer-burmeister", "--steps-scale", "0.05",
                 "--out", str(out)])
    assert code == 0
    rows = list(csv.DictReader((out / "comparison.csv").open()))
    assert [(r["formulation"], r["penalty"]) for r in rows] == [
        ("penalty-loss", "prelu"), ("penalty-loss", "relu"), ("complementarity", "prelu"), ("complementarity", "relu"),
        ("fischer-burmeister", "none")]  # a formulation without a penalty runs once
    assert all(r["status"] == "ok" and float(r["rel_l2"]) < 1 for r in rows)
    assert (out / "comparison.md").read_text().count("\n|") >= 6 and (out / "comparison.png").exists()
    assert json.loads((out / "fischer-burmeister" / "metrics.json").read_text())["penalty"] == "none"
    run = out / "penalty-loss-prelu"
    metrics = json.loads((run / "metrics.json").read_text())
    history = torch.load(run / "checkpoint.pt", weights_only=False)["history"]
    assert min(history["terms"]["alpha"]) >= 0 and metrics["alpha"] >= 0
    assert history["terms"]["alpha"][0] != history["terms"]["alpha"][-1]  # it is learnt
    assert (run / "penalty_alpha.png").exists()


def test_compare_refuses_a_problem_without_constraint_and_unknown_penalties(configs, tmp_path, capsys):
    assert main(["compare", str(configs / "poisson1d.yaml"), "--out", str(tmp_path)]) == 2
    assert "no inequality constraint" in capsys.readouterr().err
    assert main(["compare", str(configs / "tent1d.yaml"), "--penalties", "relu,leakey", "--out", str(tmp_path)]) == 2
    assert "did you mean 'leaky'" in capsys.readouterr().err

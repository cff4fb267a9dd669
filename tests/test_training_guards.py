"""A diverging or interrupted run stops cleanly, keeps its last good checkpoint and says so."""
import json
import math
import os
import signal

import pytest
import torch

from pinn.app.cli import main
from pinn.method.losses import PinnLoss
from fault_injection import SETUP_CALLS

TINY = """\
name: guard
problem: {type: poisson1d}
network: {layers: [8, 8], activation: tanh}
training:
  points: {interior: 16}
  log_every: 5
  stages: [{optimizer: adam, steps: 40}, {optimizer: lbfgs, steps: 20}]
"""


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "guard.yaml"
    path.write_text(TINY)
    return path


def failing_loss(monkeypatch, at_call: int, failure):
    """Make the ``at_call``-th loss evaluation in training fail (NaN loss), or send SIGINT from it."""
    original, calls = PinnLoss.__call__, {"n": 0}

    def patched(self, model):
        calls["n"] += 1
        value = original(self, model)
        if calls["n"] - SETUP_CALLS >= at_call:
            if failure == "nan":
                value.total = value.total * math.nan
                value.terms = {k: v * math.nan for k, v in value.terms.items()}
            else:
                os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C: honoured after this step
        return value
    monkeypatch.setattr(PinnLoss, "__call__", patched)


def finite_checkpoint(path):
    checkpoint = torch.load(path, weights_only=True)
    assert all(torch.isfinite(t).all() for t in checkpoint["model"].values())
    return checkpoint


def test_divergence_exits_4_and_keeps_last_good_weights(config, tmp_path, monkeypatch, capsys):
    failing_loss(monkeypatch, 23, "nan")
    out = tmp_path / "run"
    assert main(["solve", str(config), "--out", str(out)]) == 4
    err = capsys.readouterr().err
    assert "diverged" in err and "last good state (step 20)" in err
    checkpoint = finite_checkpoint(out / "checkpoint.pt")
    assert checkpoint["position"]["stage"] == 0 and not checkpoint["complete"]
    # the NaN came at step 23: the last finite block logged ends at step 20, and so do the weights
    assert checkpoint["history"]["steps"][-1] == 19 and checkpoint["position"]["step"] == 20
    assert json.loads((out / "metrics.json").read_text())["status"] == "diverged"


def test_interrupt_saves_state_and_resume_finishes(config, tmp_path, monkeypatch, capsys):
    out = tmp_path / "run"
    with monkeypatch.context() as patch:
        failing_loss(patch, 31, "interrupt")
        assert main(["solve", str(config), "--out", str(out)]) == 130
    assert "--resume" in capsys.readouterr().err
    checkpoint = finite_checkpoint(out / "checkpoint.pt")
    assert (checkpoint["position"]["stage"], checkpoint["position"]["step"]) == (0, 31)
    assert not (out / "metrics.json").exists()

    assert main(["solve", str(config), "--out", str(out), "--resume"]) == 0
    checkpoint = finite_checkpoint(out / "checkpoint.pt")
    assert checkpoint["complete"]
    assert (out / "metrics.json").exists()


def test_resume_refuses_a_different_model(config, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["solve", str(config), "--out", str(out)]) == 0
    assert main(["solve", str(config), "--out", str(out), "--resume", "--dtype", "float32"]) == 2
    assert "model_sha256 differs" in capsys.readouterr().err


def test_stage_params_train_each_stage_on_its_own_problem(tmp_path, monkeypatch):
    """Continuation: a stage with ``params`` trains on the problem with them overlaid."""
    path = tmp_path / "continuation.yaml"
    path.write_text(TINY.replace("poisson1d}", "layer1d, params: {eps: 0.05}}").replace(
        "{optimizer: adam, steps: 40}", "{optimizer: adam, steps: 10, params: {eps: 0.5}}"))
    seen, original = [], PinnLoss.__call__

    def spy(self, model):
        seen.append(self.problem.params["eps"])
        return original(self, model)
    monkeypatch.setattr(PinnLoss, "__call__", spy)
    out = tmp_path / "run"
    assert main(["solve", str(path), "--out", str(out)]) == 0
    seen = seen[SETUP_CALLS:]  # the Taylor set-up evaluates the run's own problem, before stage 1
    assert seen[:11] == [0.5] * 11 and set(seen[11:]) == {0.05}  # 10 steps + the final evaluation
    metrics = json.loads((out / "metrics.json").read_text())
    assert [s["params"] for s in metrics["stages"]] == [{"eps": 0.5}, {}]
    assert metrics["problem"] == "layer1d(eps=0.05)"  # scored on the run's own problem

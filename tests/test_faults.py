"""Fault suite: interrupts at chosen moments of each optimiser, divergence, damaged checkpoints,
crashes after training, busy and stale run folders. A resumed run must end bit-identical to one
that was never stopped, with every stage's configured step count."""
import importlib
import json
import os
import pickle
import signal
import stat

import pytest
import torch
from fault_injection import at_loss_call, config_text, load_checkpoint, same_run

from pinn import solve
from pinn.app import plan as plan_module
from pinn.app import report, run_folder
from pinn.app.cli import main
from pinn.app.progress import Progress
from pinn.method import checkpoint as checkpoint_module
from pinn.method.interrupt import Interrupted

pytestmark = pytest.mark.slow  # every case here trains

QUIET = Progress(enabled=False)
solve_module = importlib.import_module("pinn.app.run")
# Loss evaluations at which SIGINT arrives. Adam: steps 1-60, 61 is the stage's final evaluation
# (7 and 14 are log-block ends, 60 the last step). Quasi-Newton runs: Adam takes 1-20 and 21;
# from 22 on every line-search trial is an evaluation, so these land at chunk starts, inside
# line searches and between iterations alike.
INTERRUPTS = {"adam": [1, 6, 7, 13, 14, 20, 33, 48, 59, 60, 61],
              "lbfgs": [21, 22, 23, 26, 30, 35, 41, 50, 63, 80, 95],
              "bfgs": [21, 22, 23, 26, 30, 35, 41, 50, 63, 80, 110]}


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """(config path, final checkpoint) of each optimiser's run, never stopped."""
    runs = {}
    for optimizer in INTERRUPTS:
        folder = tmp_path_factory.mktemp(optimizer)
        path = folder / "run.yaml"
        path.write_text(config_text(optimizer))
        solve(path, out_dir=folder / "out", progress=QUIET)
        runs[optimizer] = path, load_checkpoint(folder / "out" / "checkpoint.pt")
    return runs


@pytest.mark.parametrize("optimizer, call", [(o, c) for o, calls in INTERRUPTS.items() for c in calls])
def test_interrupt_then_resume_ends_bit_identical(uninterrupted, tmp_path, optimizer, call):
    path, reference = uninterrupted[optimizer]
    out = tmp_path / "out"
    with at_loss_call(call, "sigint"), pytest.raises(Interrupted):
        solve(path, out_dir=out, progress=QUIET)
    assert not (out / "metrics.json").exists()
    solve(path, out_dir=out, resume=True, progress=QUIET)
    resumed = load_checkpoint(out / "checkpoint.pt")
    assert same_run(reference, resumed) == []
    assert resumed["complete"] and json.loads((out / "metrics.json").read_text())["status"] == "complete"


@pytest.mark.parametrize("optimizer, nan_from, good_step", [
    ("adam", 23, 21),   # log blocks end at steps 7, 14, 21, 28: the NaN at step 23 is seen at 28
    ("lbfgs", 40, None),
    ("bfgs", 40, None),
])
def test_divergence_keeps_the_last_finite_state_with_its_step(tmp_path, optimizer, nan_from, good_step):
    path = tmp_path / "run.yaml"
    path.write_text(config_text(optimizer))
    out = tmp_path / "out"
    with at_loss_call(nan_from, "nan"):
        assert main(["solve", str(path), "--out", str(out)]) == 4
    saved = load_checkpoint(out / "checkpoint.pt")
    assert all(torch.isfinite(t).all() for t in saved["model"].values())
    stage, step = saved["position"]["stage"], saved["position"]["step"]
    assert stage == (0 if optimizer == "adam" else 1) and (good_step is None or step == good_step)
    assert json.loads((out / "metrics.json").read_text())["status"] == "diverged"
    # the saved weights are the state an uninterrupted run has after that many steps
    shorter = config_text(optimizer).replace("steps: 60", f"steps: {step}")
    (tmp_path / "short.yaml").write_text(shorter)
    solve(tmp_path / "short.yaml", out_dir=tmp_path / "short", progress=QUIET)
    expected = load_checkpoint(tmp_path / "short" / "checkpoint.pt")["model"]
    assert all(torch.equal(saved["model"][k], expected[k]) for k in expected)
    # the advice is a smaller learning rate: a resume with one is accepted and finishes
    lowered = config_text(optimizer).replace("steps: 60}", "steps: 60, lr: 0.5}" if optimizer != "adam"
                                             else "steps: 60, lr: 0.0005}")
    path.write_text(lowered)
    assert main(["solve", str(path), "--out", str(out), "--resume"]) == 0


def test_an_equation_that_is_not_finite_is_refused_before_training(tmp_path, capsys):
    path = tmp_path / "sqrt.yaml"
    path.write_text("name: sqrt\nproblem:\n  type: expression\n  domain: [[0, 1]]\n"
                    "  equation: \"u_xx + sqrt(x - 0.5)\"\n"
                    "  boundary: [{at: \"x = 0\", type: dirichlet}, {at: \"x = 1\", type: dirichlet}]\n")
    for command in ("check", "solve"):
        assert main([command, str(path)]) == 2
        err = capsys.readouterr().err
        assert "residual term is nan at x = " in err and "not finite" in err, err


CORRUPT = {
    "garbage": os.urandom(300),
    "empty": b"",
    "text": b"name: not a checkpoint\n",
    "truncated": None,  # the first half of a real checkpoint
    "foreign": None,    # a readable torch file that is not a pinn checkpoint
    "malicious": None,  # a pickle that would run a command when unpickled without weights_only
}


@pytest.mark.parametrize("kind", list(CORRUPT))
def test_a_damaged_or_foreign_checkpoint_is_refused_in_one_line(uninterrupted, tmp_path, kind, capsys):
    path, _ = uninterrupted["adam"]
    out = tmp_path / "out"
    out.mkdir()
    target, marker = out / "checkpoint.pt", tmp_path / "executed"
    real = (path.parent / "out" / "checkpoint.pt").read_bytes()
    content = {"truncated": real[:len(real) // 2], "foreign": None, "malicious": None}.get(kind, CORRUPT[kind])
    if kind == "foreign":
        torch.save({"weights": torch.zeros(3)}, target)
    elif kind == "malicious":
        class Exploit:
            def __reduce__(self):
                return os.system, (f"touch {marker}",)
        target.write_bytes(pickle.dumps({"model": Exploit()}))
    else:
        target.write_bytes(content)
    assert main(["solve", str(path), "--out", str(out), "--resume"]) == 2
    err = capsys.readouterr().err
    assert "checkpoint" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not marker.exists()


def test_a_failure_while_scoring_keeps_the_training_and_resume_scores_it(uninterrupted, tmp_path, monkeypatch,
                                                                       capsys):
    path, _ = uninterrupted["adam"]
    out = tmp_path / "out"
    with monkeypatch.context() as patch:
        patch.setattr(report, "evaluate", lambda *a, **k: 1 / 0)
        assert main(["solve", str(path), "--out", str(out)]) == 5
    assert "--resume scores it again" in capsys.readouterr().err
    assert load_checkpoint(out / "checkpoint.pt")["complete"]
    assert json.loads((out / "metrics.json").read_text())["status"] == "trained"
    with at_loss_call(1, "sigint") as calls:  # would interrupt any training
        assert main(["solve", str(path), "--out", str(out), "--resume", "--device", "cpu"]) == 0
    assert calls["n"] == 0
    expected = json.loads((path.parent / "out" / "metrics.json").read_text())["rel_l2"]
    assert json.loads((out / "metrics.json").read_text())["rel_l2"] == expected


def test_a_figure_that_fails_is_reported_and_the_rest_is_written(tmp_path, monkeypatch):
    path = tmp_path / "run.yaml"
    path.write_text(config_text("adam"))
    monkeypatch.setattr(report, "loss_figure", lambda *a, **k: 1 / 0)
    result = solve(path, out_dir=tmp_path / "out", progress=QUIET)
    assert "ZeroDivisionError" in result.metrics["report_errors"][0]
    assert json.loads((tmp_path / "out" / "metrics.json").read_text())["status"] == "complete"


def test_a_busy_run_folder_is_refused(tmp_path, capsys):
    path = tmp_path / "run.yaml"
    path.write_text(config_text("adam"))
    out = tmp_path / "out"
    with run_folder.lock(out):
        assert main(["solve", str(path), "--out", str(out)]) == 2
    assert "another pinn run" in capsys.readouterr().err


def test_a_new_run_clears_the_last_runs_results_and_temporaries(tmp_path):
    path = tmp_path / "run.yaml"
    path.write_text(config_text("adam"))
    out = tmp_path / "out"
    out.mkdir()
    for name in ("metrics.json", "solution.png", ".metrics.json.abc.tmp"):
        (out / name).write_text("from an earlier run")
    with at_loss_call(5, "sigint"), pytest.raises(Interrupted):
        solve(path, out_dir=out, progress=QUIET)
    assert sorted(p.name for p in out.iterdir()) == [".lock", "checkpoint.pt", "config.yaml"]
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE((out / "config.yaml").stat().st_mode) == 0o666 & ~mask


def test_resume_accepts_settings_that_do_not_change_the_mathematics(tmp_path):
    path = tmp_path / "run.yaml"
    text = config_text("adam")
    path.write_text(text)
    out = tmp_path / "out"
    with at_loss_call(10, "sigint"), pytest.raises(Interrupted):
        solve(path, out_dir=out, progress=QUIET)
    path.write_text(text.replace("log_every: 7", "log_every: 3\n  threads: 1\n  device: cpu")
                    .replace("{type: poisson1d}", "{type: poisson1d, reference: none}"))
    assert solve(path, out_dir=out, resume=True, progress=QUIET).metrics["reference"] == "none"


def test_sigterm_is_an_interrupt_too(uninterrupted, tmp_path):
    path, reference = uninterrupted["lbfgs"]
    out = tmp_path / "out"
    original = os.kill
    with at_loss_call(40, "sigint"), pytest.MonkeyPatch.context() as patch:
        patch.setattr(os, "kill", lambda pid, _: original(pid, signal.SIGTERM))
        assert main(["solve", str(path), "--out", str(out)]) == 130
    solve(path, out_dir=out, resume=True, progress=QUIET)
    assert same_run(reference, load_checkpoint(out / "checkpoint.pt")) == []


def test_signals_while_the_checkpoint_is_written_do_not_break_it(uninterrupted, tmp_path, monkeypatch):
    """Two Ctrl-C in the middle of writing the first stage's checkpoint: the write finishes, the run
    stops at the next step, and the resumed run is the uninterrupted one."""
    path, reference = uninterrupted["bfgs"]
    out = tmp_path / "out"
    original, saves = checkpoint_module.save, {"n": 0}

    def interrupted_save(*args):
        saves["n"] += 1
        if saves["n"] == 1:
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
        original(*args)
    monkeypatch.setattr(checkpoint_module, "save", interrupted_save)
    with pytest.raises(Interrupted):
        solve(path, out_dir=out, progress=QUIET)
    assert load_checkpoint(out / "checkpoint.pt")["position"]["stage"] == 1  # the end of stage 1, saved
    monkeypatch.setattr(checkpoint_module, "save", original)
    solve(path, out_dir=out, resume=True, progress=QUIET)
    assert same_run(reference, load_checkpoint(out / "checkpoint.pt")) == []


def test_an_interrupt_before_training_changes_nothing(uninterrupted, tmp_path, monkeypatch, capsys):
    path, _ = uninterrupted["adam"]
    out = tmp_path / "out"
    solve(path, out_dir=out, progress=QUIET)
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    original = plan_module.validate

    def interrupted(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        return original(*args, **kwargs)
    monkeypatch.setattr(solve_module, "validate", interrupted)
    assert main(["solve", str(path), "--out", str(out)]) == 130
    assert "before training started" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_bad_command_line_values_are_one_line_errors(uninterrupted, tmp_path, capsys):
    path, _ = uninterrupted["adam"]
    (tmp_path / "a-file").write_text("not a folder")
    assert main(["solve", str(path), "--out", str(tmp_path / "a-file")]) == 2
    assert "is not a folder" in capsys.readouterr().err
    for scale in ("inf", "nan", "0"):
        assert main(["solve", str(path), "--steps-scale", scale, "--out", str(tmp_path / "out")]) == 2
        assert "--steps-scale: got" in capsys.readouterr().err

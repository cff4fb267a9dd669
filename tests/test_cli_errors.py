"""Bad input -> exit 2 with one clear line naming the file and key path; no traceback."""
import subprocess
import sys

import pytest

from pinn.app.cli import main

GOOD = """\
name: t
problem: {type: poisson1d, params: {k: 1}}
network: {layers: [8, 8], activation: tanh}
training:
  stages: [{optimizer: adam, steps: 2}]
"""

BAD = {
    "yaml syntax": (GOOD.replace("[8, 8]", "[8, 8"), ["bad.yaml:", "not valid YAML"]),
    "unknown key": (GOOD.replace("activation: tanh", "activaton: tanh"),
                    ["bad.yaml:3", "network.activaton", "activation"]),
    "wrong type": (GOOD.replace("steps: 2", "steps: many"), ["training.stages[0].steps", "'many'", "integer"]),
    "negative width": (GOOD.replace("[8, 8]", "[8, -8]"), ["network.layers[1]", "got -8", "integer >= 1"]),
    "unknown activation": (GOOD.replace("activation: tanh", "activation: tahn"),
                           ["network.activation", "'tahn'", "did you mean 'tanh'"]),
    "unknown problem": (GOOD.replace("type: poisson1d", "type: poison1d"),
                        ["problem.type", "'poison1d'", "poisson1d"]),
    "bad problem parameter": (GOOD.replace("k: 1", "k: 0"), ["problem.params.k", "0"]),
    "adam given an L-BFGS key": (GOOD.replace("steps: 2", "steps: 2, history: 5"),
                                 ["training.stages[0].history", "L-BFGS"]),
    "bfgs given an L-BFGS key": (GOOD.replace("optimizer: adam, steps: 2", "optimizer: bfgs, steps: 2, history: 5"),
                                 ["training.stages[0].history", "L-BFGS setting", "this bfgs stage takes"]),
    "bfgs on a network too large for it": (
        GOOD.replace("[8, 8]", "[200, 200]").replace("optimizer: adam", "optimizer: bfgs"),
        ["bad.yaml: training.stages[0].optimizer", "n = 40801", "use lbfgs"]),
    "not a mapping": ("- just\n- a list\n", ["bad.yaml", "mapping"]),
    "bad stage parameter": (GOOD.replace("steps: 2}", "steps: 2, params: {k: -1}}"),
                            ["bad.yaml:5", "training.stages[0].params.k", "got -1", "> 0"]),
    "unknown stage parameter": (GOOD.replace("steps: 2}", "steps: 2, params: {kk: 2}}"),
                                ["training.stages[0].params.kk", "did you mean 'k'"]),
    "stage mu without a constraint": (GOOD.replace("steps: 2}", "steps: 2, mu: 10}"),
                                      ["training.stages[0].mu", "only for obstacle problems"]),
    "negative stage mu": (GOOD.replace("poisson1d, params: {k: 1}", "tent1d").replace("steps: 2}", "steps: 2, mu: -1}"),
                          ["training.stages[0].mu", "got -1", "> 0"]),
    "penalty for a formulation without one": (
        GOOD.replace("poisson1d, params: {k: 1}", "tent1d") + "constraint: {formulation: fischer-burmeister, penalty: relu}\n",
        ["bad.yaml:6", "constraint.penalty", "not used by formulation fischer-burmeister"]),
}


def run(argv, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("case", BAD, ids=list(BAD))
def test_bad_config_exits_2_with_one_line(case, tmp_path, capsys):
    text, fragments = BAD[case]
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    for command in ("check", "solve"):
        code, out, err = run([command, str(path), "--out", str(tmp_path / "out")][:2 if command == "check" else 4],
                             capsys)
        assert code == 2
        assert len(err.strip().splitlines()) == 1, err
        for fragment in fragments:
            assert fragment in err, (fragment, err)
    assert not (tmp_path / "out").exists()  # nothing trained, nothing written


def test_missing_file_exits_2(tmp_path, capsys):
    code, _, err = run(["solve", str(tmp_path / "nope.yaml")], capsys)
    assert code == 2 and "nope.yaml: no such file" in err


def test_bad_override_flags_exit_2(tmp_path, capsys, configs):
    assert run(["solve", str(configs / "poisson1d.yaml"), "--dtype", "float16"], capsys)[0] == 2
    assert run(["solve", str(configs / "poisson1d.yaml"), "--steps-scale", "0"], capsys)[0] == 2


def test_python_dash_m_prints_no_traceback(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace("[8, 8]", "[8, -8]"))
    done = subprocess.run([sys.executable, "-m", "pinn", "check", str(path)], capture_output=True, text=True)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr and "network.layers" in done.stderr


def test_check_refuses_relu_with_exit_3_and_trains_nothing(configs, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["check", str(configs / "poisson1d_relu.yaml")], capsys)
    assert code == 3
    assert "C^0" in err and "suitable: tanh" in err
    assert run(["solve", str(configs / "poisson1d_relu.yaml")], capsys)[0] == 3
    assert not (tmp_path / "outputs").exists()


def test_check_accepts_the_shipped_configs(configs, capsys):
    for path in sorted(configs.glob("*.yaml")):
        if "relu" not in path.stem:
            assert run(["check", str(path)], capsys)[0] == 0, path


def test_list_shows_problems_and_smoothness(capsys):
    code, out, _ = run(["list"], capsys)
    assert code == 0
    assert "poisson1d" in out and "relu" in out and "C^0" in out and "C^inf" in out

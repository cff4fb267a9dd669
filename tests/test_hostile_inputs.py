"""Hostile and mistaken configurations (tests/hostile.py): ``check`` and ``solve`` answer each one
the same way, in one line, within seconds, and never with a traceback."""
import re
import signal

import pytest
from hostile import CASES, DATA_CASES

from pinn.app.cli import main

LIMIT = 10  # seconds for one command: anything slower counts as a hang


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang


def run(command: str, path, out, capsys) -> tuple[int, str]:
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(LIMIT)
    try:
        args = [command, str(path)] + (["--out", str(out)] if command == "solve" else [])
        code = main(args)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    return code, capsys.readouterr().err


@pytest.mark.parametrize("case", list(CASES))
def test_check_and_solve_refuse_alike_in_one_line(case, tmp_path, capsys):
    path = tmp_path / "hostile.yaml"
    path.write_text(CASES[case], encoding="utf-8")
    checked, check_err = run("check", path, None, capsys)
    solved, solve_err = run("solve", path, tmp_path / "out", capsys)
    assert checked == solved, (check_err, solve_err)
    assert checked in (2, 3), check_err  # every case is a mistake the package can see
    assert check_err.startswith("pinn check: error: ") and "Traceback" not in check_err + solve_err
    assert check_err.replace("pinn check", "pinn solve") == solve_err
    assert len(check_err) < 2000
    assert not (tmp_path / "out" / "metrics.json").exists()


@pytest.mark.parametrize("case", list(DATA_CASES))
def test_data_files_and_conditions_refused_alike_in_one_line(case, tmp_path, capsys):
    """Round two (measurement files, options, initial conditions): each was a traceback, a hang or
    a run with a wrong answer; now one located line, the same from check and solve."""
    text, files, fragment = DATA_CASES[case]
    for name, content in files.items():
        (tmp_path / name).write_bytes(content() if callable(content) else content)
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    checked, check_err = run("check", path, None, capsys)
    solved, solve_err = run("solve", path, tmp_path / "out", capsys)
    assert checked == solved == 2, (check_err, solve_err)
    assert check_err.startswith("pinn check: error: ") and "Traceback" not in check_err + solve_err
    free = re.compile(r"\d[\d.]*")  # the machine's free memory (and what fits in it) moves between the two
    assert free.sub("", check_err.replace("pinn check", "pinn solve")) == free.sub("", solve_err)
    assert fragment in check_err, check_err
    assert len(check_err) < 2000 and "root:/root" not in check_err and "daemon" not in check_err
    assert not (tmp_path / "out" / "metrics.json").exists()

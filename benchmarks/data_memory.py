"""Memory of the largest measurement file pinn accepts: peak resident memory of ``pinn check`` and of
``pinn solve`` (a short schedule, then the intervals) on an inverse problem with N measurements.

    python benchmarks/data_memory.py [--rows 1000000] [--steps 20]

The file holds Bratu's exact solution at N points with 1 % noise (configs/inverse_bratu1d.yaml's
problem and 32×3 network). pinn reads at most 10⁶ rows (pinn.app.data.MAX_ROWS); below that the limit
is the machine's memory: ``pinn check`` refuses a file whose rows the training step cannot hold
(about 3 kB a row for a 32×3 network in float64), saying how many fit. Prints the rows, the file's
size, the memory pinn estimated, and each command's exit code, seconds and peak memory.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
LAMBDA_ROOT = 2.3575510538774016  # θ of Bratu's lower branch at λ = 2 (configs/inverse_bratu1d.yaml)
MEASURE = ("import resource, subprocess, sys; code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
           "stderr=subprocess.DEVNULL).returncode; print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def measurements(rows: int, folder: Path) -> Path:
    rng = np.random.default_rng(0)
    x = rng.uniform(0.0, 1.0, rows)
    u = -2 * np.log(np.cosh((x - 0.5) * LAMBDA_ROOT / 2) / np.cosh(LAMBDA_ROOT / 4))
    path = folder / "bratu.npz"
    np.savez(path, x=x, u=u + 0.01 * np.abs(u).max() * rng.standard_normal(rows))
    return path


def config(folder: Path, data: Path, steps: int) -> Path:
    text = (ROOT / "configs" / "inverse_bratu1d.yaml").read_text()
    text = text.replace("data/bratu1d_lambda.csv", str(data))
    text += f"  stages: [{{optimizer: adam, steps: {steps}, freeze: [lam]}}, {{optimizer: bfgs, steps: {steps}}}]\n"
    path = folder / "big.yaml"
    path.write_text(text)
    return path


def peak(command: list[str]) -> tuple[int, float, float]:
    """(exit code, seconds, peak resident memory in GB) of ``command`` in a child process."""
    began = time.perf_counter()
    code, kilobytes = subprocess.run([sys.executable, "-c", MEASURE, *command], capture_output=True, text=True,
                                     check=True).stdout.split()
    return int(code), time.perf_counter() - began, int(kilobytes) / 1e6


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=20)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    import torch

    from pinn.app.config import load
    from pinn.app.plan import available_memory, memory_estimate, validate
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        data = measurements(args.rows, folder)
        path = config(folder, data, args.steps)
        plan = validate(load(path))
        print(f"{args.rows} measurements, {data.stat().st_size / 1e6:.1f} MB NPZ; pinn's estimate "
              f"{memory_estimate(plan.cfg, plan.problem) / 1e9:.2f} GB of {available_memory(torch.device('cpu')) / 1e9:.1f} "
              f"GB available", flush=True)
        for name, command in (("check", ["pinn", "check", str(path)]),
                              ("solve", ["pinn", "solve", str(path), "--out", str(folder / "out")])):
            code, seconds, gigabytes = peak(command)
            print(f"pinn {name}: exit {code}, {seconds:.1f} s, peak resident memory {gigabytes:.2f} GB", flush=True)


if __name__ == "__main__":
    main()

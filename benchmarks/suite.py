"""Time to accuracy for every shipped config, and against DeepXDE on P1, P2 (k = 4) and P3 (ε = 0.05).

    python benchmarks/suite.py [--configs poisson1d,radial2d] [--peers DIR] [--peer-threads 1]

For each config: the final rel L2, the training time at which rel L2 first reached 10× the final
error (how long the run needs to be nearly done), and, where the issue sets a bar, the time to
reach it. Errors are scored at every logging point (10 Adam steps, each L-BFGS chunk) with the
scoring time taken off the clock (benchmarks/watch.py).

``--peers DIR`` is a folder of peer scripts (bench_deepxde.py) with its venv made as its README says (DeepXDE
1.15 installed). DeepXDE float64 then runs on the same problems in the same session, each right
after ours, and the ratios printed are  DeepXDE's time to its final error ÷ our time to the bar.
Without ``--peers`` (or without DeepXDE in that venv) those rows are skipped with a message.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

import torch
from watch import ROOT, first_time_at, trace

#: config -> the issue's bar on rel L2 (and the peer problem it is the same as)
BARS = {"poisson1d": 1e-6, "poisson1d_k4": 1e-5, "layer1d_eps0.05": 1e-5}
PEER_PROBLEMS = {"poisson1d": "P1", "poisson1d_k4": "P2", "layer1d_eps0.05": "P3"}


def run_deepxde(peers: Path, problem: str, threads: int) -> dict | None:
    python = peers / "venv" / "bin" / "python"
    if not (peers / "bench_deepxde.py").exists() or not python.exists():
        print(f"  (no peers at {peers}: put the peer scripts and their venv there)")
        return None
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "results.jsonl"
        done = subprocess.run([str(python), "bench_deepxde.py", "--problem", problem, "--dtype", "float64",
                               "--threads", str(threads), "--out", str(out)], cwd=peers,
                              env={**os.environ, "DDE_BACKEND": "pytorch"}, capture_output=True, text=True)
        if done.returncode != 0 or not out.exists():
            print(f"  (DeepXDE did not run: {done.stderr.strip().splitlines()[-1:]})")
            return None
        return json.loads(out.read_text().splitlines()[-1])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--configs", help="comma-separated config names (default: all shipped)")
    parser.add_argument("--peers", type=Path, help="a folder holding bench_deepxde.py and a venv with DeepXDE")
    parser.add_argument("--peer-threads", type=int, default=1,
                        help="torch threads for DeepXDE (ours choose 1 for batches this small)")
    parser.add_argument("--steps-scale", type=float, default=1.0, help="shorter schedules (a smoke run)")
    args = parser.parse_args(argv)
    names = args.configs.split(",") if args.configs else sorted(p.stem for p in (ROOT / "configs").glob("*.yaml"))
    names = [n for n in names if n != "poisson1d_relu"]  # refused by design (C^0 body)
    torch.set_num_threads(1)
    print(f"{'config':<24} {'final rel L2':>12} {'train s':>8} {'t(10x final)':>12} {'bar':>7} {'t(bar)':>8}"
          f"  | DeepXDE f64: {'rel L2':>8} {'s':>6}  ratio")
    for name in names:
        points, metrics = trace(ROOT / "configs" / f"{name}.yaml", scale=args.steps_scale)
        final = metrics.get("rel_l2")
        if final is None:
            print(f"{name:<24} (no reference solution)")
            continue
        ten = first_time_at(points, 10 * final)
        bar = BARS.get(name)
        at_bar = first_time_at(points, bar) if bar else None
        row = (f"{name:<24} {final:>12.2e} {metrics['train_seconds']:>8.1f} {ten:>12.2f} "
               f"{(f'{bar:.0e}' if bar else '-'):>7} {(f'{at_bar:.2f}' if at_bar else '-'):>8}")
        peer = PEER_PROBLEMS.get(name)
        if peer and args.peers:
            theirs = run_deepxde(args.peers, peer, args.peer_threads)
            if theirs:
                seconds = theirs["adam_wall"] + theirs.get("lbfgs_wall", 0.0)
                ratio = f"{seconds / at_bar:.1f}x" if at_bar else "bar not reached"
                row += f"  | {peer}: {theirs['err_final']:>8.2e} {seconds:>6.1f}  {ratio}"
        print(row, flush=True)


if __name__ == "__main__":
    main()

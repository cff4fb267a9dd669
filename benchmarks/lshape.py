"""DeepXDE's published L-shape problem (−Δu = 1, u = 0; examples/pinn_forward/Poisson_Lshape.py)
beside configs/lshape_load.yaml, both scored against the same finite-element reference while they
train, in one session.

    python benchmarks/lshape.py --peer-python VENV/bin/python [--peer-dtype float32] [--steps-scale S]

``--peer-python`` is the python of a venv with DeepXDE 1.15 and torch (not a dependency of pinn;
the peer script is benchmarks/peers/deepxde_lshape.py). Both run on one thread. Prints each one's
final rel L2 and training seconds, the time each first reached DeepXDE's final error, and their
ratio (DeepXDE's time to its own final error ÷ ours). Without ``--peer-python`` only ours runs.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import torch
from watch import ROOT, first_time_at, trace

from pinn import load
from pinn.app.plan import validate
from pinn.problems.references import fem

CONFIG = ROOT / "configs" / "lshape_load.yaml"
PEER = Path(__file__).resolve().parent / "peers" / "deepxde_lshape.py"


def reference(path: Path) -> None:
    """The finite-element reference at the test mesh's nodes, with its weights, into ``path``."""
    problem = validate(load(CONFIG)).problem
    nodes, _, weights = problem.domain.test_mesh
    values = fem.solve_on_shape(problem, problem.fem_form).values
    np.savez(path, nodes=nodes, weights=weights, values=values)


def run_peer(python: str, dtype: str, adam: int, folder: Path) -> list[tuple[float, float]]:
    """DeepXDE's (seconds, rel L2) points."""
    out = folder / "deepxde.jsonl"
    done = subprocess.run([python, str(PEER), "--reference", str(folder / "reference.npz"), "--out", str(out),
                           "--dtype", dtype, "--threads", "1", "--adam", str(adam)],
                          env={**os.environ, "DDE_BACKEND": "pytorch"}, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"DeepXDE did not run: {done.stderr.strip().splitlines()[-1:]}")
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    return [(r["seconds"], r["rel_l2"]) for r in rows]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer-python", help="python of a venv with DeepXDE 1.15")
    parser.add_argument("--peer-dtype", default="float32", help="DeepXDE's float (its default: float32)")
    parser.add_argument("--steps-scale", type=float, default=1.0, help="shorter schedules, both (a smoke run)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    ours, metrics = trace(CONFIG, scale=args.steps_scale)
    print(f"pinn     rel L2 {metrics['rel_l2']:.2e} in {metrics['train_seconds']:.1f} s "
          f"(the reference's two meshes differ by {metrics['reference_mesh_difference']:.1e})")
    if not args.peer_python:
        print("DeepXDE: not run (no --peer-python)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        reference(Path(tmp) / "reference.npz")
        peer = run_peer(args.peer_python, args.peer_dtype, max(1, round(50000 * args.steps_scale)), Path(tmp))
    final = peer[-1][1]
    theirs, mine = first_time_at(peer, final), first_time_at(ours, final)
    print(f"DeepXDE  rel L2 {final:.2e} in {peer[-1][0]:.1f} s ({args.peer_dtype}); its error first reached "
          f"at {theirs:.1f} s")
    if mine is None:
        print(f"pinn never reached DeepXDE's error {final:.2e}")
    else:
        print(f"pinn reached it at {mine:.1f} s: {theirs / mine:.1f}x sooner; final error "
              f"{final / metrics['rel_l2']:.1f}x lower")


if __name__ == "__main__":
    main()

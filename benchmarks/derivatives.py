"""Training-step cost of the derivative paths, as ratios measured in one run.

    python benchmarks/derivatives.py [--repeats 7] [--compile] [--sizes 1000,10000,100000]
    python benchmarks/derivatives.py --omp        # OMP_WAIT_POLICY active vs passive, 2 threads

One step = loss + backward + Adam step on a shipped config's network and loss, at fixed points:

* ``nested``  — nested reverse-mode autograd on u = model(x), through the exact-boundary transform
  (what a PINN code usually does);
* ``autograd`` — ours with ``training.derivatives: autograd``: the transform's g and d
  differentiated once per batch (Leibniz rule), the body by nested autograd;
* ``taylor``  — ours by default: the body's derivatives by one Taylor-mode pass (pinn.core.taylor);
* ``compiled`` (``--compile``) — the Taylor pass under torch.compile; its compile time is printed
  separately.

Timings are interleaved (each round times every path once) and the ratios are medians of the
per-round ratios, so they hold on a noisy machine. 1 thread unless ``--threads``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import torch
from watch import ROOT

from pinn import load  # noqa: E402
from pinn.app.config import StageConfig  # noqa: E402
from pinn.app.plan import build_formulation, build_model, check_problem  # noqa: E402
from pinn.core.field import Field  # noqa: E402
from pinn.method.closure import Closure  # noqa: E402
from pinn.method.losses import PinnLoss, collocation  # noqa: E402
from pinn.method.optimizers import OPTIMIZERS  # noqa: E402
from pinn.method.trainables import Trainables  # noqa: E402


class NestedLoss(PinnLoss):
    """The textbook path: differentiate u = model(x) itself, transform included."""

    def fields(self, model, x):
        u = Field(x, model(x))
        return u, u


def step_function(name: str, n: int, path: str):
    """A closure running one Adam step of config ``name`` with ``n`` interior points on ``path``."""
    # an adaptive config (radial2d) needs at least as many candidates as points
    cfg = load(ROOT / "configs" / f"{name}.yaml", {"training.points.interior": n,
                                                    "training.points.candidates": max(n, 8192)})
    problem, make_activation, _ = check_problem(cfg)
    model, soft = build_model(cfg, problem, make_activation, torch.device("cpu"), torch.float64)
    formulation = build_formulation(cfg)
    trainables = Trainables(model, formulation.penalty.to(dtype=torch.float64) if formulation else None)
    points = cfg.training.points
    batch = collocation(problem, soft, n, points.boundary, points.sampler, 0, torch.float64, torch.device("cpu"))
    weights = cfg.training.weights
    if path == "nested":
        loss = NestedLoss(problem, batch, weights, formulation)
    else:
        loss = PinnLoss(problem, batch, weights, formulation, "autograd" if path == "autograd" else "taylor",
                        compile=path == "compiled")
    compile_seconds = loss.build_taylor(Closure(loss, trainables))
    optimizer = OPTIMIZERS["adam"].build(trainables.moved(), StageConfig("adam", 1, lr=1e-3))

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss(trainables).total.backward()
        optimizer.step()
    step.compile_seconds = compile_seconds
    return step


def seconds_per_step(step, inner: int) -> float:
    began = time.perf_counter()
    for _ in range(inner):
        step()
    return (time.perf_counter() - began) / inner


def compare(name: str, n: int, paths, repeats: int):
    steps = {p: step_function(name, n, p) for p in paths}
    for step in steps.values():  # warm-up (allocator, first backward)
        step()
    inner = max(1, round(2e4 / n))
    rounds = [{p: seconds_per_step(steps[p], inner) for p in paths} for _ in range(repeats)]
    median = {p: statistics.median(r[p] for r in rounds) for p in paths}
    ratio = {p: statistics.median(r["nested"] / r[p] for r in rounds) for p in paths}
    timings = "  ".join(f"{p} {median[p] * 1e3:8.2f} ms ({ratio[p]:.2f}x)" for p in paths)
    extra = f"  compile {steps['compiled'].compile_seconds:.0f} s" if "compiled" in steps else ""
    print(f"{name:<18} N={n:<7} {timings}{extra}", flush=True)
    return median


def omp_policy(repeats: int):
    """radial2d at N = 1e4 with 2 threads, in fresh processes with each OMP_WAIT_POLICY."""
    for policy in ("ACTIVE", "PASSIVE") * 2:
        code = (f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); import derivatives as d, torch, statistics; "
                f"torch.set_num_threads(2); s = d.step_function('radial2d', 10000, 'taylor'); s(); "
                f"t = sorted(d.seconds_per_step(s, 1) for _ in range({repeats * 5})); "
                f"print(f'{{statistics.median(t) * 1e3:.1f}} ms median, {{t[int(0.9 * len(t))] * 1e3:.1f}} ms p90')")
        out = subprocess.run([sys.executable, "-c", code], env={**os.environ, "OMP_WAIT_POLICY": policy},
                             capture_output=True, text=True)
        print(f"radial2d N=10000, 2 threads, OMP_WAIT_POLICY={policy:<8}: {out.stdout.strip() or out.stderr[-300:]}",
              flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--compile", action="store_true", help="also time the compiled Taylor pass")
    parser.add_argument("--sizes", default="1000,10000,100000", help="radial2d interior point counts")
    parser.add_argument("--omp", action="store_true", help="only the OMP_WAIT_POLICY comparison")
    parser.add_argument("--small", default="128,4096", help="1D point counts (poisson1d; beam1d at the first)")
    args = parser.parse_args(argv)
    if args.omp:
        return omp_policy(args.repeats)
    torch.set_num_threads(args.threads)
    paths = ["nested", "autograd", "taylor", *(["compiled"] if args.compile else [])]
    print(f"one Adam step, float64, {args.threads} thread(s), median of {args.repeats} interleaved rounds; "
          f"(speed-up over nested)")
    small = [int(s) for s in args.small.split(",")]
    for name, n in [*(("poisson1d", n) for n in small), ("beam1d_clamped", small[0])]:
        compare(name, n, paths, args.repeats)
    sizes = [int(s) for s in args.sizes.split(",")]
    scaling = {n: compare("radial2d", n, paths, args.repeats) for n in sizes}
    first = sizes[0]
    print("radial2d cost per point relative to N=%d: " % first + ", ".join(
        f"N={n}: " + "/".join(f"{scaling[n][p] / n / (scaling[first][p] / first):.2f}" for p in paths)
        for n in sizes) + f"  ({'/'.join(paths)})")


if __name__ == "__main__":
    main()

"""P1 (−u'' = π² sin(πx), exact sin(πx)): time to accuracy, and step time against plain autograd.

    python benchmarks/poisson1d.py [--repeats 7]

1. Trains the shipped ``configs/poisson1d.yaml`` and prints the training time at which rel L2
   first falls to 1e-4 (checked every 10 Adam steps / every L-BFGS chunk; the checks' own time is
   not counted) and the final error.
2. Times one Adam training step of our derivative path (MLP with input scaling and exact
   Dirichlet transform, pinn.diff.Field, PinnLoss) against a plain nested-autograd step (the same
   1-32-32-32-1 tanh MLP, u_xx by two torch.autograd.grad calls, Adam) at N = 128 and N = 4096,
   interleaved in one run; prints medians and their ratio, so the figure holds on a noisy machine.
"""
from __future__ import annotations

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pinn import load  # noqa: E402
from pinn.losses import PinnLoss, collocation  # noqa: E402
from pinn.progress import Progress  # noqa: E402
from pinn.report import evaluate  # noqa: E402
from pinn.solve import build_model, prepare  # noqa: E402
from pinn.train import Trainer  # noqa: E402

TARGET = 1e-4


class ErrorWatch(Progress):
    """Progress sink that records (training seconds, rel L2) at every logged block."""

    def __init__(self, problem, dtype):
        super().__init__(enabled=False)
        self.problem, self.dtype, self.model = problem, dtype, None
        self.checks_seconds, self.reached = 0.0, None
        self.began = time.perf_counter()

    def update(self, stage, step, steps, terms, started):
        check_began = time.perf_counter()
        training_seconds = check_began - self.began - self.checks_seconds
        error = evaluate(self.problem, self.model, torch.device("cpu"), self.dtype).metrics["rel_l2"]
        self.checks_seconds += time.perf_counter() - check_began
        if self.reached is None and error <= TARGET:
            self.reached = (training_seconds, stage, step)


def time_to_target(config_path: Path):
    cfg = load(config_path, {"training.log_every": 10})
    problem, make_activation, _ = prepare(cfg)
    dtype = getattr(torch, cfg.training.dtype)
    model, soft = build_model(cfg, problem, make_activation, torch.device("cpu"), dtype)
    points = cfg.training.points
    batch = collocation(problem, soft, points.interior, points.boundary, points.sampler, cfg.training.seed,
                        dtype, torch.device("cpu"))
    watch = ErrorWatch(problem, dtype)
    watch.model = model
    torch.set_num_threads(1)
    trainer = Trainer(model, PinnLoss(problem, batch, cfg.training.weights), cfg.training.stages,
                      lambda checkpoint: None, watch, cfg.training.log_every)
    trainer._build_optimizer(cfg.training.stages[0])  # import torch._dynamo outside the clock
    watch.began, watch.checks_seconds = time.perf_counter(), 0.0
    history = trainer.fit()
    final = evaluate(problem, model, torch.device("cpu"), dtype).metrics
    return watch.reached, final, sum(s.seconds for s in history.stages)


def plain_step_fn(n: int, dtype):
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(1, 32), torch.nn.Tanh(), torch.nn.Linear(32, 32), torch.nn.Tanh(),
                              torch.nn.Linear(32, 32), torch.nn.Tanh(), torch.nn.Linear(32, 1)).to(dtype)
    x = torch.rand(n, 1, dtype=dtype).requires_grad_(True)
    f = math.pi ** 2 * torch.sin(math.pi * x.detach())
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    def step():
        opt.zero_grad(set_to_none=True)
        u = net(x)
        (u_x,) = torch.autograd.grad(u, x, torch.ones_like(u), create_graph=True)
        (u_xx,) = torch.autograd.grad(u_x, x, torch.ones_like(u_x), create_graph=True)
        loss = (-u_xx - f).square().mean()
        loss.backward()
        opt.step()
    return step


def ours_step_fn(n: int, dtype, config_path: Path):
    cfg = load(config_path, {"training.points.interior": n})
    problem, make_activation, _ = prepare(cfg)
    model, soft = build_model(cfg, problem, make_activation, torch.device("cpu"), dtype)
    points = cfg.training.points
    batch = collocation(problem, soft, n, points.boundary, points.sampler, 0, dtype, torch.device("cpu"))
    loss = PinnLoss(problem, batch, cfg.training.weights)
    trainer = Trainer(model, loss, cfg.training.stages, lambda c: None, Progress(enabled=False))
    opt = trainer._build_optimizer(cfg.training.stages[0])

    def step():
        opt.zero_grad(set_to_none=True)
        loss(model).total.backward()
        opt.step()
    return step


def median_ms(step, repeats: int, inner: int) -> float:
    for _ in range(inner):
        step()
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            step()
        samples.append((time.perf_counter() - t0) / inner * 1e3)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--config", type=Path, default=ROOT / "configs" / "poisson1d.yaml")
    args = parser.parse_args()
    dtype = torch.float64

    reached, final, seconds = time_to_target(args.config)
    where = f"{reached[0]:.2f} s ({reached[1]} step {reached[2]})" if reached else "not reached"
    print(f"P1 {args.config.name}: rel L2 <= {TARGET:g} after {where}; final rel L2 {final['rel_l2']:.3e}, "
          f"max |error| {final['max_abs_error']:.3e} after {seconds:.2f} s of training (1 thread)")

    print(f"step time, float64, median of {args.repeats}, Adam, {torch.get_num_threads()} thread(s):")
    print(f"  {'N':>6} {'ours ms':>9} {'plain ms':>9} {'ours/plain':>10}")
    for n, threads, inner in ((128, 1, 50), (4096, 1, 5), (4096, 2, 5)):
        torch.set_num_threads(threads)
        ours, plain = ours_step_fn(n, dtype, args.config), plain_step_fn(n, dtype)
        pairs = [(median_ms(ours, 1, inner), median_ms(plain, 1, inner)) for _ in range(args.repeats)]
        o, p = statistics.median(a for a, _ in pairs), statistics.median(b for _, b in pairs)
        ratio = statistics.median(a / b for a, b in pairs)
        print(f"  {n:>6} {o:>9.2f} {p:>9.2f} {ratio:>10.2f}   ({threads} thread{'s' if threads > 1 else ''})")


if __name__ == "__main__":
    main()

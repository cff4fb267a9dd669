"""Fault injection shared by tests/test_faults.py and ``benchmarks/faults.py``: a signal or a NaN at a
chosen loss evaluation, and the comparison of a resumed run with an uninterrupted one."""
from __future__ import annotations

import math
import os
import signal
from contextlib import contextmanager

import torch

from pinn.method.losses import PinnLoss

# One small problem per optimiser under test: Adam alone, and Adam then each quasi-Newton method,
# with a short stall window so that the stall test's chunk state is exercised too.
RUN = """\
name: fault
problem: {{type: poisson1d}}
network: {{layers: [8, 8], activation: tanh}}
training:
  points: {{interior: 16}}
  log_every: 7
  stages: {stages}
"""
STAGES = {
    "adam": "[{optimizer: adam, steps: 60}]",
    "lbfgs": "[{optimizer: adam, steps: 20}, {optimizer: lbfgs, steps: 60, stall_window: 8, min_improvement: 0}]",
    "bfgs": "[{optimizer: adam, steps: 20}, {optimizer: bfgs, steps: 60, stall_window: 8, min_improvement: 0}]",
}
# Evaluations before training: the Taylor path's set-up (PinnLoss.build_taylor) evaluates the loss
# once to learn which derivatives it needs. Calls are counted from the first one in training.
SETUP_CALLS = 1


def config_text(optimizer: str) -> str:
    return RUN.format(stages=STAGES[optimizer])


@contextmanager
def at_loss_call(call: int, action: str):
    """From the ``call``-th loss evaluation in training on (1-based), ``action``: "sigint" sends
    SIGINT once (as Ctrl-C would), "nan" makes every evaluation NaN."""
    original, calls = PinnLoss.__call__, {"n": 0}

    def patched(self, model):
        calls["n"] += 1
        value = original(self, model)
        if calls["n"] <= SETUP_CALLS:
            return value
        if action == "sigint" and calls["n"] - SETUP_CALLS == call:
            os.kill(os.getpid(), signal.SIGINT)
        if action == "nan" and calls["n"] - SETUP_CALLS >= call:
            value.total = value.total * math.nan
            value.terms = {k: v * math.nan for k, v in value.terms.items()}
        return value
    PinnLoss.__call__ = patched
    try:
        yield calls
    finally:
        PinnLoss.__call__ = original


def load_checkpoint(path) -> dict:
    return torch.load(path, weights_only=True)


def same_run(a: dict, b: dict) -> list[str]:
    """What differs between two finished checkpoints (weights, history, stage records but their
    seconds); empty if they are the same to the bit."""
    differences = [f"weights {k}" for k in a["model"] if not torch.equal(a["model"][k], b["model"][k])]
    ha, hb = a["history"], b["history"]
    for key in ("steps", "terms", "stage_starts"):
        if ha[key] != hb[key]:
            differences.append(f"history {key}")
    strip = lambda stages: [{k: v for k, v in s.items() if k != "seconds"} for s in stages]
    if strip(ha["stages"]) != strip(hb["stages"]):
        differences.append("stage records")
    return differences

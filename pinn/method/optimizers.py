"""The optimisers a training stage may name: the ``OPTIMIZERS`` registry (as torchdiffeq's
``SOLVERS``). Each entry declares everything the rest of the package asks of it — the stage keys
it takes, its default learning rate, the largest network it allows and why, the numbers its state
keeps (the memory check), and how it is built. How a stage runs follows from its type:

* :class:`FirstOrder` (Adam): one loss evaluation and one step per iteration, with a snapshot at
  each finite log block to return to on divergence;
* :class:`QuasiNewtonKind` (L-BFGS, BFGS): ``step(closure, should_stop)`` runs iterations with a
  line search, in chunks of ``stall_window`` (:class:`pinn.method.quasi_newton.QuasiNewton`).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from pinn.method import bfgs, lbfgs

QUASI_NEWTON_KEYS = ("tolerance_grad", "tolerance_change", "stall_window", "min_improvement")


@dataclass(frozen=True)
class Optimizer:
    """One registered optimiser. ``keys``: the stage keys it takes (besides ``mu``, ``params`` and
    ``freeze``, which every stage takes); ``label``: its name in messages, with an article."""

    name: str
    label: str
    keys: tuple
    default_lr: float
    max_parameters: int | None = None  # a network with more is refused before training
    size_reason: str = ""              # why, in words, where there is a limit

    def state_numbers(self, n: int, stage) -> int:
        """Numbers the optimiser's state keeps for ``n`` parameters (the memory check)."""
        raise NotImplementedError

    def build(self, params: list, stage) -> torch.optim.Optimizer:
        raise NotImplementedError


class FirstOrder(Optimizer):
    """A gradient step per loss evaluation."""


class QuasiNewtonKind(Optimizer):
    """Iterations with a line search (:class:`pinn.method.quasi_newton.QuasiNewton`)."""


class Adam(FirstOrder):
    def state_numbers(self, n: int, stage) -> int:
        return 2 * n  # first and second moments

    def build(self, params: list, stage) -> torch.optim.Optimizer:
        try:  # fused Adam: one kernel per step instead of a Python loop (154 vs 445 us measured)
            return torch.optim.Adam(params, lr=stage.lr, fused=True)
        except (RuntimeError, TypeError):
            return torch.optim.Adam(params, lr=stage.lr)


class LBFGS(QuasiNewtonKind):
    def state_numbers(self, n: int, stage) -> int:
        return 2 * n * stage.history  # the (s, y) pairs

    def build(self, params: list, stage) -> torch.optim.Optimizer:
        return lbfgs.LBFGS(params, lr=stage.lr, tolerance_grad=stage.tolerance_grad,
                           tolerance_change=stage.tolerance_change, history_size=stage.history)


class BFGS(QuasiNewtonKind):
    def state_numbers(self, n: int, stage) -> int:
        return n * n  # the dense inverse Hessian

    def build(self, params: list, stage) -> torch.optim.Optimizer:
        return bfgs.BFGS(params, lr=stage.lr, tolerance_grad=stage.tolerance_grad,
                         tolerance_change=stage.tolerance_change)


OPTIMIZERS: dict[str, Optimizer] = {o.name: o for o in (
    Adam("adam", "an Adam", ("optimizer", "steps", "lr"), 1e-3),
    LBFGS("lbfgs", "an L-BFGS", ("optimizer", "steps", "lr", "history") + QUASI_NEWTON_KEYS, 1.0),
    BFGS("bfgs", "a BFGS", ("optimizer", "steps", "lr") + QUASI_NEWTON_KEYS, 1.0,
         max_parameters=bfgs.MAX_PARAMETERS, size_reason="keeps a dense n×n inverse Hessian in float64"),
)}

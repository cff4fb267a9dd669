"""L-BFGS: H from the last ``history_size`` curvature pairs, by the two-loop recursion.

    H₀ = (s·y / y·y) I from the newest pair; keep (s, y) if s·y > ε y·y

The last test is where this differs from ``torch.optim.LBFGS``, which keeps a pair only when
s·y > 1e-10. That absolute threshold is scale-dependent: once a PINN loss is small (≈1e-6 on the
Poisson benchmark), s·y falls below 1e-10 although the curvature is perfectly usable, torch stops
updating its memory, and the iteration crawls (measured on P1: loss stuck at 1.5e-6 for 350+
iterations, where scipy's L-BFGS-B reaches 4e-11 in 1000). ε·y·y, with ε the dtype's machine
epsilon, is the scale-free test L-BFGS-B uses; it keeps H positive definite.
"""
from __future__ import annotations

import torch

from pinn.method.quasi_newton import QuasiNewton


class LBFGS(QuasiNewton):
    """Full-batch L-BFGS (see :class:`~pinn.method.quasi_newton.QuasiNewton` for ``step``)."""

    def __init__(self, params, lr: float = 1.0, max_iter: int = 50, history_size: int = 50,
                 tolerance_grad: float = 1e-11, tolerance_change: float = 0.0, max_line_search: int = 25):
        super().__init__(params, lr, max_iter, tolerance_grad, tolerance_change, max_line_search,
                         history_size=history_size)

    def _direction(self, state, gradient):
        memory, h_diag = state.setdefault("memory", []), state.get("h_diag", 1.0)
        q = gradient.neg()
        alphas = []
        for s, y, rho in reversed(memory):
            alpha = rho * s.dot(q)
            q.add_(y, alpha=-alpha)
            alphas.append(alpha)
        r = q.mul_(h_diag)
        for (s, y, rho), alpha in zip(memory, reversed(alphas)):
            beta = rho * y.dot(r)
            r.add_(s, alpha=float(alpha - beta))
        return r

    def _update(self, state, s, y, gradient, new_gradient):
        ys, yy = float(y.dot(s)), float(y.dot(y))
        if ys > torch.finfo(s.dtype).eps * yy:
            memory = state["memory"]
            if len(memory) == self.param_groups[0]["history_size"]:
                memory.pop(0)
            memory.append((s, y, 1.0 / ys))
            state["h_diag"] = ys / yy

    def _forget(self, state):
        had = bool(state.get("memory"))
        state["memory"], state["h_diag"] = [], 1.0
        return had

"""Quasi-Newton minimisation with a strong-Wolfe line search, for full-batch PINN losses.

One iteration from parameters θ with gradient g:

    d = −H g              (H approximates the inverse Hessian: a subclass says how)
    θ ← θ + t d           (t satisfies the strong Wolfe conditions, c₁ = 1e-4, c₂ = 0.9)
    s = t d, y = g(θ_new) − g(θ); the subclass updates H from (s, y)

:class:`QuasiNewton` holds what every variant shares (the loop, the line search, the stopping
tests); :class:`~pinn.method.lbfgs.LBFGS` and :class:`~pinn.method.bfgs.BFGS` differ only in how they keep H.
The line search is torch's ``_strong_wolfe`` (cubic interpolation, as in minFunc), reused rather
than copied.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod

import torch
from torch.optim.lbfgs import _strong_wolfe

from pinn.method.stop import StopReason

Tensor = torch.Tensor



def _finite(loss: float, gradient: Tensor) -> bool:
    return math.isfinite(loss) and bool(torch.isfinite(gradient).all())


class QuasiNewton(torch.optim.Optimizer, ABC):
    """``step(closure)`` runs up to ``max_iter`` iterations and sets ``stop_reason`` (a
    :class:`~pinn.method.stop.StopReason`) and ``iterations`` (how many it made).

    ``closure()`` must zero the gradients, evaluate the loss, call ``backward()`` and return it.
    What H has learnt persists between ``step`` calls, so a long run can be made in logged chunks;
    the chunks do not change the iterates (each call re-evaluates the loss at the current point,
    which gives the same numbers the previous call ended with). ``should_stop()``, asked after
    each whole iteration, ends the call early with StopReason.REQUESTED. ``saw_nonfinite`` tells
    whether the call met only NaN or infinite values: at its start, or at every trial point of the
    line search that ended it.

    Contract for subclasses, all on the optimiser's ``state`` dict:

    * :meth:`_direction` returns −H g;
    * :meth:`_update` learns from an accepted step (s, y);
    * :meth:`_forget` drops what H has learnt (back to a scaled identity) and says whether there
      was anything to drop.
    """

    #: after a failed line search, forget H and retry from a scaled steepest descent step
    restart_after_failed_search: bool = False

    def __init__(self, params, lr: float = 1.0, max_iter: int = 50, tolerance_grad: float = 1e-11,
                 tolerance_change: float = 0.0, max_line_search: int = 25, **options):
        defaults = dict(lr=lr, max_iter=max_iter, tolerance_grad=tolerance_grad,
                        tolerance_change=tolerance_change, max_line_search=max_line_search, **options)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError(f"{type(self).__name__} takes one parameter group")
        self._params = self.param_groups[0]["params"]
        self.stop_reason, self.iterations, self.saw_nonfinite, self._trials = None, 0, False, []

    @abstractmethod
    def _direction(self, state: dict, gradient: Tensor) -> Tensor:
        """−H g."""

    @abstractmethod
    def _update(self, state: dict, s: Tensor, y: Tensor, gradient: Tensor, new_gradient: Tensor):
        """Learn from the accepted step s with gradient change y (g → g_new)."""

    @abstractmethod
    def _forget(self, state: dict) -> bool:
        """Reset H to a scaled identity; True if it held curvature information."""

    def _flat_grad(self) -> Tensor:
        return torch.cat([torch.zeros_like(p).view(-1) if p.grad is None else p.grad.reshape(-1)
                          for p in self._params])

    def _add(self, step: float, direction: Tensor):
        offset = 0
        for p in self._params:
            n = p.numel()
            p.add_(direction[offset:offset + n].view_as(p), alpha=step)
            offset += n

    def _evaluate_along(self, closure, step: float, direction: Tensor):
        """(loss, gradient) at θ + step·direction; the parameters are put back afterwards."""
        saved = [p.clone(memory_format=torch.contiguous_format) for p in self._params]
        try:
            self._add(step, direction)
            loss = float(closure())
            gradient = self._flat_grad()
        finally:
            for p, value in zip(self._params, saved):
                p.copy_(value)
        self._trials.append(_finite(loss, gradient))
        return loss, gradient

    @torch.no_grad()
    def step(self, closure, should_stop=lambda: False):
        group = self.param_groups[0]
        closure = torch.enable_grad()(closure)
        state = self.state[self._params[0]]
        state.setdefault("n_iter", 0)
        state.setdefault("func_evals", 0)

        self.iterations, self.stop_reason = 0, StopReason.MAX_STEPS
        loss = float(closure())
        state["func_evals"] += 1
        gradient = self._flat_grad()
        self.saw_nonfinite = not _finite(loss, gradient)
        while self.iterations < group["max_iter"]:
            if float(gradient.abs().max()) <= group["tolerance_grad"]:
                self.stop_reason = StopReason.GRADIENT
                break
            direction = self._direction(state, gradient)
            slope = float(gradient.dot(direction))
            if slope > -group["tolerance_change"] and self._forget(state):
                # a non-descent direction from stale curvature: restart from steepest descent
                direction = self._direction(state, gradient)
                slope = float(gradient.dot(direction))
            if slope > -group["tolerance_change"]:
                self.stop_reason = StopReason.NO_PROGRESS
                break
            first, self._trials = state["n_iter"] == 0, []
            t = min(1.0, 1.0 / float(gradient.abs().sum())) * group["lr"] if first else group["lr"]
            new_loss, new_gradient, t, evals = _strong_wolfe(
                lambda _x, step, d: self._evaluate_along(closure, step, d), None, t, direction, loss,
                gradient, slope, max_ls=group["max_line_search"])
            state["func_evals"] += evals
            if not new_loss < loss:
                if self.restart_after_failed_search and self._forget(state):
                    state["restarts"] = state.get("restarts", 0) + 1
                    continue
                self.stop_reason = StopReason.LINE_SEARCH
                self.saw_nonfinite = self.saw_nonfinite or not any(self._trials)
                break
            self._add(t, direction)
            state["n_iter"] += 1
            self.iterations += 1
            s, y = direction.mul(t), new_gradient.sub(gradient)
            self._update(state, s, y, gradient, new_gradient)
            change, step_size = loss - new_loss, float(s.abs().max())
            loss, gradient = new_loss, new_gradient
            if change <= group["tolerance_change"] or step_size <= group["tolerance_change"]:
                self.stop_reason = StopReason.NO_PROGRESS
                break
            if self.iterations < group["max_iter"] and should_stop():
                self.stop_reason = StopReason.REQUESTED
                break
        return torch.tensor(loss)

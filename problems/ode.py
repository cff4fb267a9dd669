"""One-dimensional boundary value problems  u^(n) = F(x, u, u', ..., u^(n-1))  on an interval.

A subclass states the equation once, in explicit form, through :meth:`OrdinaryBVP.highest`; both
consumers are derived from it:

* the PINN residual  R = scale(x) · (u^(n) − F(x, u, ..., u^(n-1)))  (``scale`` restores the
  equation's natural form, e.g. −εu'' + u' − 1 for a boundary layer, so that residual and boundary
  terms keep comparable magnitudes);
* the first-order system  Y' = (Y_1, ..., Y_{n-1}, F(x, Y))  with Y = (u, u', ..., u^(n-1)) that
  ``scipy.integrate.solve_bvp`` solves for a classical reference (:mod:`problems.reference`).

Boundary conditions are the same objects for both: a condition's residual is evaluated on a
:class:`pinn.diff.Field` in training and on the solver's state vector for the reference.
"""
from __future__ import annotations

from abc import abstractmethod
from typing import Sequence

import torch

from .base import Problem

Tensor = torch.Tensor


class StateDerivatives:
    """The Field interface (``value``, ``d``) over known derivatives Y = (u, u', ..., u^(n-1))."""

    def __init__(self, derivatives: Sequence[Tensor]):
        self.derivatives = derivatives

    @property
    def value(self) -> Tensor:
        return self.derivatives[0]

    def d(self, *dims: int) -> Tensor:
        return self.derivatives[len(dims)]


class OrdinaryBVP(Problem):
    """u^(n) = F(x, u, ..., u^(n-1)) on ``domain``; n = ``order``."""

    ode_ready = True

    @abstractmethod
    def highest(self, x: Tensor, lower: Sequence[Tensor]) -> Tensor:
        """F: u^(n) from x and lower = [u, u', ..., u^(n-1)], each of shape (N, 1)."""

    def scale(self, x: Tensor):
        """Factor of the residual; 1 unless the equation's natural form multiplies u^(n)."""
        return 1.0

    def residual(self, x, u):
        n = self.order
        lower = [u.value] + [u.d(*[0] * k) for k in range(1, n)]
        return self.scale(x) * (u.d(*[0] * n) - self.highest(x, lower))

    def reference_guess(self, x: Tensor) -> Tensor:
        """Initial guess for solve_bvp, shape (n, len(x)); zero selects e.g. Bratu's lower branch."""
        return torch.zeros(self.order, x.shape[0], dtype=torch.float64)

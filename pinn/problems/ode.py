"""One-dimensional boundary value problems  u^(n) = F(x, u, u', ..., u^(n-1))  on an interval.

A subclass states the equation once, in explicit form, through :meth:`OrdinaryBVP.highest`; both
consumers are derived from it:

* the PINN residual  R = scale(x) · (u^(n) − F(x, u, ..., u^(n-1)))  (``scale`` restores the
  equation's natural form, e.g. −εu'' + u' − 1 for a boundary layer, so that residual and boundary
  terms keep comparable magnitudes);
* the first-order system  Y' = (Y_1, ..., Y_{n-1}, F(x, Y))  with Y = (u, u', ..., u^(n-1)) that
  ``scipy.integrate.solve_bvp`` solves for a classical reference (:mod:`pinn.problems.references.bvp`).

Boundary conditions are the same objects for both: a condition's residual is evaluated on a
:class:`pinn.core.field.Field` in training and on the solver's state vector for the reference.
"""
from __future__ import annotations

from abc import abstractmethod
from typing import Sequence

import torch

from pinn.problems.base import Problem

Tensor = torch.Tensor


class KnownDerivatives:
    """The Field interface (``value``, ``d``, ``laplacian``) over derivative values that are given,
    keyed by sorted multi-index: the solver's state vector, or probe values for an equation."""

    def __init__(self, values: dict):
        self.values = values

    @classmethod
    def along_x(cls, derivatives: Sequence[Tensor]) -> "KnownDerivatives":
        """From (u, u', u'', ...) in one dimension."""
        return cls({(0,) * k: v for k, v in enumerate(derivatives)})

    @property
    def value(self) -> Tensor:
        return self.values[()]

    def d(self, *dims: int) -> Tensor:
        return self.values[tuple(sorted(dims))]

    def laplacian(self) -> Tensor:
        dim = max((max(k) + 1 for k in self.values if k), default=1)
        return sum(self.values.get((i, i), 0) for i in range(dim))


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

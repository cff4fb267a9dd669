"""One-dimensional boundary value problems with exact solutions (``../shared/BENCHMARKS.md``)."""
from __future__ import annotations

import math

import torch

from pinn.params import positive

from .base import Dirichlet, Problem, constant, interval


class Poisson1D(Problem):
    """-u'' = (kπ)² sin(kπx) on (0, 1), u(0) = u(1) = 0; exact u = sin(kπx).

    k = 1 is the baseline; k = 4 and 8 probe spectral bias (the network fits low frequencies first).
    """

    name = "poisson1d"
    summary = "-u'' = (k pi)^2 sin(k pi x) on (0,1), u(0)=u(1)=0; exact sin(k pi x)"
    parameters_spec = {"k": positive("int", default=1, doc="wave number")}
    domain = interval(0.0, 1.0)
    order = 2

    def residual(self, x, u):
        w = self.params["k"] * math.pi
        return -u.d(0, 0) - w ** 2 * torch.sin(w * x)

    def boundary_conditions(self):
        return [Dirichlet(self.domain.side(0, "lower"), constant(0.0)),
                Dirichlet(self.domain.side(0, "upper"), constant(0.0))]

    def exact(self, x):
        return torch.sin(self.params["k"] * math.pi * x)

"""Obstacle problems: find u with  −Δu ≥ f,  u ≥ ψ,  (−Δu − f)(u − ψ) = 0  in Ω, u = g on ∂Ω.

The solution touches the obstacle on the *contact set* {u = ψ}, where the PDE gives way to the
constraint, and solves −Δu = f off it; the boundary of the contact set (the *free boundary*) is
unknown in advance. There u is C^{1,1}: u'' jumps from −ψ'' − f (the multiplier λ* = −Δψ − f,
which must be > 0 there) to 0. The residual below is r = −Δu − f; how r, u − ψ and a barrier
penalty are combined into a loss is chosen in the config (:mod:`pinn.method.constraints`).

Exact solutions and constants: below, and in the README's obstacle section.
"""
from __future__ import annotations

import math
from abc import abstractmethod

import torch

from pinn.core.domains import Box, interval
from pinn.core.field import Field
from pinn.problems.base import LowerObstacle, Problem
from pinn.problems.conditions import Dirichlet, constant

Tensor = torch.Tensor


class ObstacleProblem(Problem):
    """−Δu ≥ f, u ≥ ψ, complementarity; Dirichlet data on the whole boundary.

    Subclasses give ``obstacle`` (ψ), optionally ``source`` (f, default 0), ``exact``, and
    ``free_boundary``: the ends (a, b) of the contact interval in 1D, the contact radius in 2D.
    """

    order = 2
    has_constraints = True
    active_set_ready = True

    @abstractmethod
    def obstacle(self, x: Tensor) -> Tensor: ...

    def source(self, x: Tensor) -> Tensor:
        return torch.zeros(x.shape[0], 1, dtype=x.dtype, device=x.device)

    def residual(self, x, u):
        return -u.laplacian() - self.source(x)

    def constraints(self):
        return [LowerObstacle(self.obstacle)]

    def boundary_data(self, x: Tensor) -> Tensor:
        return self.exact(x)

    def boundary_conditions(self):
        return [Dirichlet(self.domain.side(dim, end), self.boundary_data)
                for dim in range(self.domain.dim) for end in ("lower", "upper")]

    free_boundary: tuple[float, float] | float | None = None

    def exact_contact(self, x: Tensor) -> Tensor | None:
        """The exact contact set as a boolean per point, from ``free_boundary``."""
        if self.free_boundary is None:
            return None
        if self.domain.dim == 1:
            a, b = self.free_boundary
            return ((x[:, 0] >= a) & (x[:, 0] <= b))
        return x.square().sum(dim=1) <= self.free_boundary ** 2

    def multiplier(self, x: Tensor) -> Tensor:
        """λ* = R[ψ] (−Δψ − f here): what the residual equals on the contact set (autograd on ψ)."""
        x = x.detach().requires_grad_(True)
        with torch.enable_grad():
            value = self.residual(x, Field(x, self.obstacle(x)))
        return torch.nan_to_num(value.detach(), nan=0.0, posinf=0.0, neginf=0.0)


def _tent_psi(x: Tensor) -> Tensor:
    # where, not torch.minimum: at the tie x = ½ minimum's autograd splits the derivative between
    # both branches, and λ* = −ψ'' came out wrong at that one point
    m = torch.where(x <= 0.5, x, 1 - x)
    return torch.where(m <= 0.25, 100 * m ** 2, 100 * m * (1 - m) - 12.5)


TENT_A = 1 / (2 * math.sqrt(2))
TENT_SLOPE = 100 - 50 * math.sqrt(2)


class Tent1D(ObstacleProblem):
    """(0, 1), f = 0, u(0) = u(1) = 0; ψ = 100x² on [0, ¼], 100x(1 − x) − 12.5 on [¼, ½], mirrored.

    Exact: u = 29.289x (slope 100 − 50√2) from each end up to a = 1/(2√2), u = ψ on [a, 1 − a].
    """

    name = "tent1d"
    summary = "obstacle: -u'' >= 0, u >= tent psi on (0,1), u(0)=u(1)=0; contact [0.3536, 0.6464]"
    domain = interval(0.0, 1.0)
    free_boundary = (TENT_A, 1 - TENT_A)

    def obstacle(self, x):
        return _tent_psi(x)

    def exact(self, x):
        line = TENT_SLOPE * torch.minimum(x, 1 - x)
        return torch.where((x < TENT_A) | (x > 1 - TENT_A), line, _tent_psi(x))


PARABOLA_A = 2 - math.sqrt(3)
PARABOLA_SLOPE = 4 - 2 * math.sqrt(3)


class Parabola1D(ObstacleProblem):
    """(−2, 2), f = 0, u(±2) = 0, ψ = 1 − x².

    Exact: the tangent lines from (±2, 0) to ψ (slope 4 − 2√3), u = ψ on [−a, a], a = 2 − √3.
    """

    name = "parabola1d"
    summary = "obstacle: -u'' >= 0, u >= 1 - x^2 on (-2,2), u(+-2)=0; contact [-0.2679, 0.2679]"
    domain = interval(-2.0, 2.0)
    free_boundary = (-PARABOLA_A, PARABOLA_A)

    def obstacle(self, x):
        return 1 - x ** 2

    def boundary_conditions(self):
        return [Dirichlet(self.domain.side(0, end), constant(0.0)) for end in ("lower", "upper")]

    def exact(self, x):
        line = PARABOLA_SLOPE * (2 - x.abs())
        return torch.where(x.abs() > PARABOLA_A, line, self.obstacle(x))


RADIAL_R = 0.6979651482233736
RADIAL_A = RADIAL_R ** 2 / math.sqrt(1 - RADIAL_R ** 2)
RADIAL_B = RADIAL_A * math.log(2)


class Radial2D(ObstacleProblem):
    """(−2, 2)², f = 0, ψ = √(1 − r²) for r ≤ 1 and −1 beyond; g = the exact u on the boundary.

    Exact: u = ψ for r ≤ r* = 0.69796514822, u = −A ln r + B beyond (A = r*²/√(1 − r*²),
    B = A ln 2). u is C^{1,1}: u_rr jumps at r*; ψ jumps at r = 1, where u > ψ (no effect on u).
    """

    name = "radial2d"
    summary = "obstacle: -lap u >= 0, u >= hemisphere on (-2,2)^2; contact disc r* = 0.69797"
    domain = Box(((-2.0, 2.0), (-2.0, 2.0)))
    free_boundary = RADIAL_R

    def obstacle(self, x):
        r2 = x.square().sum(dim=1, keepdim=True)
        inside = r2 < 1
        # clamp: the unused branch must not make NaN gradients outside the unit disc
        return torch.where(inside, torch.sqrt((1 - r2).clamp_min(1e-300)), -torch.ones_like(r2))

    def exact(self, x):
        r2 = x.square().sum(dim=1, keepdim=True)
        outer = -RADIAL_A * 0.5 * torch.log(r2.clamp_min(1e-300)) + RADIAL_B
        return torch.where(r2 <= RADIAL_R ** 2, self.obstacle(x), outer)

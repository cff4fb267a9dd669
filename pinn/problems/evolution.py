"""Evolution problems in one space dimension: u(x, t) on [a, b] × [0, T], time the last column.

Each states its residual, its initial and boundary conditions, and a reference: the exact
solution (heat, wave), the Cole–Hopf formula (Burgers) or a converged pseudo-spectral solution
(Allen–Cahn), both from :mod:`pinn.problems.references.spectral`. The initial data and Dirichlet ends are exact
by the network's output transform (:mod:`pinn.problems.evolution_transform`); Allen–Cahn's periodic
sides are exact by its input map.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch

from pinn.core.domains import SpaceTime, interval
from pinn.core.params import positive
from pinn.problems.base import Problem
from pinn.problems.conditions import Derivative, Dirichlet, Periodic, constant
from pinn.problems.references import spectral

PI = math.pi
ALLEN_CAHN_MODES = 4096  # against 8192: 3.3e-7 relative on the test grid (tests/test_references.py)
ALLEN_CAHN_STEP = 1e-3   # against 2.5e-4: 4e-12


DURATION = {"duration": positive("float", default=1.0, doc="the final time T")}


class Evolution1D(Problem):
    """A problem on [a, b] × [0, T] with u₀ (and v₀ for second order in time) at t = 0."""

    space = interval(0.0, 1.0)
    parameters_spec = DURATION
    order = 2

    @property
    def domain(self) -> SpaceTime:
        return SpaceTime(self.space, (0.0, self.params["duration"]))

    def initial_value(self, x):
        raise NotImplementedError

    def initial_conditions(self) -> list:
        start = self.domain.initial()
        return [Dirichlet(start, lambda p: self.initial_value(p[:, :1]))]

    def ends(self) -> list:
        """u = 0 at both ends (the default of these problems)."""
        return [Dirichlet(self.domain.side(0, end), constant(0.0)) for end in ("lower", "upper")]

    def boundary_conditions(self):
        return [*self.initial_conditions(), *self.ends()]


class Heat1D(Evolution1D):
    """u_t = u_xx/π² on [0, 1] × [0, 1], u = 0 at the ends, u₀ = sin πx + ½ sin 3πx;
    exact u = e^{−t} sin πx + ½ e^{−9t} sin 3πx."""

    name = "heat1d"
    summary = "u_t = u_xx/pi^2 on [0,1]x[0,T], u0 = sin(pi x) + sin(3 pi x)/2, u = 0 at the ends; exact"

    def residual(self, x, u):
        return u.d(1) - u.d(0, 0) / PI ** 2

    def initial_value(self, x):
        return torch.sin(PI * x) + 0.5 * torch.sin(3 * PI * x)

    def exact(self, p):
        x, t = p[:, :1], p[:, 1:]
        return torch.exp(-t) * torch.sin(PI * x) + 0.5 * torch.exp(-9 * t) * torch.sin(3 * PI * x)


class Wave1D(Evolution1D):
    """u_tt = c² u_xx on [0, 1] × [0, 1] (c = 2), u = 0 at the ends, u₀ = sin πx + ½ sin 4πx,
    u_t(x, 0) = 0; exact u = sin πx cos 2πt + ½ sin 4πx cos 8πt (PINNacle's Wave1d-C)."""

    name = "wave1d"
    summary = "u_tt = 4 u_xx on [0,1]x[0,T], u = 0 at the ends, u0 = sin(pi x) + sin(4 pi x)/2, u_t(x,0) = 0; exact"

    def residual(self, x, u):
        return u.d(1, 1) - 4 * u.d(0, 0)

    def initial_value(self, x):
        return torch.sin(PI * x) + 0.5 * torch.sin(4 * PI * x)

    def initial_conditions(self):
        return [*super().initial_conditions(), Derivative(self.domain.initial(), constant(0.0), order=1)]

    def exact(self, p):
        x, t = p[:, :1], p[:, 1:]
        return torch.sin(PI * x) * torch.cos(2 * PI * t) + 0.5 * torch.sin(4 * PI * x) * torch.cos(8 * PI * t)


class Burgers1D(Evolution1D):
    """u_t + u u_x = ν u_xx on [−1, 1] × [0, 1], u₀ = −sin πx, u(±1, t) = 0, ν = 0.01/π
    (Raissi et al. 2019); reference by the Cole–Hopf formula (Gauss–Hermite, 200 nodes: agrees
    with a 4096-mode ETDRK4 solution to 8e-13)."""

    name = "burgers1d"
    summary = "u_t + u u_x = nu u_xx on [-1,1]x[0,T], u0 = -sin(pi x), u(+-1) = 0, nu = 0.01/pi; Cole-Hopf"
    parameters_spec = {"nu": positive("float", default=0.01 / PI, doc="viscosity"), **DURATION}
    space = interval(-1.0, 1.0)
    reference_name = "cole-hopf"

    def residual(self, x, u):
        return u.d(1) + u.value * u.d(0) - self.params["nu"] * u.d(0, 0)

    def initial_value(self, x):
        return -torch.sin(PI * x)

    def reference_values(self, points: np.ndarray) -> np.ndarray:
        return spectral.burgers_cole_hopf(points[:, 0], points[:, 1], self.params["nu"])


class AllenCahn1D(Evolution1D):
    """u_t − D u_xx + 5u³ − 5u = 0 on [−1, 1] periodic × [0, 1], u₀ = x² cos πx, D = 1e-4;
    reference by ETDRK4 with 4096 Fourier modes and step 1e-3."""

    name = "allen_cahn1d"
    summary = "u_t - 1e-4 u_xx + 5u^3 - 5u = 0, x in [-1,1] periodic, t in [0,T], u0 = x^2 cos(pi x); ETDRK4"
    parameters_spec = {"diffusion": positive("float", default=1e-4, doc="D in u_t = D u_xx + 5u - 5u^3"),
                       **DURATION}
    space = interval(-1.0, 1.0)
    reference_name = "etdrk4"

    def residual(self, x, u):
        v = u.value
        return u.d(1) - self.params["diffusion"] * u.d(0, 0) + 5 * v ** 3 - 5 * v

    def initial_value(self, x):
        return x ** 2 * torch.cos(PI * x)

    def ends(self):
        return [Periodic(self.domain.side(0, "lower"), self.domain.side(0, "upper"))]

    def reference_values(self, points: np.ndarray) -> np.ndarray:
        return _allen_cahn(self.params["diffusion"], points[:, 0].tobytes(), points[:, 1].tobytes())


@lru_cache(maxsize=4)
def _allen_cahn(diffusion: float, x: bytes, t: bytes) -> np.ndarray:
    """Cached per process: the same grid is asked for by validation and by scoring (5 s each).
    The step is ALLEN_CAHN_STEP or the largest divisor of the grid's time spacing below it."""
    u0 = lambda s: s ** 2 * np.cos(PI * s)
    times = np.frombuffer(t)
    return spectral.spectral_on_grid(u0, spectral.allen_cahn_nonlinear, diffusion, -1.0, 2.0, ALLEN_CAHN_MODES,
                                     spectral.step_for(times, ALLEN_CAHN_STEP), np.frombuffer(x), times)

"""Reaction–diffusion systems: two concentrations u, v on a periodic interval in time.

Gray–Scott, in the form jaxpi writes it (feed b₁, removal b₂, reaction rate c):

    u_t = ε_u u_xx + b₁ (1 − u) − c u v²,
    v_t = ε_v v_xx − b₂ v + c u v²,         x ∈ [−1, 1] periodic, t ∈ [0, T],

from u₀ = 1 − ½ e^{−25x²}, v₀ = ¼ e^{−25x²}. With the defaults (ε_u = 0.02, ε_v = 0.01, b₁ = 1,
b₂ = 2, c = 30, T = 1) the pulse of v grows to 0.66 while u falls to 0.1 beneath it, and the pulse
spreads into two fronts. Both fields are concentrations, written positive (softplus of the
network's outputs). Reference: ETDRK4 on the pair (:mod:`pinn.problems.references.spectral`),
diffusion exact in Fourier space, the reaction by the exponential Runge–Kutta step.
"""
from __future__ import annotations

from functools import lru_cache

import numpy as np
import torch

from pinn.core.domains import SpaceTime, interval
from pinn.core.params import positive
from pinn.problems.base import Problem
from pinn.problems.conditions import Dirichlet, Periodic
from pinn.problems.references import spectral

GRAY_SCOTT_MODES = 512   # against 1024: 1.4e-15 relative on the test grid, against 256: 5.3e-15
GRAY_SCOTT_STEP = 1e-3   # against 5e-4: 1.8e-12 (tests/test_references.py)


def _initial(x):
    """(u₀, v₀) at ``x`` (either library's arrays)."""
    bump = (np if isinstance(x, np.ndarray) else torch).exp(-25 * x ** 2)
    return 1 - 0.5 * bump, 0.25 * bump


class GrayScott1D(Problem):
    """The Gray–Scott pair (module docstring)."""

    name = "gray_scott1d"
    summary = "Gray-Scott u, v on [-1,1] periodic x [0,T] from a pulse of v; ETDRK4 reference"
    parameters_spec = {"eps_u": positive("float", default=0.02, doc="u's diffusivity"),
                       "eps_v": positive("float", default=0.01, doc="v's diffusivity"),
                       "feed": positive("float", default=1.0, doc="b1: u is fed at b1 (1 - u)"),
                       "removal": positive("float", default=2.0, doc="b2: v is removed at b2 v"),
                       "rate": positive("float", default=30.0, doc="c: the reaction u + 2v -> 3v at c u v^2"),
                       "duration": positive("float", default=1.0, doc="the final time T")}
    fields, equations = ("u", "v"), ("u_equation", "v_equation")
    positive = ("u", "v")
    order = 2
    reference_name = "etdrk4"

    @property
    def domain(self) -> SpaceTime:
        return SpaceTime(interval(-1.0, 1.0), (0.0, self.params["duration"]))

    def residual(self, x, fields):
        u, v, p = fields["u"], fields["v"], self.params
        reaction = p["rate"] * u.value * v.value ** 2
        return {"u_equation": u.d(1) - p["eps_u"] * u.d(0, 0) - p["feed"] * (1 - u.value) + reaction,
                "v_equation": v.d(1) - p["eps_v"] * v.d(0, 0) + p["removal"] * v.value - reaction}

    def boundary_conditions(self):
        start = self.domain.initial()
        return [Periodic(self.domain.side(0, "lower"), self.domain.side(0, "upper")),
                Dirichlet(start, lambda q: _initial(q[:, :1])[0]).on("u"),
                Dirichlet(start, lambda q: _initial(q[:, :1])[1]).on("v")]

    def reference_values(self, points: np.ndarray) -> np.ndarray:
        p = self.params
        return _gray_scott(tuple(float(p[k]) for k in ("eps_u", "eps_v", "feed", "removal", "rate")),
                           points[:, 0].tobytes(), points[:, 1].tobytes())


@lru_cache(maxsize=4)
def _gray_scott(params: tuple, x: bytes, t: bytes) -> np.ndarray:
    """(u, v) at the points, (N, 2); cached per process (validation and scoring ask for the same
    grid). The step is GRAY_SCOTT_STEP or the largest divisor of the grid's time spacing below it."""
    eps_u, eps_v, feed, removal, rate = params

    def reaction(w, k, _):
        u, v = w
        grow = rate * u * v * v
        return np.fft.rfft(np.stack([feed * (1 - u) - grow, grow - removal * v]))

    times = np.frombuffer(t)
    return spectral.spectral_on_grid(lambda s: np.stack(_initial(s)), reaction, [eps_u, eps_v], -1.0, 2.0,
                                     GRAY_SCOTT_MODES, spectral.step_for(times, GRAY_SCOTT_STEP), np.frombuffer(x),
                                     times)

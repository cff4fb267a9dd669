"""Steady incompressible Navier–Stokes in 2D, three fields u, v, p:

    u u_x + v u_y + p_x − Δu / Re = 0,   u v_x + v v_y + p_y − Δv / Re = 0,   u_x + v_y = 0.

Kovasznay's flow (1948) on [−0.5, 1] × [−0.5, 1.5] has a closed form (the velocity on the whole
boundary, p fixed at a point); it is the registered twin of ``configs/kovasznay.yaml``.

The lid-driven cavity: the unit square, the lid y = 1 moving at u = 1, the other walls at rest,
u = (1 on the lid, 0 elsewhere), v = 0 on every wall, and the pressure's mean over the interior
points fixed at 0 (it enters only through its gradient). No closed form: the reference is a
converged finite-difference solution in stream-function–vorticity form
(:mod:`pinn.problems.references.cavity`), which gives the velocity, not the pressure, so p is
not scored. The lid's two top corners carry both u = 1 and u = 0; near each, the flow is Taylor's
scraper flow (:mod:`pinn.problems.corner_flow`: velocity bounded but two-valued at the corner,
pressure like 1/r). The network learns the cavity's flow less the two corner flows (its base
solution), a remainder with continuous wall data, so u and v are exact on every wall; the two
corner points, where the velocity has no value, are left out of the scores.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch

from pinn.core.domains import Box
from pinn.core.params import positive
from pinn.problems.base import Problem
from pinn.problems.conditions import Dirichlet, constant
from pinn.problems.corner_flow import ScraperCorner
from pinn.problems.references import cavity
from pinn.problems.system import Gauge

REFERENCE_GRID = 256  # against 512: the centrelines move by 1.8e-4 (tests/test_references.py)


@lru_cache(maxsize=2)
def _reference(re: float, n: int) -> tuple[np.ndarray, np.ndarray]:
    return cavity.velocity(cavity.solve(re, n)[0])


class SteadyNavierStokes(Problem):
    """The equations above at Reynolds number ``Re``; subclasses give the domain and the data."""

    fields, equations = ("u", "v", "p"), ("momentum_x", "momentum_y", "mass")
    vectors = {"velocity": ("u", "v")}
    order = 2

    def residual(self, x, fields):
        u, v, p = fields["u"], fields["v"], fields["p"]
        re = self.params["Re"]
        return {"momentum_x": u.value * u.d(0) + v.value * u.d(1) + p.d(0) - u.laplacian() / re,
                "momentum_y": u.value * v.d(0) + v.value * v.d(1) + p.d(1) - v.laplacian() / re,
                "mass": u.d(0) + v.d(1)}


class Kovasznay(SteadyNavierStokes):
    """u = 1 − e^{λx} cos 2πy, v = (λ/2π) e^{λx} sin 2πy, p = ½(1 − e^{2λx}),
    λ = Re/2 − √(Re²/4 + 4π²); the velocity given on the whole boundary, p at (1, 0.5)."""

    name = "kovasznay"
    summary = "steady Navier-Stokes with Kovasznay's exact solution (Re = 40 as in NSFnets)"
    parameters_spec = {"Re": positive("float", default=40.0, doc="the Reynolds number")}

    @property
    def domain(self) -> Box:
        return Box(((-0.5, 1.0), (-0.5, 1.5)))

    @property
    def lam(self) -> float:
        re = self.params["Re"]
        return re / 2 - math.sqrt(re ** 2 / 4 + 4 * math.pi ** 2)

    def exact(self, x):
        lam, a, b = self.lam, x[:, :1], x[:, 1:]
        grow = torch.exp(lam * a)
        u = 1 - grow * torch.cos(2 * math.pi * b)
        v = lam / (2 * math.pi) * grow * torch.sin(2 * math.pi * b)
        return torch.cat([u, v, 0.5 * (1 - grow ** 2)], dim=1)

    def boundary_conditions(self):
        column = lambda j: (lambda x: self.exact(x)[:, j:j + 1])
        return [Dirichlet(side, column(j)).on(f) for j, f in enumerate(("u", "v")) for side in self.domain.sides()]

    def gauges(self) -> list[Gauge]:
        return [Gauge("p", 0.5 * (1 - math.exp(2 * self.lam)), (1.0, 0.5))]


class LidDrivenCavity(SteadyNavierStokes):
    """The classical benchmark (module docstring) on [0, 1]²."""

    name = "lid_driven_cavity"
    summary = "steady Navier-Stokes in the unit square driven by its lid (Ghia et al. 1982 at Re = 100)"
    parameters_spec = {"Re": positive("float", default=100.0, doc="the Reynolds number")}
    reference_name = "fd-vorticity"
    singular_points = ((0.0, 1.0), (1.0, 1.0))  # the lid's ends: u is 1 along the lid, 0 down the walls

    @property
    def domain(self) -> Box:
        return Box(((0.0, 1.0), (0.0, 1.0)))

    def boundary_conditions(self):
        box = self.domain
        lid = box.side(1, "upper")
        walls = [box.side(0, "lower"), box.side(0, "upper"), box.side(1, "lower")]
        return ([Dirichlet(lid, constant(1.0)).on("u")] + [Dirichlet(side, constant(0.0)).on("u") for side in walls]
                + [Dirichlet(side, constant(0.0)).on("v") for side in [*walls, lid]])

    def gauges(self) -> list[Gauge]:
        return [Gauge("p", 0.0)]

    @property
    def corners(self) -> tuple[ScraperCorner, ScraperCorner]:
        """The Stokes corner flows at the lid's ends (x = 0 and x = 1 at y = 1): the lid slides
        along +x, i.e. away from the left corner and towards the right one."""
        mu = 1 / self.params["Re"]
        return (ScraperCorner((0.0, 1.0), (1.0, 0.0), (0.0, -1.0), 1.0, mu),
                ScraperCorner((1.0, 1.0), (-1.0, 0.0), (0.0, -1.0), -1.0, mu))

    def base_solution(self, x):
        """The two corner flows' sum (u, v, p): it carries the lid's jumps, the network the rest."""
        first, second = self.corners
        return first.fields(x) + second.fields(x)

    def base_trace(self, side, x):
        """On a side through a corner, that corner's flow is its wall's velocity (constant along
        each ray, so along the side too) — the corner point included, where the flow itself has
        both walls' values."""
        total = torch.zeros(x.shape[0], 3, dtype=x.dtype, device=x.device)
        for corner in self.corners:
            if corner.corner[side.dim] == side.value:
                u, v = corner.wall_velocity(on_sliding=corner.along[side.dim] == 0)
                total = total + torch.tensor([u, v, math.nan], dtype=x.dtype, device=x.device)
            else:
                total = total + corner.fields(x)
        return total

    def reference_values(self, points: np.ndarray) -> np.ndarray:
        """u and v of the reference at ``points``; p is NaN (not scored: the reference has none)."""
        u, v = _reference(float(self.params["Re"]), REFERENCE_GRID)
        values = [cavity.interpolate(u, points), cavity.interpolate(v, points), np.full(len(points), np.nan)]
        return np.stack(values, axis=1)

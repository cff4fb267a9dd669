"""Taylor's scraper: Stokes flow in a right-angled corner whose one wall slides along itself.

In local coordinates ξ along the sliding wall and η along the wall at rest (both pointing away
from the corner, polar r, θ with θ = 0 on the sliding wall, θ = π/2 on the other), the stream
function ψ = r f(θ) with u_ξ = ψ_η, u_η = −ψ_ξ gives the velocity u_r = f'(θ), u_θ = −f(θ), and
Stokes' equations μΔu = ∇p, ∇·u = 0 hold for

    f(θ) = A sin θ + C θ sin θ + D θ cos θ,    p = (2μ / r)(D cos θ + C sin θ),

with f(0) = 0, f'(0) = 1 (the sliding wall at unit speed), f(π/2) = f'(π/2) = 0 (no slip):

    D = 4 / (4 − π²),   C = π D / 2,   A = −π² D / 4.

The velocity is bounded but takes both walls' values at the corner (it depends on θ alone along
each ray); the pressure grows like 1/r. Near the lid's corners of a driven cavity this is the
leading term of the Navier–Stokes solution (Taylor 1960; Moffatt 1964): convection adds terms of
order r log r to the velocity. A network cannot represent the jump, so the cavity subtracts this
singular part (:class:`pinn.problems.navier_stokes.LidDrivenCavity`) and learns what is left.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

D = 4 / (4 - math.pi ** 2)
C = math.pi * D / 2
A = -math.pi ** 2 * D / 4

Tensor = torch.Tensor


@dataclass(frozen=True)
class ScraperCorner:
    """The flow above at ``corner`` (2D), its sliding wall along the unit vector ``along`` at
    signed speed ``speed`` (the wall's velocity is speed · along), the wall at rest along ``rest``;
    ``mu`` the viscosity (1/Re in the nondimensional equations)."""

    corner: tuple[float, float]
    along: tuple[float, float]
    rest: tuple[float, float]
    speed: float
    mu: float

    def fields(self, x: Tensor) -> Tensor:
        """(u, v, p) at points x (N, 2), as columns; differentiable. Undefined at the corner itself."""
        dx, dy = x[:, :1] - self.corner[0], x[:, 1:2] - self.corner[1]
        xi = dx * self.along[0] + dy * self.along[1]
        eta = dx * self.rest[0] + dy * self.rest[1]
        r, theta = torch.sqrt(xi ** 2 + eta ** 2), torch.atan2(eta, xi)
        cos, sin = torch.cos(theta), torch.sin(theta)
        f = A * sin + C * theta * sin + D * theta * cos
        df = A * cos + C * (sin + theta * cos) + D * (cos - theta * sin)
        u_xi, u_eta = df * cos + f * sin, df * sin - f * cos  # u_r = f', u_θ = −f
        u = self.speed * (u_xi * self.along[0] + u_eta * self.rest[0])
        v = self.speed * (u_xi * self.along[1] + u_eta * self.rest[1])
        p = self.speed * 2 * self.mu / r * (D * cos + C * sin)
        return torch.cat([u, v, p], dim=1)

    def wall_velocity(self, on_sliding: bool) -> tuple[float, float]:
        """(u, v) along either wall, the corner excluded: the sliding wall's velocity, or zero."""
        return (self.speed * self.along[0], self.speed * self.along[1]) if on_sliding else (0.0, 0.0)

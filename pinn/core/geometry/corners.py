"""Re-entrant corners: where two straight Dirichlet edges meet at an interior angle ω > π (the
L-shape's notch, a square hole's corners), the solution of a second-order problem with a
Laplacian behaves like r^λ sin(λθ), λ = π/ω < 1 (r, θ polar about the corner, θ = 0 along one
edge and ω along the other): its gradient is unbounded there. The exact-data factor φ of
:mod:`pinn.core.geometry.distance` vanishes like r near the corner, so u = g + φ N would need
N ~ r^(λ − 1), unbounded — a network cannot follow it (measured on DeepXDE's L-shape problem,
−Δu = 1: rel L2 2.7e-2, the whole error at the notch).

Near each such corner φ is replaced by the corner's own singular function, blended in by a
cutoff χ (1 at the corner, 0 beyond a radius ρ):

    φ̃ = (1 − χ) φ + χ κ S,   S = r^λ sin(λθ),   χ = (1 − r²/ρ²)³₊,   κ = ρ^(1 − λ),

S vanishes on both edges and is positive between them, as φ is, so φ̃ vanishes exactly where φ
does (ρ is at most half of each edge and half the distance to any other curve) and u = g still
holds on every Dirichlet piece; κ matches S's size to φ's at r = ρ; χ is C², so residuals of second
order are continuous. Near the corner u = g + κ S N, and the leading singular term is N = const;
the next, r^(2λ) sin(2λθ), needs N ~ r^λ, bounded. S is harmonic, so Δ(S N) = 2∇S·∇N + S ΔN.
θ is measured counter-clockwise from the outgoing edge, with its branch cut outside the shape
(along the bisector of the exterior angle).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from pinn.core.geometry.curves import Segment

Tensor = torch.Tensor
REENTRANT = 1e-9  # an interior angle above π(1 + this) is re-entrant


@dataclass(frozen=True)
class Corner:
    """A re-entrant corner at ``at``, the shape between the directions ``start`` (the outgoing
    edge's) and ``start`` turned by ``angle`` (= ω) counter-clockwise; ``radius`` is ρ."""

    at: tuple[float, float]
    start: tuple[float, float]
    angle: float
    radius: float
    edges: tuple[Segment, Segment]

    @property
    def exponent(self) -> float:
        return math.pi / self.angle

    def polar(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """(r², θ) of points x (N, 2), θ ∈ (ω/2 − π, ω/2 + π]: continuous across the shape, the
        cut along the exterior bisector θ = π + ω/2."""
        px, py = x[:, :1] - self.at[0], x[:, 1:2] - self.at[1]
        turn = self.angle / 2  # atan2 in a frame turned by ω/2 has its cut (±π) at θ = π + ω/2
        ex, ey = self.start
        gx, gy = math.cos(turn) * ex - math.sin(turn) * ey, math.sin(turn) * ex + math.cos(turn) * ey
        theta = torch.atan2(gx * py - gy * px, gx * px + gy * py) + turn
        return px * px + py * py, theta

    def cutoff(self, x: Tensor) -> Tensor:
        """χ = (1 − r²/ρ²)³ within ρ of the corner, 0 beyond."""
        r2 = (x[:, :1] - self.at[0]) ** 2 + (x[:, 1:2] - self.at[1]) ** 2
        return torch.clamp(1 - r2 / self.radius ** 2, min=0) ** 3

    def blend(self, x: Tensor, phi: Tensor) -> Tensor:
        """(1 − χ) φ + χ κ S at points x (module docstring)."""
        r2, theta = self.polar(x)
        lam = self.exponent
        singular = r2 ** (lam / 2) * torch.sin(lam * theta) * self.radius ** (1 - lam)
        # sin(λω) = sin(π) is 1.2e-16 in floating point: where φ is 0 the blend is 0 too
        return torch.where(phi == 0, phi, phi + self.cutoff(x) * (singular - phi))


def reentrant(curves: list, fixed: list) -> list[Corner]:
    """The re-entrant corners where two segments of ``fixed`` (the Dirichlet curves, each
    oriented with the shape on its left) meet; ``curves`` are all of the boundary's."""
    found = []
    for into in fixed:
        for out in fixed:
            if not (isinstance(into, Segment) and isinstance(out, Segment)) or into is out or into.b != out.a:
                continue
            d1 = np.subtract(into.b, into.a) / into.length
            d2 = np.subtract(out.b, out.a) / out.length
            angle = math.pi - math.atan2(d1[0] * d2[1] - d1[1] * d2[0], float(d1 @ d2))
            if angle <= math.pi * (1 + REENTRANT):
                continue
            corner = np.asarray([into.b])
            others = [c.nearest(corner)[0] for c in curves if c is not into and c is not out]
            radius = 0.5 * min([into.length, out.length, *others])
            found.append(Corner(tuple(into.b), tuple(d2.tolist()), angle, radius, (into, out)))
    return found

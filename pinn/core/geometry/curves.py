"""Boundary curves of 2D shapes: straight segments and circles, each with points by arc length,
its outward normal and an approximate distance function (ADF) for exact Dirichlet data.

An ADF φ vanishes on the curve, is positive on the shape's side and is *normalised to first
order*: |∇φ| = 1 on the curve (Sukumar & Srivastava 2022, "Exact imposition of boundary
conditions with distance functions in physics-informed deep neural networks"):

* a segment from a to b (length L, centre c): with f the signed distance to its line and
  t = ((L/2)² − |x − c|²)/L the trimming disk through a and b,

      φ = √( f² + ((√(t² + f⁴) − t)/2)² ),

  which is |f| near the segment's inside and grows like the distance to the nearer end beyond it
  (φ ≥ 0 everywhere, so it is joined to others with no sign to keep);
* a circle of radius R about c, the shape inside (a disk) or outside (a hole):

      φ = ± (R² − |x − c|²) / (2R),

  exact to first order on the circle and smooth everywhere (the exact distance R − |x − c| is
  not differentiable at c);
* an ellipse with semi-axes a, b about c, from f = 1 − ((x − c_x)/a)² − ((y − c_y)/b)²:

      φ = ± f / √(f² + |∇f|²),

  normalised to first order (on the ellipse f = 0, so ∇φ = ∇f/|∇f|) and smooth everywhere, the
  centre included (there f = 1 and ∇f = 0).
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch

Tensor = torch.Tensor


class Curve(ABC):
    """A piece of boundary, oriented so that the shape lies on its left (counter-clockwise around
    a solid, clockwise around a hole)."""

    dim = 2  # the coordinates of a point on it

    @property
    @abstractmethod
    def length(self) -> float: ...

    @property
    def measure(self) -> float:
        """Its length (a surface's measure is its area)."""
        return self.length

    @abstractmethod
    def at(self, s: np.ndarray) -> np.ndarray:
        """Points at arc-length fractions s ∈ [0, 1], (n, 2)."""

    @abstractmethod
    def normal(self, s: np.ndarray) -> np.ndarray:
        """The outward unit normal (pointing away from the shape) at fractions s, (n, 2)."""

    @abstractmethod
    def normal_at(self, x: Tensor) -> Tensor:
        """The outward unit normal at points x (N, 2) on the curve, (N, 2); x's further columns
        (time) are not read."""

    @abstractmethod
    def distance(self, x: Tensor) -> Tensor:
        """The ADF φ at points x (N, 2), as a column (N, 1): 0 on the curve, |∇φ| = 1 there."""

    @abstractmethod
    def nearest(self, x: np.ndarray) -> np.ndarray:
        """The Euclidean distance from points x (n, 2) to the curve (for meshing and checks)."""

    @abstractmethod
    def project(self, x: np.ndarray) -> np.ndarray:
        """The nearest points of the curve to points x (n, 2)."""


def distances(curves, x: np.ndarray) -> np.ndarray:
    """The Euclidean distance from points x (n, 2) to each of ``curves``, (len(curves), n): its
    minimum over axis 0 is the distance to them all, its argmin the nearest curve."""
    return np.stack([c.nearest(x) for c in curves])


@dataclass(frozen=True)
class Segment(Curve):
    a: tuple[float, float]
    b: tuple[float, float]

    @property
    def length(self) -> float:
        return math.dist(self.a, self.b)

    def at(self, s):
        a, b = np.asarray(self.a), np.asarray(self.b)
        return a + np.asarray(s, dtype=float)[:, None] * (b - a)

    def normal(self, s):
        (ax, ay), (bx, by) = self.a, self.b
        outward = np.array([by - ay, ax - bx]) / self.length  # the shape on the left: the right is out
        return np.tile(outward, (len(s), 1))

    def normal_at(self, x):
        return torch.as_tensor(self.normal([0.0])[0], dtype=x.dtype, device=x.device).expand(x.shape[0], 2)

    def distance(self, x):
        (ax, ay), (bx, by) = self.a, self.b
        length = self.length
        px, py = x[:, :1], x[:, 1:2]
        f = ((px - ax) * (by - ay) - (py - ay) * (bx - ax)) / length
        cx, cy = (ax + bx) / 2, (ay + by) / 2
        t = ((length / 2) ** 2 - (px - cx) ** 2 - (py - cy) ** 2) / length
        trim = (torch.sqrt(t ** 2 + f ** 4) - t) / 2
        return torch.sqrt(f ** 2 + trim ** 2)

    def nearest(self, x):
        return np.linalg.norm(x - self.project(x), axis=1)

    def project(self, x):
        a, b = np.asarray(self.a), np.asarray(self.b)
        along = np.clip(((x - a) @ (b - a)) / self.length ** 2, 0.0, 1.0)
        return a + along[:, None] * (b - a)


@dataclass(frozen=True)
class Circle(Curve):
    """A whole circle; ``inside`` True when the shape is the disk, False when it is a hole."""

    center: tuple[float, float]
    radius: float
    inside: bool = True

    @property
    def length(self) -> float:
        return 2 * math.pi * self.radius

    def _angle(self, s):
        turn = 2 * math.pi * np.asarray(s, dtype=float)
        return turn if self.inside else -turn  # counter-clockwise around a disk, clockwise around a hole

    def at(self, s):
        angle = self._angle(s)
        return np.asarray(self.center) + self.radius * np.stack([np.cos(angle), np.sin(angle)], axis=1)

    def normal(self, s):
        angle = self._angle(s)
        radial = np.stack([np.cos(angle), np.sin(angle)], axis=1)
        return radial if self.inside else -radial

    def normal_at(self, x):
        radial = (x[:, :2] - torch.as_tensor(self.center, dtype=x.dtype, device=x.device)) / self.radius
        return radial if self.inside else -radial

    def distance(self, x):
        cx, cy = self.center
        phi = (self.radius ** 2 - (x[:, :1] - cx) ** 2 - (x[:, 1:2] - cy) ** 2) / (2 * self.radius)
        return phi if self.inside else -phi

    def nearest(self, x):
        return np.abs(np.linalg.norm(x - np.asarray(self.center), axis=1) - self.radius)

    def project(self, x):
        offset = x - np.asarray(self.center)
        return np.asarray(self.center) + self.radius * offset / np.linalg.norm(offset, axis=1, keepdims=True)


ELLIPSE_TABLE = 4097  # angles at which an ellipse's arc length is tabulated (Simpson's rule between them)


@dataclass(frozen=True)
class Ellipse(Curve):
    """A whole axis-aligned ellipse, semi-axes ``axes`` = (a, b); ``inside`` as for :class:`Circle`.
    Points by arc length come from a table of the arc length against the angle θ of
    (c_x + a cos θ, c_y + b sin θ), interpolated; distances and projections from the nearest tabulated
    angle refined by Newton's method on d/dθ |p(θ) − x|² = 0."""

    center: tuple[float, float]
    axes: tuple[float, float]
    inside: bool = True

    def _point(self, theta):
        (cx, cy), (a, b) = self.center, self.axes
        return np.stack([cx + a * np.cos(theta), cy + b * np.sin(theta)], axis=1)

    @cached_property
    def _table(self) -> tuple[np.ndarray, np.ndarray]:
        """Angles on [0, 2π] and the arc length from θ = 0 to each (Simpson on each interval's halves)."""
        a, b = self.axes
        speed = lambda t: np.hypot(a * np.sin(t), b * np.cos(t))
        theta = np.linspace(0, 2 * np.pi, ELLIPSE_TABLE)
        left, right = theta[:-1], theta[1:]
        pieces = (right - left) / 6 * (speed(left) + 4 * speed((left + right) / 2) + speed(right))
        return theta, np.concatenate([[0.0], np.cumsum(pieces)])

    @property
    def length(self) -> float:
        return float(self._table[1][-1])

    def _angle(self, s):
        theta, arc = self._table
        turn = np.interp(np.asarray(s, dtype=float) * arc[-1], arc, theta)
        return turn if self.inside else -turn

    def at(self, s):
        return self._point(self._angle(s))

    def _outward(self, offset):
        a, b = self.axes
        gradient = offset / np.asarray([a * a, b * b])
        unit = gradient / np.linalg.norm(gradient, axis=1, keepdims=True)
        return unit if self.inside else -unit

    def normal(self, s):
        return self._outward(self.at(s) - np.asarray(self.center))

    def normal_at(self, x):
        a, b = self.axes
        gradient = (x[:, :2] - torch.as_tensor(self.center, dtype=x.dtype, device=x.device)) / torch.as_tensor(
            [a * a, b * b], dtype=x.dtype, device=x.device)
        unit = gradient / gradient.norm(dim=1, keepdim=True)
        return unit if self.inside else -unit

    def distance(self, x):
        (cx, cy), (a, b) = self.center, self.axes
        dx, dy = x[:, :1] - cx, x[:, 1:2] - cy
        f = 1 - (dx / a) ** 2 - (dy / b) ** 2
        gradient_squared = (2 * dx / a ** 2) ** 2 + (2 * dy / b ** 2) ** 2
        phi = f / torch.sqrt(f ** 2 + gradient_squared)
        return phi if self.inside else -phi

    def _nearest_angle(self, x: np.ndarray) -> np.ndarray:
        (cx, cy), (a, b) = self.center, self.axes
        coarse = np.linspace(0, 2 * np.pi, 512, endpoint=False)
        table = self._point(coarse)
        theta = coarse[np.argmin(((x[:, None, :] - table[None]) ** 2).sum(axis=2), axis=1)]
        for _ in range(8):  # Newton on g(θ) = (p − x)·p'(θ), from the nearest tabulated angle
            px, py = cx + a * np.cos(theta), cy + b * np.sin(theta)
            tx, ty = -a * np.sin(theta), b * np.cos(theta)
            g = (px - x[:, 0]) * tx + (py - x[:, 1]) * ty
            slope = tx * tx + ty * ty + (px - x[:, 0]) * (-a * np.cos(theta)) + (py - x[:, 1]) * (-b * np.sin(theta))
            theta = theta - g / np.where(slope > 0, slope, tx * tx + ty * ty)
        return theta

    def nearest(self, x):
        return np.linalg.norm(x - self.project(x), axis=1)

    def project(self, x):
        return self._point(self._nearest_angle(x))

"""Boundary surfaces of 3D bodies: spheres and the rectangular faces of a box, each with points by
area, its outward normal and an approximate distance function (ADF) normalised to first order
(the 3D counterparts of :mod:`pinn.core.geometry.curves`; a :class:`~pinn.core.geometry.region.Piece`
holds either):

* a sphere of radius R about c, the body inside (a ball) or outside (a hole):

      φ = ± (R² − |x − c|²) / (2R),

  exact to first order on the sphere and smooth everywhere, the centre included;
* a face x_k = a of a box, the body on the side x_k > a (or x_k < a): φ = ±(x_k − a), the
  distance to the face's plane. A box is convex, so every face's φ is positive inside it and the
  R-equivalence of the six (:mod:`pinn.core.geometry.distance`) vanishes on the box's boundary
  only — which is why a box may be a body but not a hole;
* a cylinder's side, radius R about the axis through c along z: φ = (R² − ρ²)/(2R), ρ the distance
  from the axis (smooth on the axis); its end caps z = z₀, z₁ are discs with a plane's φ, as a
  box's faces (a cylinder, convex, may be a body but not a hole).

Points by area: on a sphere z = 1 − 2u, ϕ = 2πv for (u, v) uniform in the unit square (Archimedes:
a sphere's zone has the area of its cylinder's); on a face, the unit square scaled; on a cylinder's
side (ϕ, z) uniform; on a disc ρ = R√u, ϕ = 2πv.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np
import torch

Tensor = torch.Tensor
GOLDEN = (1 + math.sqrt(5)) / 2


def _fibonacci(count: int) -> np.ndarray:
    """count unit-square points of the Fibonacci lattice: mapped by area, nodes of about equal
    spacing on a sphere or a disc."""
    k = np.arange(count)
    return np.column_stack([(k + 0.5) / count, (k / GOLDEN) % 1.0])


def _grid(*counts: int, closed: tuple[bool, ...]) -> np.ndarray:
    """A unit-square grid of counts[i] points along axis i, its ends included where closed[i]."""
    axes = [np.linspace(0, 1, n) if shut else np.arange(n) / n for n, shut in zip(counts, closed)]
    return np.stack([g.ravel() for g in np.meshgrid(*axes, indexing="ij")], axis=1)


class Surface(ABC):
    """A piece of a body's boundary; its normal points away from the body."""

    dim = 3  # the coordinates of a point on it

    @property
    @abstractmethod
    def measure(self) -> float:
        """Its area."""

    @abstractmethod
    def at(self, s: np.ndarray) -> np.ndarray:
        """Points for unit-square coordinates s (n, 2), uniform by area, (n, 3)."""

    @abstractmethod
    def normal_at(self, x: Tensor) -> Tensor:
        """The outward unit normal at points x (N, 3) on the surface, (N, 3)."""

    @abstractmethod
    def distance(self, x: Tensor) -> Tensor:
        """The ADF φ at points x (N, 3), as a column (N, 1)."""

    @abstractmethod
    def nearest(self, x: np.ndarray) -> np.ndarray:
        """The Euclidean distance from points x (n, 3) to the surface."""

    @abstractmethod
    def nodes(self, h: float) -> np.ndarray:
        """Nodes about h apart on the surface, its rims included (the test mesh's), (n, 3)."""


@dataclass(frozen=True)
class Sphere(Surface):
    """A whole sphere; ``inside`` True when the body is the ball, False when it is a hole."""

    center: tuple[float, float, float]
    radius: float
    inside: bool = True

    @property
    def measure(self) -> float:
        return 4 * math.pi * self.radius ** 2

    def at(self, s):
        z = 1 - 2 * s[:, 0]
        turn = 2 * math.pi * s[:, 1]
        ring = np.sqrt(np.clip(1 - z ** 2, 0.0, None))
        return np.asarray(self.center) + self.radius * np.column_stack([ring * np.cos(turn), ring * np.sin(turn), z])

    def normal_at(self, x):
        radial = (x[:, :3] - torch.as_tensor(self.center, dtype=x.dtype, device=x.device)) / self.radius
        return radial if self.inside else -radial

    def distance(self, x):
        offset = x[:, :3] - torch.as_tensor(self.center, dtype=x.dtype, device=x.device)
        phi = (self.radius ** 2 - (offset ** 2).sum(dim=1, keepdim=True)) / (2 * self.radius)
        return phi if self.inside else -phi

    def nearest(self, x):
        return np.abs(np.linalg.norm(x - np.asarray(self.center), axis=1) - self.radius)

    def nodes(self, h):
        return self.at(_fibonacci(max(12, int(math.ceil(self.measure / h ** 2)))))


@dataclass(frozen=True)
class Face(Surface):
    """The face x_axis = value of an axis-aligned box, spanning ``extent`` ((lo, hi) of each axis;
    the entry of ``axis`` itself is not read); ``outward`` is +1 where the body lies at x_axis <
    value (the box's upper face), −1 where it lies above (the lower face)."""

    axis: int
    value: float
    outward: int
    extent: tuple[tuple[float, float], ...]

    @property
    def _across(self) -> tuple[int, int]:
        return tuple(k for k in range(3) if k != self.axis)

    @property
    def measure(self) -> float:
        return math.prod(self.extent[k][1] - self.extent[k][0] for k in self._across)

    def at(self, s):
        found = np.full((len(s), 3), self.value, dtype=float)
        for column, k in enumerate(self._across):
            lo, hi = self.extent[k]
            found[:, k] = lo + (hi - lo) * s[:, column]
        return found

    def normal_at(self, x):
        normal = torch.zeros(3, dtype=x.dtype, device=x.device)
        normal[self.axis] = self.outward
        return normal.expand(x.shape[0], 3)

    def distance(self, x):
        return self.outward * (self.value - x[:, self.axis:self.axis + 1])

    def nearest(self, x):
        lo, hi = np.asarray(self.extent, dtype=float).T
        closest = np.clip(x, lo, hi)
        closest[:, self.axis] = self.value
        return np.linalg.norm(x - closest, axis=1)

    def nodes(self, h):
        counts = [max(2, int(math.ceil((self.extent[k][1] - self.extent[k][0]) / h)) + 1) for k in self._across]
        return self.at(_grid(*counts, closed=(True, True)))


@dataclass(frozen=True)
class CylinderSide(Surface):
    """The side of the cylinder of radius ``radius`` about the axis through ``center`` (x, y)
    along z, for ``heights`` (z₀, z₁); the body inside."""

    center: tuple[float, float]
    radius: float
    heights: tuple[float, float]

    @property
    def measure(self) -> float:
        return 2 * math.pi * self.radius * (self.heights[1] - self.heights[0])

    def at(self, s):
        turn = 2 * math.pi * s[:, 0]
        z0, z1 = self.heights
        return np.column_stack([self.center[0] + self.radius * np.cos(turn), self.center[1] + self.radius * np.sin(turn),
                                z0 + (z1 - z0) * s[:, 1]])

    def normal_at(self, x):
        radial = (x[:, :2] - torch.as_tensor(self.center, dtype=x.dtype, device=x.device)) / self.radius
        return torch.cat([radial, torch.zeros_like(x[:, :1])], dim=1)

    def distance(self, x):
        offset = x[:, :2] - torch.as_tensor(self.center, dtype=x.dtype, device=x.device)
        return (self.radius ** 2 - (offset ** 2).sum(dim=1, keepdim=True)) / (2 * self.radius)

    def nearest(self, x):
        rho = np.linalg.norm(x[:, :2] - np.asarray(self.center), axis=1)
        z0, z1 = self.heights
        beyond = np.maximum(np.maximum(z0 - x[:, 2], x[:, 2] - z1), 0.0)
        return np.hypot(rho - self.radius, beyond)

    def nodes(self, h):
        around = max(12, int(math.ceil(2 * math.pi * self.radius / h)))
        return self.at(_grid(around, max(2, int(math.ceil((self.heights[1] - self.heights[0]) / h)) + 1),
                             closed=(False, True)))


@dataclass(frozen=True)
class Disc(Surface):
    """An end cap z = ``height`` of a cylinder: the disc of radius ``radius`` about ``center``
    (x, y); ``outward`` as a box's face's (+1: the body below it)."""

    center: tuple[float, float]
    radius: float
    height: float
    outward: int

    @property
    def measure(self) -> float:
        return math.pi * self.radius ** 2

    def at(self, s):
        rho, turn = self.radius * np.sqrt(s[:, 0]), 2 * math.pi * s[:, 1]
        return np.column_stack([self.center[0] + rho * np.cos(turn), self.center[1] + rho * np.sin(turn),
                                np.full(len(s), self.height)])

    def normal_at(self, x):
        normal = torch.zeros(3, dtype=x.dtype, device=x.device)
        normal[2] = self.outward
        return normal.expand(x.shape[0], 3)

    def distance(self, x):
        return self.outward * (self.height - x[:, 2:3])

    def nearest(self, x):
        rho = np.linalg.norm(x[:, :2] - np.asarray(self.center), axis=1)
        return np.hypot(np.maximum(rho - self.radius, 0.0), x[:, 2] - self.height)

    def nodes(self, h):
        return self.at(_fibonacci(max(12, int(math.ceil(self.measure / h ** 2)))))

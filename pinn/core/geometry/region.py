"""A 2D shape or a 3D body as a problem's domain: :class:`Region` implements the
:class:`~pinn.core.domains.Domain` contract on a :mod:`~pinn.core.geometry.shapes` shape or a
:mod:`~pinn.core.geometry.solids` body, with its named boundary pieces (:class:`Piece`: curves in
2D, surfaces in 3D) as the places conditions are given.

On a piece, a derivative condition reads the derivative along the outward normal, n·∇u (on a box's
side it reads the axis's derivative, as it always has). ``training.points.boundary`` counts the
points on the whole boundary: each piece gets its share by length (area in 3D). The test set is a
triangulation of the shape (:func:`~pinn.core.geometry.points.test_mesh`; a body's tetrahedra,
:func:`~pinn.core.geometry.solid_points.test_mesh`) with lumped quadrature weights, fine enough for
about :data:`TEST_NODES` nodes (:data:`TEST_NODES_3D` in 3D). The residual and the derivatives
are scored at the nodes off the boundary only: on a straight piece with exact data the distance
function has a kink (it is |f| across the segment's line), so derivatives there have no value from
both sides.
"""
from __future__ import annotations

import math
from abc import abstractmethod
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import torch

from pinn.core import sampling
from pinn.core.domains import Axis, Domain
from pinn.core.geometry import points, solid_points
from pinn.core.geometry.curves import Curve, distances
from pinn.core.geometry.distance import piece_distance
from pinn.core.geometry.surfaces import Surface

PROBE_SEED = 7  # the checks' points: fixed, apart from any training seed
TEST_NODES = 20000  # half a box's 201² grid: the finite-element reference solves on 16 times as many unknowns
TEST_NODES_3D = 30000  # a 31³ grid's worth, for the rel L2 and the slices: 1.5 s to triangulate
AXES = ("x", "y", "z")

Tensor = torch.Tensor


@dataclass(frozen=True, eq=False)
class Piece:
    """A named part of a region's boundary: what a condition's ``at:`` names; its parts are
    :class:`~pinn.core.geometry.curves.Curve` objects in 2D, surfaces in 3D."""

    name: str
    parts: tuple[Curve | Surface, ...]

    def __str__(self) -> str:
        return self.name

    @property
    def dim(self) -> int:
        return self.parts[0].dim

    @property
    def measure(self) -> float:
        """Its length (its area in 3D)."""
        return sum(c.measure for c in self.parts)

    def normal(self, x: Tensor) -> Tensor:
        """The outward unit normal at points x on the piece (the nearest part's), (N, dim)."""
        if len(self.parts) == 1:
            return self.parts[0].normal_at(x)
        near = distances(self.parts, x[:, :self.dim].detach().cpu().double().numpy()).argmin(axis=0)
        normals = torch.stack([c.normal_at(x) for c in self.parts])  # (parts, N, dim)
        return normals[torch.as_tensor(near, device=x.device), torch.arange(x.shape[0], device=x.device)]

    def derivative(self, x: Tensor, u) -> Tensor:
        """n·∇u at points x on the piece."""
        n = self.normal(x)
        return sum((n[:, k:k + 1] * u.d(k) for k in range(1, self.dim)), start=n[:, :1] * u.d(0))

    def distance(self, x: Tensor) -> Tensor:
        """The piece's ADF (:mod:`pinn.core.geometry.distance`), (N, 1)."""
        return piece_distance(self.parts, x)


class Pieced(Domain):
    """A domain whose boundary is named :class:`Piece` objects (over all times, with time): a
    shape, or a shape times an interval (:class:`pinn.core.geometry.spacetime.RegionTime`)."""

    @abstractmethod
    def sides(self) -> list[Piece]: ...

    @abstractmethod
    def piece(self, name: str) -> Piece | None:
        """The piece named ``name`` (None: no such piece)."""

    @abstractmethod
    def holds(self, x: np.ndarray) -> np.ndarray:
        """Whether each point of x (n, dim) lies in the closed domain: inside, or on the boundary
        to 1e-9 of the shape's size (boolean, n)."""


class Region(Pieced):
    """``shape`` (a 2D shape or a 3D body) as a domain with axes ``names`` (x, y and z)."""

    def __init__(self, shape, names: tuple[str, ...] | None = None):
        self.shape, self._names = shape, tuple(names or AXES[:shape.dim])
        self._pieces = [Piece(name, tuple(parts)) for name, parts in shape.pieces().items()]

    @property
    def axes(self) -> tuple[Axis, ...]:
        return tuple(Axis(n, float(lo), float(hi)) for n, (lo, hi) in zip(self._names, self.shape.bounds))

    def sides(self) -> list[Piece]:
        return list(self._pieces)

    def piece_of(self, x: np.ndarray) -> np.ndarray:
        """The index (in :meth:`sides`) of the piece nearest each point of x (n, dim)."""
        return np.stack([distances(p.parts, x).min(axis=0) for p in self._pieces]).argmin(axis=0)

    def piece(self, name: str) -> Piece | None:
        return next((p for p in self._pieces if p.name == name), None)

    def holds(self, x):
        space = x[:, :self.shape.dim]
        near = distances([c for p in self._pieces for c in p.parts], space).min(axis=0)
        return self.shape.contains(space) | (near <= 1e-9 * math.hypot(*(hi - lo for lo, hi in self.shape.bounds)))

    def sample_interior(self, n, method, seed, dtype, device):
        return torch.as_tensor(points.interior(self.shape, n, method, seed), dtype=dtype, device=device)

    def sample_side(self, side, n, method, seed, dtype, device):
        """A piece's share of n points on the whole boundary, by length (area in 3D; at least
        one), on its curves by arc length (its surfaces by area): a small hole gets few points, a
        long edge many."""
        share = max(1, round(n * side.measure / sum(p.measure for p in self._pieces)))
        if self.shape.dim == 3:
            found = solid_points.on_surfaces(list(side.parts), share, method, seed)
        else:
            found, _ = points.on_curves(list(side.parts), share, method, seed)
        return torch.as_tensor(found, dtype=dtype, device=device)

    @cached_property
    def test_mesh(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(nodes, triangles (tetrahedra in 3D), quadrature weights) of the test set."""
        if self.shape.dim == 3:
            return solid_points.test_mesh(self.shape, (self.shape.measure / TEST_NODES_3D) ** (1 / 3))
        return points.test_mesh(self.shape, math.sqrt(2 / math.sqrt(3) * self.shape.area / TEST_NODES))

    @property
    def test_weights(self) -> np.ndarray:
        return self.test_mesh[2]

    @cached_property
    def test_interior(self) -> np.ndarray:
        """Which test nodes lie off the boundary (boolean): the residual is scored there only."""
        nodes = self.test_mesh[0]
        near = distances([c for p in self._pieces for c in p.parts], nodes).min(axis=0)
        return near > 1e-12 * (1 + float(np.abs(nodes).max()))

    @property
    def test_triangles(self) -> np.ndarray | None:
        return self.test_mesh[1] if self.shape.dim == 2 else None

    @property
    def test_tetrahedra(self) -> np.ndarray | None:
        return self.test_mesh[1] if self.shape.dim == 3 else None

    def test_shape(self) -> tuple[int, ...]:
        return (len(self.test_mesh[0]),)

    def test_grid(self, dtype=torch.float64) -> Tensor:
        return torch.as_tensor(self.test_mesh[0], dtype=dtype)

    def probe_grid(self, per_axis: int) -> Tensor:
        """per_axis² Sobol points inside the shape (by measure): unlike a grid they never sit on a
        centre of symmetry, where a radial expression's derivatives (of √(x² + y²)) are 0/0."""
        return torch.as_tensor(points.interior(self.shape, per_axis ** 2, "sobol", PROBE_SEED))

    def describe(self, point) -> str:
        return sampling.describe(point, self._names)

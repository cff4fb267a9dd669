"""3D bodies: balls, boxes, cylinders along z, and a body with balls taken out of it, each with named boundary pieces
(the 3D counterparts of :mod:`pinn.core.geometry.shapes`).

A body knows whether points lie inside it (``contains``), its bounding box, its volume
(``measure``) and its boundary as named pieces of :mod:`~pinn.core.geometry.surfaces` surfaces
whose normals point out of it. A ball's or a box's boundary is one piece named by ``name`` (its
kind unless given); a box may instead name its six faces (``sides``: x = x0, x = x1, y = y0, y = y1,
z = z0, z = z1), faces of one name being one piece. :class:`Hollow` takes balls out of a ball or a
box: each inside the outer body and apart from the others (checked when it is made), their
spheres' normals pointing into the holes.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from pinn.core.geometry.shapes import GeometryError, Holed, Round
from pinn.core.geometry.surfaces import CylinderSide, Disc, Face, Sphere, Surface

FACES = ("x0", "x1", "y0", "y1", "z0", "z1")  # the order of a box's ``sides``


class Solid(ABC):
    name: str
    dim = 3

    @abstractmethod
    def contains(self, x: np.ndarray) -> np.ndarray:
        """Whether each point of x (n, 3) lies strictly inside (boolean, n)."""

    @property
    @abstractmethod
    def bounds(self) -> tuple[tuple[float, float], ...]:
        """((x_min, x_max), (y_min, y_max), (z_min, z_max))."""

    @property
    @abstractmethod
    def measure(self) -> float:
        """The volume."""

    @abstractmethod
    def pieces(self) -> dict[str, list[Surface]]:
        """The boundary's named pieces: name -> surfaces."""

    def surfaces(self) -> list[Surface]:
        return [s for surfaces in self.pieces().values() for s in surfaces]


@dataclass(frozen=True)
class Ball(Round, Solid):
    center: tuple[float, float, float]
    radius: float
    name: str = "ball"

    @property
    def measure(self) -> float:
        return 4 / 3 * math.pi * self.radius ** 3

    def pieces(self):
        return {self.name: [Sphere(tuple(self.center), self.radius, inside=True)]}

    def reversed_pieces(self) -> dict[str, list[Surface]]:
        """:meth:`pieces` as a hole's: the sphere's normal pointing into the ball."""
        return {self.name: [Sphere(tuple(self.center), self.radius, inside=False)]}


@dataclass(frozen=True)
class Cuboid(Solid):
    """The box [x0, x1] × [y0, y1] × [z0, z1]."""

    intervals: tuple[tuple[float, float], ...]
    name: str = "box"
    sides: tuple[str, ...] | None = None

    def __post_init__(self):
        if len(self.intervals) != 3 or not all(lo < hi for lo, hi in self.intervals):
            raise GeometryError(f"a box needs [[x0, x1], [y0, y1], [z0, z1]] with each lower end below the upper; "
                                f"got {[list(i) for i in self.intervals]}")
        if self.sides is not None and len(self.sides) != 6:
            raise GeometryError(f"a box has six faces to name ({', '.join(FACES)}); got {len(self.sides)} names")

    def contains(self, x):
        lo, hi = np.asarray(self.intervals, dtype=float).T
        return np.all((x > lo) & (x < hi), axis=1)

    @property
    def bounds(self):
        return tuple(tuple(i) for i in self.intervals)

    @property
    def measure(self) -> float:
        return math.prod(hi - lo for lo, hi in self.intervals)

    def pieces(self):
        found = {}
        for k, side in enumerate(self.sides or [self.name] * 6):
            axis, upper = divmod(k, 2)
            face = Face(axis, self.intervals[axis][upper], 1 if upper else -1, self.bounds)
            found.setdefault(side, []).append(face)
        return found


@dataclass(frozen=True)
class Cylinder(Solid):
    """The cylinder of radius ``radius`` about the axis through ``center`` (x, y) along z, for z
    in ``heights``; its pieces ``side``, ``bottom`` and ``top`` unless ``name`` names the whole."""

    center: tuple[float, float]
    radius: float
    heights: tuple[float, float]
    name: str | None = None

    def __post_init__(self):
        if not self.radius > 0 or not self.heights[0] < self.heights[1]:
            raise GeometryError(f"a cylinder needs a positive radius and heights [z0, z1] with z0 < z1; got radius "
                                f"{self.radius}, heights {list(self.heights)}")

    def contains(self, x):
        z0, z1 = self.heights
        return (np.linalg.norm(x[:, :2] - np.asarray(self.center), axis=1) < self.radius) & (x[:, 2] > z0) & (x[:, 2] < z1)

    @property
    def bounds(self):
        (cx, cy), r = self.center, self.radius
        return (cx - r, cx + r), (cy - r, cy + r), tuple(self.heights)

    @property
    def measure(self) -> float:
        return math.pi * self.radius ** 2 * (self.heights[1] - self.heights[0])

    def pieces(self):
        center, (z0, z1) = tuple(self.center), self.heights
        found = {"side": [CylinderSide(center, self.radius, tuple(self.heights))],
                 "bottom": [Disc(center, self.radius, z0, -1)], "top": [Disc(center, self.radius, z1, 1)]}
        return {self.name: [s for surfaces in found.values() for s in surfaces]} if self.name else found


HOLE_CHECK_GRID = 64  # per hole: 64² points of its sphere must lie inside the outer body


@dataclass(frozen=True)
class Hollow(Holed, Solid):
    """``outer`` less the balls ``holes``: each inside ``outer`` and apart from the others."""

    outer: Solid
    holes: tuple[Ball, ...]

    def __post_init__(self):
        centres = (np.arange(HOLE_CHECK_GRID) + 0.5) / HOLE_CHECK_GRID
        grid = np.stack(np.meshgrid(centres, centres, indexing="ij"), axis=-1).reshape(-1, 2)
        for i, hole in enumerate(self.holes):
            sphere = Sphere(tuple(hole.center), hole.radius)
            if not self.outer.contains(sphere.at(grid)).all():
                raise GeometryError(f"hole {i + 1} ({hole.name}) is not inside the outer body ({self.outer.name}): "
                                    f"holes must lie strictly inside it")
            for j, other in enumerate(self.holes[:i]):
                if math.dist(hole.center, other.center) <= hole.radius + other.radius:
                    raise GeometryError(f"holes {j + 1} and {i + 1} overlap: holes must lie apart")

    def contains(self, x):
        inside = self.outer.contains(x)
        for hole in self.holes:
            inside &= np.linalg.norm(x - np.asarray(hole.center), axis=1) > hole.radius
        return inside

    @property
    def measure(self) -> float:
        return self.outer.measure - sum(h.measure for h in self.holes)

"""2D shapes: disks, polygons (rectangles among them) and a shape with holes, each with named
boundary pieces.

A shape knows whether points lie inside it (``contains``), its bounding box, its area, and its
boundary as named pieces — each a list of :class:`~pinn.core.geometry.curves.Curve` oriented with
the shape on their left, so that every curve knows its outward normal. A primitive's boundary is
one piece, named by ``name`` (its kind unless given); pieces of the same name are one piece (four
holes named ``holes``). :class:`Difference` takes holes that lie inside its outer shape and apart
from each other (checked when it is made): their curves turn round, so that their normals point
into the holes, out of the domain.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass

import numpy as np

from pinn.core.geometry.curves import Circle, Curve, Ellipse, Segment, distances


class GeometryError(ValueError):
    """A shape that cannot be made as given (a polygon with fewer than three corners, a hole
    that leaves its outer shape)."""


class Shape(ABC):
    name: str
    dim = 2

    @abstractmethod
    def contains(self, x: np.ndarray) -> np.ndarray:
        """Whether each point of x (n, 2) lies strictly inside (boolean, n)."""

    @property
    @abstractmethod
    def bounds(self) -> tuple[tuple[float, float], tuple[float, float]]:
        """((x_min, x_max), (y_min, y_max))."""

    @property
    @abstractmethod
    def area(self) -> float: ...

    @property
    def measure(self) -> float:
        """The area (a body's measure is its volume)."""
        return self.area

    @abstractmethod
    def curves(self) -> list[Curve]:
        """The boundary, oriented with the shape on the left."""

    def pieces(self) -> dict[str, list[Curve]]:
        """The boundary's named pieces: name -> curves."""
        return {self.name: self.curves()}

    @abstractmethod
    def reversed_curves(self) -> list[Curve]:
        """The boundary oriented the other way: as a hole's, the shape on the right."""

    def reversed_pieces(self) -> dict[str, list[Curve]]:
        """:meth:`pieces` as a hole's: name -> curves oriented the other way."""
        return {self.name: self.reversed_curves()}


class Round:
    """What a disk and a ball share: the points nearer than ``radius`` to ``center``."""

    center: tuple[float, ...]
    radius: float

    def __post_init__(self):
        if not self.radius > 0:
            raise GeometryError(f"a {type(self).__name__.lower()}'s radius must be positive; got {self.radius}")

    def contains(self, x):
        return np.linalg.norm(x - np.asarray(self.center), axis=1) < self.radius

    @property
    def bounds(self):
        return tuple((c - self.radius, c + self.radius) for c in self.center)


@dataclass(frozen=True)
class Disk(Round, Shape):
    center: tuple[float, float]
    radius: float
    name: str = "disk"

    @property
    def area(self) -> float:
        return math.pi * self.radius ** 2

    def curves(self):
        return [Circle(tuple(self.center), self.radius, inside=True)]

    def reversed_curves(self):
        return [Circle(tuple(self.center), self.radius, inside=False)]


@dataclass(frozen=True)
class EllipseShape(Shape):
    """The axis-aligned ellipse about ``center`` with semi-axes ``axes`` = (a, b)."""

    center: tuple[float, float]
    axes: tuple[float, float]
    name: str = "ellipse"

    def __post_init__(self):
        if not min(self.axes) > 0:
            raise GeometryError(f"an ellipse's semi-axes must be positive; got {list(self.axes)}")

    def contains(self, x):
        (a, b) = self.axes
        offset = x - np.asarray(self.center)
        return (offset[:, 0] / a) ** 2 + (offset[:, 1] / b) ** 2 < 1

    @property
    def bounds(self):
        (cx, cy), (a, b) = self.center, self.axes
        return (cx - a, cx + a), (cy - b, cy + b)

    @property
    def area(self) -> float:
        return math.pi * self.axes[0] * self.axes[1]

    def curves(self):
        return [Ellipse(tuple(self.center), tuple(self.axes), inside=True)]

    def reversed_curves(self):
        return [Ellipse(tuple(self.center), tuple(self.axes), inside=False)]


def _crossing_edges(corners: np.ndarray) -> tuple[int, int] | None:
    """The first two edges that are not neighbours and meet (cross or touch), or None: by the
    signs of the orientations of each edge's ends against the other edge's line (edges on one
    line meet where their extents overlap)."""
    a, b = corners, np.roll(corners, -1, axis=0)
    count = len(corners)
    side = lambda p, q, r: np.sign((q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1])
                                   - (q[..., 1] - p[..., 1]) * (r[..., 0] - p[..., 0]))
    i, j = np.triu_indices(count, k=2)
    keep = ~((i == 0) & (j == count - 1))  # the last edge and the first share a corner
    i, j = i[keep], j[keep]
    s1, s2, s3, s4 = side(a[i], b[i], a[j]), side(a[i], b[i], b[j]), side(a[j], b[j], a[i]), side(a[j], b[j], b[i])
    collinear = (s1 == 0) & (s2 == 0)
    low = lambda p, q: np.minimum(p, q)
    high = lambda p, q: np.maximum(p, q)
    overlap = np.all((high(low(a[i], b[i]), low(a[j], b[j])) <= low(high(a[i], b[i]), high(a[j], b[j]))), axis=1)
    meets = np.where(collinear, overlap, (s1 * s2 <= 0) & (s3 * s4 <= 0))
    hit = np.flatnonzero(meets)
    return None if hit.size == 0 else (int(i[hit[0]]), int(j[hit[0]]))


def _signed_area(vertices: np.ndarray) -> float:
    x, y = vertices[:, 0], vertices[:, 1]
    return 0.5 * float(np.sum(x * np.roll(y, -1) - np.roll(x, -1) * y))


@dataclass(frozen=True)
class Polygon(Shape):
    """A simple polygon through ``vertices`` (in either order; stored counter-clockwise). Its
    boundary is one piece named ``name``, or, with ``sides`` (one name per edge, edge i from vertex
    i to vertex i + 1 as given), the edges grouped by their names."""

    vertices: tuple[tuple[float, float], ...]
    name: str = "polygon"
    sides: tuple[str, ...] | None = None

    def __post_init__(self):
        corners = np.asarray(self.vertices, dtype=float)
        if corners.ndim != 2 or corners.shape[1] != 2 or len(corners) < 3:
            raise GeometryError(f"a polygon needs at least three corners [x, y]; got {len(corners)}")
        if self.sides is not None and len(self.sides) != len(corners):
            raise GeometryError(f"a polygon with {len(corners)} corners has {len(corners)} sides to name; "
                                f"got {len(self.sides)} names")
        area = _signed_area(corners)
        if not abs(area) > 0:
            raise GeometryError("the polygon's corners enclose no area")
        crossing = _crossing_edges(corners)
        if crossing is not None:
            raise GeometryError(f"the polygon's edges {crossing[0] + 1} and {crossing[1] + 1} cross; a polygon must be "
                                f"simple (its corners in order around it)")
        if area < 0:  # clockwise as given: reversed, edge i (v_i → v_i+1) becomes edge n − 2 − i
            corners = corners[::-1]
            if self.sides is not None:
                object.__setattr__(self, "sides", (*self.sides[-2::-1], self.sides[-1]))
        object.__setattr__(self, "vertices", tuple(map(tuple, corners.tolist())))

    def contains(self, x):
        inside = np.zeros(len(x), dtype=bool)
        px, py = x[:, 0], x[:, 1]
        for (ax, ay), (bx, by) in zip(self.vertices, self.vertices[1:] + self.vertices[:1]):
            if ay == by:
                continue  # a horizontal edge: the rightward ray never crosses it
            crosses = ((ay > py) != (by > py)) & (px < ax + (py - ay) * (bx - ax) / (by - ay))
            inside ^= crosses  # even-odd: an odd number of crossings is inside
        # a point on an edge may be counted either way: strictly inside means off every edge
        near = distances(self.curves(), x).min(axis=0)
        return inside & (near > 1e-12 * (1 + self.diameter))

    @property
    def diameter(self) -> float:
        (x0, x1), (y0, y1) = self.bounds
        return math.hypot(x1 - x0, y1 - y0)

    @property
    def bounds(self):
        corners = np.asarray(self.vertices)
        return tuple(map(tuple, np.stack([corners.min(axis=0), corners.max(axis=0)], axis=1).tolist()))

    @property
    def area(self) -> float:
        return _signed_area(np.asarray(self.vertices))

    def curves(self):
        v = self.vertices
        return [Segment(v[i], v[(i + 1) % len(v)]) for i in range(len(v))]

    def reversed_curves(self):
        v = self.vertices[::-1]
        return [Segment(v[i], v[(i + 1) % len(v)]) for i in range(len(v))]

    def pieces(self):
        return self._grouped(self.curves(), self.sides)

    def reversed_pieces(self):
        sides = None if self.sides is None else (*self.sides[-2::-1], self.sides[-1])
        return self._grouped(self.reversed_curves(), sides)

    def _grouped(self, curves, sides) -> dict[str, list[Curve]]:
        found = {}
        for curve, side in zip(curves, sides or [self.name] * len(curves)):
            found.setdefault(side, []).append(curve)
        return found


def rectangle(intervals, name: str = "rectangle", sides: tuple[str, ...] | None = None) -> Polygon:
    """The rectangle [x0, x1] × [y0, y1] as a polygon (corners from (x0, y0) counter-clockwise)."""
    (x0, x1), (y0, y1) = intervals
    if not (x0 < x1 and y0 < y1):
        raise GeometryError(f"a rectangle needs [x0, x1], [y0, y1] with x0 < x1 and y0 < y1; got {intervals}")
    return Polygon(((x0, y0), (x1, y0), (x1, y1), (x0, y1)), name, sides)


class Holed:
    """What a 2D shape with holes and a 3D body with holes share: the outer one's name and bounds,
    and its pieces joined by the holes' own, turned to face into the holes."""

    outer: Shape
    holes: tuple

    @property
    def name(self) -> str:
        return self.outer.name

    @property
    def bounds(self):
        return self.outer.bounds

    def pieces(self):
        found = dict(self.outer.pieces())
        for hole in self.holes:
            for name, parts in hole.reversed_pieces().items():
                found.setdefault(name, []).extend(parts)
        return found


HOLE_CHECK_POINTS = 2000  # per hole: points of its boundary that must lie inside the outer shape


@dataclass(frozen=True)
class Difference(Holed, Shape):
    """``outer`` less ``holes``: each hole inside ``outer`` and apart from the others."""

    outer: Shape
    holes: tuple[Shape, ...]

    def __post_init__(self):
        for i, hole in enumerate(self.holes):
            for curve in hole.curves():
                points = curve.at(np.linspace(0, 1, HOLE_CHECK_POINTS, endpoint=False))
                if not self.outer.contains(points).all():
                    raise GeometryError(f"hole {i + 1} ({hole.name}) is not inside the outer shape "
                                        f"({self.outer.name}): holes must lie strictly inside it")
                for j, other in enumerate(self.holes):
                    if j != i and other.contains(points).any():
                        raise GeometryError(f"holes {i + 1} and {j + 1} overlap: holes must lie apart")

    def contains(self, x):
        inside = self.outer.contains(x)
        for hole in self.holes:
            inside &= ~hole.contains(x) & (distances(hole.curves(), x).min(axis=0) > 0)
        return inside

    @property
    def area(self) -> float:
        return self.outer.area - sum(h.area for h in self.holes)

    def curves(self):
        return [c for curves in self.pieces().values() for c in curves]

    def reversed_curves(self):
        raise GeometryError("a shape with holes cannot itself be a hole")

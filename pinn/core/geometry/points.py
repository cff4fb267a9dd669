"""Points on and in a 2D shape: collocation points by measure, and a triangulated test set.

* Interior points: scrambled Sobol (or uniform) points of the bounding box, those inside kept —
  rejection keeps them uniform by area; more are drawn from the same sequence until n are in.
  ``grid``: a hexagonal lattice with about n points inside.
* Boundary points of a piece: n in proportion to each curve's length (largest remainders), each
  curve's by arc length; never at a curve's ends, so a polygon's corner, where the normal has no
  value, is never a point (the normal policy: each edge's own).
* The test set: a Delaunay triangulation of boundary nodes at spacing h along every curve and a
  hexagonal lattice of spacing h inside (nodes nearer than h/2 to the boundary dropped), less the
  triangles whose centroid is outside (a concave corner, a hole). Lumped quadrature weights
  (a third of each triangle's area at each of its corners) integrate linear functions exactly on
  the triangulated region, whose area is the shape's to O(h²) where the boundary curves.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.spatial import Delaunay

from pinn.core.geometry.curves import Curve, distances
from pinn.core.geometry.shapes import GeometryError
from pinn.core.sampling import unit_samples


def _lattice(shape, h: float) -> np.ndarray:
    """The hexagonal lattice of spacing h over the shape's bounding box (rows h√3/2 apart, every
    other one shifted by h/2)."""
    (x0, x1), (y0, y1) = shape.bounds
    rows = np.arange(y0, y1 + h, h * math.sqrt(3) / 2)
    return np.concatenate([np.column_stack([xs, np.full_like(xs, y)])
                           for i, y in enumerate(rows) for xs in [np.arange(x0 + (h / 2) * (i % 2), x1 + h, h)]])


def interior(shape, n: int, method: str, seed: int) -> np.ndarray:
    """n points inside ``shape`` (n, 2), uniform by area; ``grid``: the hexagonal lattice with about
    n points inside (as a box's grid has about n)."""
    if method == "grid":
        lattice = _lattice(shape, math.sqrt(2 / math.sqrt(3) * shape.area / n))
        return lattice[shape.contains(lattice)]
    (x0, x1), (y0, y1) = shape.bounds
    fill = shape.area / ((x1 - x0) * (y1 - y0))
    draw = int(math.ceil(n / fill * 1.2)) + 16
    while True:
        unit = unit_samples(draw, 2, method, seed)
        points = np.column_stack([x0 + (x1 - x0) * unit[:, 0], y0 + (y1 - y0) * unit[:, 1]])
        kept = points[shape.contains(points)]
        if len(kept) >= n:
            return kept[:n]
        if draw > 100 * n / fill:  # the shape's area says a hundredth of these would do
            raise GeometryError(f"only {len(kept)} of {draw} points drawn in the bounding box fall inside the shape, "
                                f"whose area says {fill:.3g} of them should")
        draw *= 2


def shares(lengths, n: int) -> list[int]:
    """n split in proportion to ``lengths`` by largest remainders."""
    exact = np.asarray(lengths) * n / sum(lengths)
    counts = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - counts))[:n - counts.sum()]:
        counts[i] += 1
    return counts.tolist()


def on_curves(curves: list[Curve], n: int, method: str, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n points on ``curves`` by arc length and their outward normals, each (n, 2)."""
    points, normals = [], []
    for i, (curve, count) in enumerate(zip(curves, shares([c.length for c in curves], n))):
        if count == 0:
            continue
        s = (np.arange(count) + 0.5) / count if method == "grid" else unit_samples(count, 1, method, seed + i)[:, 0]
        points.append(curve.at(s))
        normals.append(curve.normal(s))
    return np.concatenate(points), np.concatenate(normals)


def test_mesh(shape, h: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(nodes (n, 2), triangles (m, 3), quadrature weights (n,)) of the test set (module docstring)."""
    curves = shape.curves()
    boundary = np.concatenate([c.at(np.arange(k) / k) for c in curves
                               for k in [max(3, int(math.ceil(c.length / h)))]])
    lattice = _lattice(shape, h)
    inside = lattice[shape.contains(lattice)]
    clear = distances(curves, inside).min(axis=0) > h / 2
    nodes = np.unique(np.round(np.concatenate([boundary, inside[clear]]), 14), axis=0)
    triangles = Delaunay(nodes).simplices
    triangles = triangles[shape.contains(nodes[triangles].mean(axis=1))]
    a, b, c = (nodes[triangles[:, k]] for k in range(3))
    areas = 0.5 * np.abs((b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1]))
    weights = np.zeros(len(nodes))
    for k in range(3):
        np.add.at(weights, triangles[:, k], areas / 3)
    used = weights > 0  # a node no kept triangle touches (outside a concave corner) is dropped
    renumber = np.cumsum(used) - 1
    return nodes[used], renumber[triangles], weights[used]

"""Points on and in a 2D shape: collocation points by measure, and a triangulated test set.

* Interior points (a 3D body's too): scrambled Sobol (or uniform) points of the bounding box,
  those inside kept — rejection keeps them uniform by area (volume); more are drawn from the same
  sequence until n are in. ``grid``: a hexagonal (3D: cubic) lattice with about n points inside.
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


def cubic_lattice(shape, h: float) -> np.ndarray:
    """The cubic lattice of spacing h over a body's bounding box."""
    axes = [np.arange(lo + h / 2, hi, h) for lo, hi in shape.bounds]
    return np.stack([m.ravel() for m in np.meshgrid(*axes, indexing="ij")], axis=1)


def interior(shape, n: int, method: str, seed: int) -> np.ndarray:
    """n points inside ``shape`` (n, dim), uniform by area (by volume in 3D); ``grid``: the
    hexagonal (cubic in 3D) lattice with about n points inside (as a box's grid has about n)."""
    if method == "grid":
        lattice = _lattice(shape, math.sqrt(2 / math.sqrt(3) * shape.area / n)) if shape.dim == 2 else \
            cubic_lattice(shape, (shape.measure / n) ** (1 / 3))
        return lattice[shape.contains(lattice)]
    lo, hi = np.asarray(shape.bounds, dtype=float).T
    fill = shape.measure / float(np.prod(hi - lo))
    draw = int(math.ceil(n / fill * 1.2)) + 16
    while True:
        unit = unit_samples(draw, shape.dim, method, seed)
        points = lo + (hi - lo) * unit
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
    nodes, triangles = inside_simplices(shape, boundary, _lattice(shape, h), curves, h)
    a, b, c = (nodes[triangles[:, k]] for k in range(3))
    areas = 0.5 * np.abs((b[:, 0] - a[:, 0]) * (c[:, 1] - a[:, 1]) - (c[:, 0] - a[:, 0]) * (b[:, 1] - a[:, 1]))
    return lumped(nodes, triangles, areas)


def inside_simplices(shape, boundary: np.ndarray, lattice: np.ndarray, parts: list, h: float):
    """(nodes, simplices): the Delaunay simplices of the boundary nodes and of the lattice nodes
    inside the shape farther than h/2 from its boundary ``parts``, less those whose centroid is
    outside (a concave corner, a hole)."""
    inside = lattice[shape.contains(lattice)]
    clear = distances(parts, inside).min(axis=0) > h / 2
    nodes = np.unique(np.round(np.concatenate([boundary, inside[clear]]), 14), axis=0)
    simplices = Delaunay(nodes).simplices
    return nodes, simplices[shape.contains(nodes[simplices].mean(axis=1))]


def lumped(nodes: np.ndarray, cells: np.ndarray, sizes: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(nodes, cells, weights) with each cell's size (area, volume) shared equally among its
    corners; a node no cell touches (outside a concave corner, in a hole) is dropped and the
    cells renumbered."""
    weights = np.zeros(len(nodes))
    corners = cells.shape[1]
    for k in range(corners):
        np.add.at(weights, cells[:, k], sizes / corners)
    used = weights > 0
    renumber = np.cumsum(used) - 1
    return nodes[used], renumber[cells], weights[used]

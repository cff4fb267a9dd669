"""Points on a 3D body's boundary and its tetrahedral test set (interior points are
:func:`pinn.core.geometry.points.interior`'s, in any dimension).

* Boundary points of a piece: n in proportion to each surface's area (largest remainders), each
  surface's uniform by area (:meth:`~pinn.core.geometry.surfaces.Surface.at` of Sobol, uniform or
  grid points of the unit square).
* The test set: a Delaunay tetrahedralisation of nodes at spacing about h on every surface
  (:meth:`~pinn.core.geometry.surfaces.Surface.nodes`) and a cubic lattice
  of spacing h inside (nodes nearer than h/2 to the boundary dropped), less the tetrahedra whose
  centroid is outside (a hole). Lumped quadrature weights (a quarter of each tetrahedron's volume
  at each of its corners) integrate linear functions exactly on the meshed body, whose volume is
  the body's to O(h²) where the boundary curves.
"""
from __future__ import annotations

import numpy as np

from pinn.core.geometry.points import cubic_lattice, inside_simplices, lumped, shares
from pinn.core.geometry.surfaces import Surface
from pinn.core.sampling import unit_samples


def on_surfaces(surfaces: list[Surface], n: int, method: str, seed: int) -> np.ndarray:
    """n points on ``surfaces`` by area, (n, 3) (grid: about n)."""
    found = [surface.at(unit_samples(count, 2, method, seed + i))
             for i, (surface, count) in enumerate(zip(surfaces, shares([s.measure for s in surfaces], n))) if count]
    return np.concatenate(found)


def test_mesh(body, h: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(nodes (n, 3), tetrahedra (m, 4), quadrature weights (n,)) of the test set (module docstring)."""
    surfaces = body.surfaces()
    boundary = np.concatenate([s.nodes(h) for s in surfaces])
    nodes, cells = inside_simplices(body, boundary, cubic_lattice(body, h), surfaces, h)
    a, b, c, d = (nodes[cells[:, k]] for k in range(4))
    return lumped(nodes, cells, np.abs(np.einsum("ij,ij->i", b - a, np.cross(c - a, d - a))) / 6)

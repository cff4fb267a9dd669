"""Unions and intersections of shapes with straight edges (polygons and rectangles), by shapely.

shapely computes the combined outline (its vertices: the parts' corners that remain and the
points where their edges cross); every edge of it lies on an edge of one of the parts, and takes
that part's piece name (the part's edge nearest to its midpoint). The result is a
:class:`~pinn.core.geometry.shapes.Polygon` with its edges named one by one, or, where a union
encloses holes (a ring of rectangles), a :class:`~pinn.core.geometry.shapes.Difference` of such
polygons. Its corners are a polygon's: where two Dirichlet edges meet at a re-entrant angle (a
cross of two rectangles), :mod:`pinn.core.geometry.corners` applies. Curved parts are refused: a
disk cut by a rectangle has an arc for a boundary, which :mod:`pinn.core.geometry.curves` does
not represent.
"""
from __future__ import annotations

import numpy as np

from pinn.core.geometry.curves import distances
from pinn.core.geometry.shapes import Difference, GeometryError, Polygon, Shape

OPERATIONS = ("union", "intersection")


def _named(ring, named: list) -> Polygon:
    """The polygon through the ring's corners, each edge named by the nearest part edge."""
    corners = np.asarray(ring.coords)[:-1]  # shapely closes a ring by repeating its first corner
    middles = (corners + np.roll(corners, -1, axis=0)) / 2
    nearest = distances([segment for segment, _ in named], middles).argmin(axis=0)
    return Polygon(tuple(map(tuple, corners.tolist())), sides=tuple(named[k][1] for k in nearest))


def combine(operation: str, parts: list[Polygon]) -> Shape:
    """The union or the intersection of ``parts`` (module docstring)."""
    import shapely
    outlines = [shapely.Polygon(part.vertices) for part in parts]
    result = shapely.union_all(outlines) if operation == "union" else shapely.intersection_all(outlines)
    if result.is_empty or result.area == 0:
        raise GeometryError(f"the shapes of the {operation} have no area in common")
    if result.geom_type != "Polygon":
        count = len(getattr(result, "geoms", ()))
        raise GeometryError(f"the {operation} is {count} separate shapes; a domain must be one connected shape")
    named = [(segment, name) for part in parts for name, segments in part.pieces().items() for segment in segments]
    outer = _named(result.exterior, named)
    holes = tuple(_named(ring, named) for ring in result.interiors)
    return Difference(outer, holes) if holes else outer

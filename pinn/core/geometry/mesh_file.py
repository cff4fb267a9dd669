"""A 2D shape read from a mesh file (gmsh's .msh, or any format meshio reads): its boundary is
the file's line elements, named by their physical groups (pieces of the same name are one piece).

The edges are chained into closed loops; consecutive edges of one group along one straight line
are merged into a single segment (a straight side meshed into 40 edges is one edge again, so its
distance function is the segment's, not 40 trimmed pieces'); the loop of largest area is the
outer boundary and the others are holes. The result is a :class:`~pinn.core.geometry.shapes.Polygon`
with named sides, or a :class:`~pinn.core.geometry.shapes.Difference` with holes: everything else
(points, the test mesh, the finite-element reference) is made from that shape, not from the file's
triangles. Curved boundaries come out as polygons through the file's nodes.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from pinn.core.geometry.shapes import Difference, GeometryError, Polygon

COLLINEAR = 1e-9  # the sine of the turn between two edges below which they are one straight side


def read(path: Path):
    """The shape in the mesh file ``path`` (module docstring); GeometryError says what is wrong."""
    import meshio
    try:
        mesh = meshio.read(path)
    except Exception as e:  # meshio raises its own errors, and OSError, ValueError, KeyError by format
        raise GeometryError(f"{path}: could not be read as a mesh ({type(e).__name__}: {e})") from None
    names = {int(tag): name for name, (tag, dim) in ((n, v[:2]) for n, v in mesh.field_data.items()) if int(dim) == 1}
    physical = mesh.cell_data.get("gmsh:physical")
    edges, groups = [], []
    for block, tags in zip(mesh.cells, physical or [None] * len(mesh.cells)):
        if block.type != "line":
            continue
        if tags is None:
            raise GeometryError(f"{path}: its line elements carry no physical groups; name the boundary's "
                                f"pieces as physical curves (gmsh: Physical Curve(\"name\") = {{...}})")
        for edge, tag in zip(block.data, tags):
            if int(tag) not in names:
                raise GeometryError(f"{path}: a boundary edge is in physical group {int(tag)}, which has no name")
            edges.append(tuple(int(i) for i in edge))
            groups.append(names[int(tag)])
    if not edges:
        raise GeometryError(f"{path}: holds no line elements; the boundary must be meshed as named physical curves")
    points = np.asarray(mesh.points)[:, :2]
    polygons = [_polygon(points, loop) for loop in _loops(path, edges, groups)]
    polygons.sort(key=lambda p: -p.area)
    return Difference(polygons[0], tuple(polygons[1:])) if len(polygons) > 1 else polygons[0]


def _loops(path, edges, groups) -> list[list[tuple[int, int, str]]]:
    """The edges chained into closed loops, each a list of (start, end, group)."""
    following = {}
    for (a, b), group in zip(edges, groups):
        if a in following:
            raise GeometryError(f"{path}: node {a + 1} starts two boundary edges; the boundary must be closed "
                                f"curves that do not touch")
        following[a] = (b, group)
    loops, unused = [], set(following)
    while unused:
        start = min(unused)
        loop, node = [], start
        while True:
            unused.discard(node)
            end, group = following[node]
            loop.append((node, end, group))
            node = end
            if node == start:
                break
            if node not in following:
                raise GeometryError(f"{path}: the boundary is not closed at node {node + 1}")
            if node not in unused:
                raise GeometryError(f"{path}: the boundary edges from node {start + 1} do not close into a loop")
        loops.append(loop)
    return loops


def _polygon(points, loop) -> Polygon:
    """A loop as a polygon with named sides, collinear runs of one group merged."""
    corners, sides = [], []
    for k, (a, b, group) in enumerate(loop):
        before = loop[k - 1]
        d1, d2 = points[a] - points[before[0]], points[b] - points[a]
        turn = abs(d1[0] * d2[1] - d1[1] * d2[0]) / (np.linalg.norm(d1) * np.linalg.norm(d2))
        if before[2] != group or turn > COLLINEAR:
            corners.append(tuple(points[a].tolist()))
            sides.append(group)
    if len(corners) < 3:
        raise GeometryError("a boundary loop has fewer than three corners")
    return Polygon(tuple(corners), sides[0] if len(set(sides)) == 1 else "mesh", tuple(sides))

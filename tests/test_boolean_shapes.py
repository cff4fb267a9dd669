"""Unions and intersections of polygons: their outline, areas and named edges, holes a union
encloses, exact Dirichlet data on their pieces, re-entrant corners, and the messages."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from pinn.core import geometry
from pinn.core.geometry.corners import reentrant
from pinn.core.geometry.points import interior, on_curves

CROSS = geometry.make({"union": [{"rectangle": [[-1, 1], [-0.25, 0.25]], "name": "across"},
                                 {"rectangle": [[-0.25, 0.25], [-1, 1]], "name": "along"}]})
# the square [−1, 1]² cut by the diamond |x| + |y| < 1.2: an octagon, 4 − 4·0.8²/2 = 2.72
OCTAGON = geometry.make({"intersection": [{"rectangle": [[-1, 1], [-1, 1]], "name": "square"},
                                          {"polygon": [[1.2, 0], [0, 1.2], [-1.2, 0], [0, -1.2]], "name": "diamond"}]})
# four bars round a square hole [1, 2]²
FRAME = geometry.make({"union": [{"rectangle": [[0, 3], [0, 1]], "name": "bar"}, {"rectangle": [[0, 3], [2, 3]], "name": "bar"},
                                 {"rectangle": [[0, 1], [0, 3]], "name": "post"}, {"rectangle": [[2, 3], [0, 3]], "name": "post"}]})


def pieces(shape) -> dict:
    return {p.name: p for p in geometry.Region(shape).sides()}


def test_the_outline_keeps_each_part_s_edge_names():
    """The cross: area 1.75, each rectangle's remaining edges (4 units of length each) under its
    name; the octagon: what is left of the square's edges (4 × 0.4) and the diamond's four cuts
    (4 × 0.8√2), every point of the cuts on |x| + |y| = 1.2."""
    assert isinstance(CROSS, geometry.Polygon) and abs(CROSS.area - 1.75) < 1e-15
    found = pieces(CROSS)
    assert sorted(found) == ["across", "along"] and all(abs(p.measure - 4.0) < 1e-15 for p in found.values())
    assert abs(OCTAGON.area - 2.72) < 1e-14
    found = pieces(OCTAGON)
    assert abs(found["square"].measure - 4 * 0.4) < 1e-14 and abs(found["diamond"].measure - 4 * 0.8 * math.sqrt(2)) < 1e-14
    x = on_curves(list(found["diamond"].parts), 400, "sobol", 0)[0]
    assert np.abs(np.abs(x).sum(axis=1) - 1.2).max() < 1e-15


def test_a_union_that_encloses_a_hole_is_a_shape_with_a_hole():
    """The frame: outer square 3 × 3 less the hole [1, 2]², area 8; the hole's edges are named by
    the bars and posts they came from and their normals point into the hole."""
    assert isinstance(FRAME, geometry.Difference) and abs(FRAME.area - 8.0) < 1e-14
    found = pieces(FRAME)
    assert abs(found["bar"].measure + found["post"].measure - 16.0) < 1e-14
    hole = [c for p in found.values() for c in p.parts if max(c.a) <= 2 and min(c.a) >= 1]
    assert len(hole) == 4
    x, n = on_curves(hole, 200, "sobol", 1)
    assert not FRAME.contains(x + 1e-6 * n).any() and FRAME.contains(x - 1e-6 * n).all()


def test_re_entrant_corners_of_a_union_are_found():
    """The cross has four corners of angle 3π/2 (at (±0.25, ±0.25))."""
    segments = [c for p in pieces(CROSS).values() for c in p.parts]
    corners = reentrant(segments, segments)
    assert sorted(tuple(abs(v) for v in c.at) for c in corners) == [(0.25, 0.25)] * 4
    assert all(abs(c.angle - 1.5 * math.pi) < 1e-12 for c in corners)


def test_dirichlet_data_hold_exactly_on_the_octagon_s_pieces():
    """Different data on the square's edges (1) and the diamond's cuts (2), meeting at eight
    corners: u = g_i to rounding on 10 000 points of each. A point on a slanted edge is off its
    line by ~1e-16, so its φ is ~1e-16 rather than 0 and the other piece's weight ~1e-16/φ_other:
    largest next to a corner (measured 1.3e-12 at 1.5e-5 from one; 0 on the square's edges)."""
    from pinn.problems.conditions import Dirichlet, constant
    from pinn.problems.exact_dirichlet import on_region
    region = geometry.Region(OCTAGON)
    data = {"square": 1.0, "diamond": 2.0}
    transform, _ = on_region(region, [Dirichlet(p, constant(data[p.name])) for p in region.sides()])
    torch.manual_seed(0)
    for piece in region.sides():
        x = torch.as_tensor(on_curves(list(piece.parts), 10000, "sobol", 3)[0])
        assert (transform(x, torch.randn(len(x), 1, dtype=torch.float64)) - data[piece.name]).abs().max() < 1e-11
    assert (transform.distance(torch.as_tensor(interior(OCTAGON, 2000, "sobol", 4))) > 0).all()


@pytest.mark.parametrize("spec, path, message", [
    ({"union": [{"rectangle": [[0, 1], [0, 1]]}, {"rectangle": [[2, 3], [0, 1]]}]}, (),
     "the union is 2 separate shapes; a domain must be one connected shape"),
    ({"intersection": [{"rectangle": [[0, 1], [0, 1]]}, {"rectangle": [[2, 3], [0, 1]]}]}, (),
     "the shapes of the intersection have no area in common"),
    ({"union": [{"rectangle": [[0, 1], [0, 1]]}, {"disk": [0, 0], "radius": 1}]}, ("union", 1),
     "a union takes shapes with straight edges"),
    ({"union": [{"rectangle": [[0, 1], [0, 1]]}]}, ("union",), "expected a list of two or more shapes"),
    ({"intersection": [{"rectangle": [[0, 1], [0, 1]]}, {"rectangle": [[0, 1], [1, 2]]}]}, (),
     "the shapes of the intersection have no area in common"),  # they share an edge only
    ({"union": [{"rectangle": [[0, 1], [0, 1]]}, {"rectangle": [[1, 2], [0, 1]]}], "name": "x"}, ("name",),
     "is not a key of a union; allowed: union (name its parts instead)")])
def test_a_union_or_intersection_that_cannot_be_a_domain_is_refused_with_its_place(spec, path, message):
    with pytest.raises(geometry.ShapeSpecError) as caught:
        geometry.make(spec)
    assert caught.value.path == path and message in str(caught.value)

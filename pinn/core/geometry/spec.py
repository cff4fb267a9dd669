"""Shapes from plain data (a problem's ``domain:`` in YAML), with the place of any mistake.

    {disk: [cx, cy], radius: r}                  {rectangle: [[x0, x1], [y0, y1]]}
    {ellipse: [cx, cy], semi_axes: [a, b]}       {polygon: [[x, y], [x, y], [x, y], ...]}
    {annulus: [cx, cy], radii: [r_in, r_out]}    {difference: [outer, hole, hole, ...]}
    {mesh: part.msh}                             a hole may be {disks: [[cx, cy], ...], radius: r}
    {union: [shape, shape, ...]}                 {intersection: [shape, shape, ...]}
    {ball: [cx, cy, cz], radius: r}              {box: [[x0, x1], [y0, y1], [z0, z1]]}
    {cylinder: [cx, cy], radius: r, heights: [z0, z1]}   (along z; pieces side, bottom, top)
    a 3D difference's holes are balls: {ball: ...} or {balls: [[cx, cy, cz], ...], radius: r}

A disk, ellipse, rectangle, polygon or hole may carry ``name:`` — the name of its boundary piece
(default: its kind); a polygon or rectangle may instead name each edge, ``sides: [name, ...]`` (edge
i from corner i to corner i + 1; a rectangle's corners (x0, y0), (x1, y0), (x1, y1), (x0, y1)), edges
of one name being one piece; a box may name its faces, ``sides: [x0, x1, y0, y1, z0, z1]`` (the faces
x = x0, x = x1, ... in that order); an annulus's pieces are ``inner`` and ``outer``, a difference's those
of its parts, a union's or an intersection's those of its parts (polygons and rectangles only:
:mod:`pinn.core.geometry.boolean`), a mesh file's its physical groups (:mod:`pinn.core.geometry.mesh_file`; the path is
made absolute by the config's reader, relative to the config's folder). Numbers only: the shape is
fixed before any parameter is read.
"""
from __future__ import annotations

import math
from pathlib import Path

from pinn.core.geometry import boolean, mesh_file
from pinn.core.geometry.shapes import Difference, Disk, EllipseShape, GeometryError, Polygon, Shape, rectangle
from pinn.core.geometry.solids import Ball, Cuboid, Cylinder, Hollow

KINDS = ("disk", "ellipse", "rectangle", "polygon", "annulus", "difference", "union", "intersection", "mesh", "ball",
         "box", "cylinder")
HOLE_KINDS = ("disk", "disks", "ellipse", "rectangle", "polygon")  # a shape with holes is not a hole
SOLID_HOLE_KINDS = ("ball", "balls")  # a box's faces' distance functions are a convex body's
EXTRA_KEYS = {"disk": ("radius",), "disks": ("radius",), "ellipse": ("semi_axes",), "annulus": ("radii",),
              "rectangle": ("sides",), "polygon": ("sides",), "ball": ("radius",), "balls": ("radius",),
              "box": ("sides",), "cylinder": ("radius", "heights")}
# shapes whose pieces are named otherwise, with the reason given when a name is put on them
UNNAMED = {"annulus": " (its pieces are named inner and outer)",
           "difference": " (name its outer shape and its holes instead)",
           "union": " (name its parts instead)", "intersection": " (name its parts instead)",
           "mesh": " (its pieces are named by the file's physical groups)"}


class ShapeSpecError(ValueError):
    """A shape that cannot be read: ``path`` (keys and indices under ``domain``) and what was expected."""

    def __init__(self, path: tuple, message: str):
        super().__init__(message)
        self.path = path


def is_shape(value) -> bool:
    return isinstance(value, dict) and any(k in value for k in (*KINDS, "disks", "balls"))


def _number(value, path) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ShapeSpecError(path, f"got {value!r}; expected a finite number")
    return float(value)


def _point(value, path, dim: int = 2) -> tuple[float, ...]:
    if not isinstance(value, (list, tuple)) or len(value) != dim:
        raise ShapeSpecError(path, f"got {value!r}; expected a point {'[x, y]' if dim == 2 else '[x, y, z]'}")
    return tuple(_number(v, path + (i,)) for i, v in enumerate(value))


def _points(value, path, least: int, dim: int = 2) -> list:
    if not isinstance(value, (list, tuple)) or len(value) < least:
        raise ShapeSpecError(path, f"got {value!r}; expected a list of at least {least} points "
                                   f"{'[x, y]' if dim == 2 else '[x, y, z]'}")
    return [_point(p, path + (i,), dim) for i, p in enumerate(value)]


def _kind(value, path, kinds) -> str:
    if not isinstance(value, dict):
        raise ShapeSpecError(path, f"got {value!r}; expected a shape: one of {', '.join(kinds)}")
    found = [k for k in kinds if k in value]
    if len(found) != 1:
        raise ShapeSpecError(path, f"got keys {', '.join(map(str, value)) or 'none'}; expected exactly one of "
                                   f"{', '.join(kinds)}")
    allowed = {found[0], *(() if found[0] in UNNAMED else ("name",)), *EXTRA_KEYS.get(found[0], ())}
    extra = sorted(set(map(str, value)) - allowed)
    if extra:
        raise ShapeSpecError(path + (extra[0],), f"is not a key of a{'n' if found[0] == 'annulus' else ''} {found[0]}; "
                                                 f"allowed: {', '.join(sorted(allowed))}{UNNAMED.get(found[0], '')}")
    _name(value.get("name", found[0]), path + ("name",))
    if "sides" in value:
        if "name" in value:
            raise ShapeSpecError(path + ("sides",), "name the whole boundary (name) or each edge (sides), not both")
        if not isinstance(value["sides"], (list, tuple)):
            raise ShapeSpecError(path + ("sides",), f"got {value['sides']!r}; expected a list of names, one per edge")
        for i, side in enumerate(value["sides"]):
            _name(side, path + ("sides", i))
    return found[0]


def _name(name, path) -> None:
    if not isinstance(name, str) or not name.isidentifier():
        raise ShapeSpecError(path, f"got {name!r}; expected a name such as outer or holes")


def _positive(value, path) -> float:
    number = _number(value, path)
    if number <= 0:
        raise ShapeSpecError(path, f"got {value!r}; expected a positive length")
    return number


RESOLVABLE = 1e-6  # a shape's extent below this fraction of its distance from the origin is refused
MIN_FILL = 0.01     # the least fraction of its bounding box a shape may fill (the annulus: 0.74)
# the narrowest side of a shape's bounding box below this fraction of its longest is refused: a
# test mesh of TEST_NODES nodes puts fewer than 3 across a 2D shape thinner than 4.5e-4 of its length
MIN_ASPECT = 1e-3


def make(value, path: tuple = ()) -> Shape:
    """The shape of ``value`` (module docstring); ShapeSpecError with the place of a mistake."""
    kind = _kind(value, path, KINDS)
    shape = _made(kind, value, path)[0]
    extent = max(hi - lo for lo, hi in shape.bounds)
    offset = max(abs(end) for pair in shape.bounds for end in pair)
    if not extent >= RESOLVABLE * offset:  # float64 then cannot place points and triangles inside it
        raise ShapeSpecError(path, f"the shape spans {extent:.3g} at {offset:.3g} from the origin, which float64 "
                                   f"cannot resolve; move the coordinates so that the shape lies near the origin")
    narrowest = min(hi - lo for lo, hi in shape.bounds)
    if not narrowest >= MIN_ASPECT * extent:
        raise ShapeSpecError(path, f"the shape's bounding box is {narrowest:.3g} across and {extent:.3g} long; its "
                                   f"points and test mesh need it no thinner than {MIN_ASPECT:g} of its length")
    fill = shape.measure / math.prod(hi - lo for lo, hi in shape.bounds)
    if not fill >= MIN_FILL:  # points are drawn in the bounding box and kept inside: 1/fill draws per point
        raise ShapeSpecError(path, f"the shape fills {fill:.2g} of its bounding box; points by rejection and the "
                                   f"test mesh need a shape that fills at least {MIN_FILL:g} of it (a sliver or a "
                                   f"thin ring is not supported)")
    return shape


def _made(kind: str, value: dict, path: tuple) -> list[Shape]:
    name = value.get("name", kind)
    try:
        if kind in ("ball", "balls", "box", "cylinder"):
            return _solid(kind, value, path, name)
        if kind in boolean.OPERATIONS:
            return [boolean.combine(kind, _straight_parts(kind, value[kind], path + (kind,)))]
        if kind == "disk":
            return [Disk(_point(value["disk"], path + ("disk",)), _positive(value.get("radius"), path + ("radius",)), name)]
        if kind == "disks":
            radius = _positive(value.get("radius"), path + ("radius",))
            return [Disk(c, radius, name) for c in _points(value["disks"], path + ("disks",), 1)]
        if kind == "ellipse":
            axes = value.get("semi_axes")
            if not isinstance(axes, (list, tuple)) or len(axes) != 2:
                raise ShapeSpecError(path + ("semi_axes",), f"got {axes!r}; expected [a, b], the semi-axes along x and y")
            return [EllipseShape(_point(value["ellipse"], path + ("ellipse",)),
                                 tuple(_positive(r, path + ("semi_axes", i)) for i, r in enumerate(axes)), name)]
        sides = tuple(value["sides"]) if "sides" in value else None
        if kind == "rectangle":
            pairs = value["rectangle"]
            if not isinstance(pairs, (list, tuple)) or len(pairs) != 2:
                raise ShapeSpecError(path + ("rectangle",), f"got {pairs!r}; expected [[x0, x1], [y0, y1]]")
            return [rectangle([_point(p, path + ("rectangle", i)) for i, p in enumerate(pairs)], name, sides)]
        if kind == "polygon":
            return [Polygon(tuple(_points(value["polygon"], path + ("polygon",), 3)), name, sides)]
        if kind == "annulus":
            center = _point(value["annulus"], path + ("annulus",))
            radii = value.get("radii")
            if not isinstance(radii, (list, tuple)) or len(radii) != 2:
                raise ShapeSpecError(path + ("radii",), f"got {radii!r}; expected [inner, outer] radii")
            inner, outer = (_positive(r, path + ("radii", i)) for i, r in enumerate(radii))
            if not inner < outer:
                raise ShapeSpecError(path + ("radii",), f"got {list(radii)}; expected the inner radius below the outer")
            return [Difference(Disk(center, outer, "outer"), (Disk(center, inner, "inner"),))]
        if kind == "mesh":
            if not isinstance(value["mesh"], str) or not value["mesh"]:
                raise ShapeSpecError(path + ("mesh",), f"got {value['mesh']!r}; expected the path of a mesh file")
            try:
                return [mesh_file.read(Path(value["mesh"]))]
            except GeometryError as e:
                raise ShapeSpecError(path + ("mesh",), str(e)) from None
        parts = value["difference"]
        if not isinstance(parts, (list, tuple)) or len(parts) < 2:
            raise ShapeSpecError(path + ("difference",), f"got {parts!r}; expected [outer shape, hole, ...]")
        outer = make(parts[0], path + ("difference", 0))
        kinds = SOLID_HOLE_KINDS if outer.dim == 3 else HOLE_KINDS
        holes = [h for i, part in enumerate(parts[1:], start=1)
                 for h in _made(_kind(part, path + ("difference", i), kinds), part, path + ("difference", i))]
        return [Hollow(outer, tuple(holes)) if outer.dim == 3 else Difference(outer, tuple(holes))]
    except GeometryError as e:
        raise ShapeSpecError(path, str(e)) from None


def _straight_parts(operation: str, parts, path: tuple) -> list[Polygon]:
    """The parts of a union or an intersection: polygons (rectangles, or a union or intersection
    without holes)."""
    if not isinstance(parts, (list, tuple)) or len(parts) < 2:
        raise ShapeSpecError(path, f"got {parts!r}; expected a list of two or more shapes with straight edges")
    made = []
    for i, part in enumerate(parts):
        shape = make(part, path + (i,))
        if not isinstance(shape, Polygon):
            raise ShapeSpecError(path + (i,), f"a {operation} takes shapes with straight edges (rectangle, polygon, "
                                              f"or a union or intersection of them without holes); a curved or "
                                              f"holed part would leave arcs or holes cut open, which pinn does not "
                                              f"yet represent")
        made.append(shape)
    return made


def _solid(kind: str, value: dict, path: tuple, name: str) -> list:
    """A ball, balls (a 3D difference's holes), a box or a cylinder."""
    if kind == "ball":
        return [Ball(_point(value["ball"], path + ("ball",), 3), _positive(value.get("radius"), path + ("radius",)), name)]
    if kind == "balls":
        radius = _positive(value.get("radius"), path + ("radius",))
        return [Ball(c, radius, name) for c in _points(value["balls"], path + ("balls",), 1, 3)]
    if kind == "cylinder":
        heights = value.get("heights")
        if not isinstance(heights, (list, tuple)) or len(heights) != 2:
            raise ShapeSpecError(path + ("heights",), f"got {heights!r}; expected [z0, z1], the ends along z")
        return [Cylinder(_point(value["cylinder"], path + ("cylinder",)), _positive(value.get("radius"), path + ("radius",)),
                         tuple(_number(z, path + ("heights", i)) for i, z in enumerate(heights)), value.get("name"))]
    pairs = value["box"]
    if not isinstance(pairs, (list, tuple)) or len(pairs) != 3:
        raise ShapeSpecError(path + ("box",), f"got {pairs!r}; expected [[x0, x1], [y0, y1], [z0, z1]]")
    sides = tuple(value["sides"]) if "sides" in value else None
    return [Cuboid(tuple(_point(p, path + ("box", i)) for i, p in enumerate(pairs)), name, sides)]

"""Geometry beyond boxes: 2D shapes with named boundary pieces, points by measure, a triangulated
test set, distance functions for exact Dirichlet data, and a shape times an interval of time (one
concept per module)."""
from pinn.core.geometry.curves import Circle, Curve, Ellipse, Segment
from pinn.core.geometry.region import Piece, Pieced, Region
from pinn.core.geometry.spacetime import RegionTime
from pinn.core.geometry.shapes import Difference, Disk, EllipseShape, GeometryError, Polygon, Shape, rectangle
from pinn.core.geometry.spec import ShapeSpecError, is_shape, make

__all__ = ["Circle", "Curve", "Ellipse", "Segment", "Piece", "Pieced", "Region", "RegionTime", "Difference", "Disk",
           "EllipseShape", "GeometryError", "Polygon", "Shape", "rectangle", "ShapeSpecError", "is_shape", "make"]

"""Geometry beyond boxes: 2D shapes with named boundary pieces, points by measure, a triangulated
test set, and distance functions for exact Dirichlet data (one concept per module)."""
from pinn.core.geometry.curves import Circle, Curve, Ellipse, Segment
from pinn.core.geometry.region import Piece, Region
from pinn.core.geometry.shapes import Difference, Disk, EllipseShape, GeometryError, Polygon, Shape, rectangle
from pinn.core.geometry.spec import ShapeSpecError, is_shape, make

__all__ = ["Circle", "Curve", "Ellipse", "Segment", "Piece", "Region", "Difference", "Disk", "EllipseShape",
           "GeometryError", "Polygon",
           "Shape", "rectangle", "ShapeSpecError", "is_shape", "make"]

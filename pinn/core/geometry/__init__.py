"""Geometry beyond boxes: 2D shapes and 3D bodies with named boundary pieces, points by measure, a
triangulated (tetrahedral) test set, distance functions for exact Dirichlet data, and a 2D shape
times an interval of time (one concept per module)."""
from pinn.core.geometry.curves import Circle, Curve, Ellipse, Segment
from pinn.core.geometry.region import Piece, Pieced, Region
from pinn.core.geometry.spacetime import RegionTime
from pinn.core.geometry.shapes import Difference, Disk, EllipseShape, GeometryError, Polygon, Shape, rectangle
from pinn.core.geometry.solids import Ball, Cuboid, Hollow, Solid
from pinn.core.geometry.spec import ShapeSpecError, is_shape, make
from pinn.core.geometry.surfaces import Face, Sphere, Surface

__all__ = ["Circle", "Curve", "Ellipse", "Segment", "Piece", "Pieced", "Region", "RegionTime", "Difference", "Disk",
           "EllipseShape", "GeometryError", "Polygon", "Shape", "rectangle", "Ball", "Cuboid", "Hollow", "Solid",
           "ShapeSpecError", "is_shape", "make", "Face", "Sphere", "Surface"]

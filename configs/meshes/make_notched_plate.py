"""Write notched_plate.msh (gmsh's format 2.2, read by pinn through meshio): the plate
[0, 2] × [0, 1] with a notch [0.9, 1.1] × [0.5, 1] cut from its top edge, triangulated, its
boundary edges in five physical groups — bottom, left, right, top (the top edge's two parts) and
notch (the notch's three edges). ``python configs/meshes/make_notched_plate.py``; the same bytes
each time.

The triangles are a Delaunay triangulation of nodes every H along the boundary and a hexagonal
lattice inside (scipy); pinn reads only the boundary edges and their groups from the file — its
own test mesh and finite-element reference are made from the shape they describe.
"""
from pathlib import Path

import meshio
import numpy as np
from scipy.spatial import Delaunay

HERE = Path(__file__).resolve().parent
H = 0.05
CORNERS = [(0, 0), (2, 0), (2, 1), (1.1, 1), (1.1, 0.5), (0.9, 0.5), (0.9, 1), (0, 1)]
GROUPS = ["bottom", "right", "top", "notch", "notch", "notch", "top", "left"]  # edge i: corner i to i + 1
TAGS = {"bottom": 1, "right": 2, "top": 3, "notch": 4, "left": 5}


def inside(points: np.ndarray) -> np.ndarray:
    x, y = points[:, 0], points[:, 1]
    plate = (x > 0) & (x < 2) & (y > 0) & (y < 1)
    notch = (x >= 0.9) & (x <= 1.1) & (y >= 0.5)
    return plate & ~notch


def main():
    nodes, edges, groups = [], [], []
    for i, (a, b) in enumerate(zip(CORNERS, CORNERS[1:] + CORNERS[:1])):
        count = max(1, round(np.hypot(b[0] - a[0], b[1] - a[1]) / H))
        for k in range(count):
            nodes.append(np.add(a, np.subtract(b, a) * k / count))
    boundary = len(nodes)
    for i in range(boundary):
        edges.append((i, (i + 1) % boundary))
    starts = np.cumsum([0] + [max(1, round(np.hypot(b[0] - a[0], b[1] - a[1]) / H))
                              for a, b in zip(CORNERS, CORNERS[1:] + CORNERS[:1])])
    for i in range(boundary):
        groups.append(TAGS[GROUPS[int(np.searchsorted(starts, i, side="right")) - 1]])
    rows = np.arange(0, 1 + H, H * np.sqrt(3) / 2)
    lattice = np.array([(x + (H / 2) * (j % 2), y) for j, y in enumerate(rows) for x in np.arange(0, 2 + H, H)])
    keep = inside(lattice)
    near = np.array([min(np.hypot(*(p - q)) for q in nodes) for p in lattice[keep]])
    points = np.concatenate([np.array(nodes), lattice[keep][near > H / 2]])
    triangles = Delaunay(points).simplices
    triangles = triangles[inside(points[triangles].mean(axis=1))]
    mesh = meshio.Mesh(np.column_stack([points, np.zeros(len(points))]),
                       [("line", np.array(edges)), ("triangle", triangles)],
                       cell_data={"gmsh:physical": [np.array(groups), np.full(len(triangles), 10)],
                                  "gmsh:geometrical": [np.array(groups), np.full(len(triangles), 10)]},
                       field_data={**{name: np.array([tag, 1]) for name, tag in TAGS.items()},
                                   "plate": np.array([10, 2])})
    meshio.write(HERE / "notched_plate.msh", mesh, file_format="gmsh22", binary=False)
    print(f"notched_plate.msh: {len(points)} nodes, {len(triangles)} triangles, {boundary} boundary edges")


if __name__ == "__main__":
    main()

"""Shapes read from a mesh file: the boundary's physical groups as named pieces, straight runs of
edges merged into one side, holes, and the messages for files that cannot describe a shape."""
from __future__ import annotations

from pathlib import Path

import meshio
import numpy as np
import pytest

from pinn.app import config
from pinn.app.plan import validate
from pinn.core.errors import ConfigError
from pinn.core.geometry import GeometryError, Region
from pinn.core.geometry.mesh_file import read

PLATE = Path("configs/meshes/notched_plate.msh")


def test_the_notched_plate_is_read_as_a_polygon_with_named_sides():
    """140 boundary edges in five groups become 8 corners (collinear runs merged), area 1.9."""
    shape = read(PLATE)
    assert shape.vertices == ((0.0, 0.0), (2.0, 0.0), (2.0, 1.0), (1.1, 1.0), (1.1, 0.5), (0.9, 0.5), (0.9, 1.0),
                              (0.0, 1.0))
    assert shape.sides == ("bottom", "right", "top", "notch", "notch", "notch", "top", "left")
    assert abs(shape.area - 1.9) < 1e-14
    assert sorted(p.name for p in Region(shape).sides()) == ["bottom", "left", "notch", "right", "top"]


def _write(path, points, lines, tags, names):
    mesh = meshio.Mesh(np.column_stack([points, np.zeros(len(points))]), [("line", np.array(lines))],
                       cell_data={"gmsh:physical": [np.array(tags)], "gmsh:geometrical": [np.array(tags)]},
                       field_data={name: np.array([tag, 1]) for name, tag in names.items()})
    meshio.write(path, mesh, file_format="gmsh22", binary=False)
    return path


def test_a_second_loop_is_a_hole(tmp_path):
    """Two loops: the larger is the outer boundary, the other a hole (its normal into the hole)."""
    square = [(0, 0), (1, 0), (1, 1), (0, 1)]
    hole = [(0.4, 0.4), (0.4, 0.6), (0.6, 0.6), (0.6, 0.4)]  # either orientation
    lines = [(i, (i + 1) % 4) for i in range(4)] + [(4 + i, 4 + (i + 1) % 4) for i in range(4)]
    path = _write(tmp_path / "holed.msh", np.array(square + hole, dtype=float), lines, [1] * 4 + [2] * 4,
                  {"outer": 1, "hole": 2})
    shape = read(path)
    assert abs(shape.area - 0.96) < 1e-14 and sorted(shape.pieces()) == ["hole", "outer"]


def test_files_that_cannot_describe_a_shape_are_refused(tmp_path):
    open_path = _write(tmp_path / "open.msh", np.array([(0, 0), (1, 0), (1, 1)], dtype=float), [(0, 1), (1, 2)],
                       [1, 1], {"wall": 1})
    with pytest.raises(GeometryError, match="the boundary is not closed at node 3"):
        read(open_path)
    unnamed = _write(tmp_path / "unnamed.msh", np.array([(0, 0), (1, 0), (0, 1)], dtype=float),
                     [(0, 1), (1, 2), (2, 0)], [1, 1, 7], {"wall": 1})
    with pytest.raises(GeometryError, match="physical group 7, which has no name"):
        read(unnamed)
    document = {"name": "m", "problem": {"type": "expression", "domain": {"mesh": "missing.msh"},
                                         "equation": "-lap(u) - 1",
                                         "boundary": [{"at": "boundary", "type": "dirichlet", "value": 0}]}}
    with pytest.raises(ConfigError, match=r"m.yaml: problem.domain.mesh: .*missing.msh: could not be read as a mesh"):
        validate(config.parse(document, str(tmp_path / "m.yaml")))


def test_the_config_reads_its_mesh_relative_to_itself():
    """configs/notched_plate.yaml names meshes/notched_plate.msh: its pieces carry the conditions,
    and the finite-element reference applies (−Δu − 1 with Dirichlet, Neumann and Robin pieces)."""
    import yaml
    plan = validate(config.parse(yaml.safe_load(open("configs/notched_plate.yaml")), "configs/notched_plate.yaml"))
    assert plan.problem.fem_form is not None and plan.notes == []
    assert {str(bc.side) for bc in plan.problem.conditions} == {"bottom", "notch", "left", "right", "top"}

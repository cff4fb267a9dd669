"""3D bodies as domains: volumes, points by measure, outward normals, exact Dirichlet data by
distance functions, the tetrahedral test set, the messages, and a short solve with its files."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from pinn.app import config
from pinn.app.plan import validate
from pinn.app.progress import Progress
from pinn.app.run import solve
from pinn.core import geometry
from pinn.core.errors import ConfigError
from pinn.core.geometry.points import interior
from pinn.core.geometry.solid_points import on_surfaces

SHELL_SPEC = {"difference": [{"ball": [0, 0, 0], "radius": 1, "name": "outer"},
                             {"ball": [0.3, 0, 0], "radius": 0.3, "name": "inner"}]}
SHELL = geometry.make(SHELL_SPEC)
BOX_SPEC = {"difference": [{"box": [[-1, 1], [-1, 1], [-0.5, 0.5]], "name": "outer"},
                           {"balls": [[-0.5, 0, 0], [0.5, 0, 0]], "radius": 0.25, "name": "holes"}]}
BOX = geometry.make(BOX_SPEC)
FACES = geometry.make({"box": [[0, 1], [0, 2], [0, 3]], "sides": ["a", "b", "c", "c", "d", "d"]})
CAN = geometry.make({"difference": [{"cylinder": [0, 0], "radius": 1, "heights": [0, 2]},
                                    {"ball": [0, 0, 1], "radius": 0.5, "name": "cavity"}]})
U = "sin(2*x)*cos(y)*exp(z)"  # −Δu = 4u
FLUX = "-((x - 0.3)*2*cos(2*x)*cos(y) - y*sin(2*x)*sin(y) + z*sin(2*x)*cos(y))*exp(z)/0.3"  # n = −(x − c)/0.3


def shell_problem(**edits) -> dict:
    problem = {"type": "expression", "domain": SHELL_SPEC, "equation": f"-lap(u) - 4*{U}",
               "boundary": [{"at": "outer", "type": "dirichlet", "value": U},
                            {"at": "inner", "type": "neumann", "value": FLUX}],
               "exact": U, **edits}
    return {"name": "shell", "problem": problem, "network": {"layers": [20, 20, 20], "activation": "tanh"},
            "training": {"threads": 1, "points": {"interior": 1000, "boundary": 500},
                         "stages": [{"optimizer": "adam", "lr": 1e-3, "steps": 200}, {"optimizer": "bfgs", "steps": 200}]}}


def refused(document) -> str:
    with pytest.raises(ConfigError) as caught:
        validate(config.parse(document, "body.yaml"))
    return str(caught.value)


@pytest.mark.parametrize("body, volume, bound", [
    (SHELL, 4 / 3 * math.pi * (1 - 0.3 ** 3), 2e-3),  # measured 8.9e-4: inscribed facets, O(h²)
    (BOX, 4 - 2 * 4 / 3 * math.pi * 0.25 ** 3, 2e-3),  # measured 6.4e-4: the holes' facets
    (FACES, 6.0, 1e-13),  # measured 0: flat faces
    (CAN, 2 * math.pi - 4 / 3 * math.pi / 8, 2e-4)])  # measured 5.0e-5: the side's and the cavity's facets
def test_the_test_mesh_weights_add_up_to_the_volume(body, volume, bound):
    nodes, cells, weights = geometry.Region(body).test_mesh
    assert abs(weights.sum() - volume) / volume < bound and abs(body.measure - volume) < 1e-13
    assert cells.shape[1] == 4 and body.contains(nodes[cells].mean(axis=1)).all() and 25000 < len(nodes) < 40000


def test_points_fall_by_measure():
    """Interior points uniform by volume (|x| < 0.7 holds 0.343 − 0.027 of the shell's measure
    over 1 − 0.027: 0.3248; measured 0.3216 of 8000); boundary points in proportion to area (the
    outer sphere 4π against the inner 0.36π: 917 and 83 of 1000)."""
    inside = interior(SHELL, 8000, "sobol", 0)
    assert SHELL.contains(inside).all() and inside.shape == (8000, 3)
    share = (np.linalg.norm(inside, axis=1) < 0.7).mean()
    assert abs(share - (0.7 ** 3 - 0.3 ** 3) / (1 - 0.3 ** 3)) < 0.005
    region = geometry.Region(SHELL)
    counts = {p.name: len(region.sample_side(p, 1000, "sobol", 0, torch.float64, "cpu")) for p in region.sides()}
    assert counts == {"outer": 917, "inner": 83}
    lattice = interior(SHELL, 4000, "grid", 0)
    assert SHELL.contains(lattice).all() and abs(len(lattice) - 4000) < 200  # measured 4006


def test_normals_point_out_of_the_body():
    """A step of 1e-6 along n leaves the body and a step back enters it, on the spheres (the
    inner one's n points into the hole) and on a box's faces; on the spheres n is ±(x − c)/R."""
    for body in (SHELL, BOX, FACES, CAN):
        for piece in geometry.Region(body).sides():
            x = torch.as_tensor(on_surfaces(list(piece.parts), 2000, "sobol", 1))
            n = piece.normal(x)
            assert (n.norm(dim=1) - 1).abs().max() < 1e-15
            assert not body.contains((x + 1e-6 * n).numpy()).any() and body.contains((x - 1e-6 * n).numpy()).all()
    inner = geometry.Region(SHELL).piece("inner")
    x = torch.as_tensor(on_surfaces(list(inner.parts), 500, "sobol", 2))
    assert (inner.normal(x) + (x - torch.tensor([0.3, 0, 0], dtype=torch.float64)) / 0.3).abs().max() < 1e-15


@pytest.mark.parametrize("body, data, bound", [(SHELL, {"outer": 1.0, "inner": 2.0}, 1e-14),
                                               (BOX, {"outer": 0.0, "holes": 1.0}, 1e-14),
                                               (FACES, {"a": 1.0, "b": 2.0, "c": 3.0, "d": 4.0}, 1e-14),
                                               (CAN, {"side": 1.0, "bottom": 2.0, "top": 3.0, "cavity": 4.0}, 1e-11)])
def test_dirichlet_data_hold_exactly_on_every_piece(body, data, bound):
    """u = Σ w_i g_i + φ N for a random N: on 10 000 points of each piece u = g_i to rounding
    (measured at most 3.3e-15 on the spheres and faces; 2.5e-13 on the cylinder's side, whose
    points are off it by ~1e-16, so that next to a rim the cap's weight is ~1e-16/φ_cap, as at
    any meeting of pieces with different data); φ > 0 inside, at most 1."""
    from pinn.problems.conditions import Dirichlet, constant
    from pinn.problems.exact_dirichlet import on_region
    region = geometry.Region(body)
    conditions = [Dirichlet(p, constant(data[p.name])) for p in region.sides()]
    transform, covered = on_region(region, conditions)
    assert covered == conditions
    torch.manual_seed(0)
    for piece in region.sides():
        x = torch.as_tensor(on_surfaces(list(piece.parts), 10000, "sobol", 3))
        u = transform(x, torch.randn(len(x), 1, dtype=torch.float64))
        assert (u - data[piece.name]).abs().max() < bound
    inside = torch.as_tensor(interior(body, 2000, "sobol", 4))
    assert (transform.distance(inside) > 0).all() and transform.distance(inside).max() <= 1.0


def test_a_body_is_read_with_the_place_of_each_mistake():
    problem = lambda domain: shell_problem(domain=domain)
    assert "domain.difference[1].ball: got [0.3, 0]; expected a point [x, y, z]" in refused(problem(
        {"difference": [{"ball": [0, 0, 0], "radius": 1}, {"ball": [0.3, 0], "radius": 0.3}]}))
    assert "expected exactly one of ball, balls" in refused(problem(
        {"difference": [{"ball": [0, 0, 0], "radius": 1}, {"disk": [0, 0], "radius": 0.3}]}))
    assert "hole 1 (ball) is not inside the outer body" in refused(problem(
        {"difference": [{"ball": [0, 0, 0], "radius": 1}, {"ball": [0.9, 0, 0], "radius": 0.3}]}))
    assert "holes 1 and 2 overlap" in refused(problem(
        {"difference": [{"box": [[-1, 1], [-1, 1], [-1, 1]]}, {"balls": [[0, 0, 0], [0.2, 0, 0]], "radius": 0.2}]}))
    assert "a box has six faces to name" in refused(problem({"box": [[0, 1], [0, 1], [0, 1]], "sides": ["a", "b"]}))
    assert "domain.heights: got [1]; expected [z0, z1]" in refused(problem({"cylinder": [0, 0], "radius": 1, "heights": [1]}))
    assert "domain.t: time on a 3D body is not yet supported" in refused(problem({**SHELL_SPEC, "t": [0, 1]}))
    assert "the boundary piece inner has no condition" in refused(shell_problem(boundary=[
        {"at": "outer", "type": "dirichlet", "value": U}]))


def test_an_exact_solution_that_contradicts_a_flux_is_said():
    """The flux with its sign turned (n taken out of the hole) disagrees with the exact solution."""
    right = validate(config.parse(shell_problem(), "body.yaml")).notes
    wrong = validate(config.parse(shell_problem(boundary=[{"at": "outer", "type": "dirichlet", "value": U},
                                                          {"at": "inner", "type": "neumann", "value": f"-({FLUX})"}]),
                                  "body.yaml")).notes
    assert not [w for w in right if "disagree" in w] and any("neumann at inner disagree" in w for w in wrong)


@pytest.mark.slow  # 9 s
def test_the_shell_on_a_short_schedule(tmp_path):
    """3×20 tanh, Adam 200 + BFGS 200, u exact on the outer sphere and its flux a loss term on the
    inner one: rel L2 6.9e-7 (by quadrature on the tetrahedra) in 3.5 s; the VTU file holds the
    tetrahedra; solution.png its three slices."""
    import meshio
    m = solve(config.parse(shell_problem(), "shell.yaml"), out_dir=tmp_path / "out",
              progress=Progress(enabled=False)).metrics
    assert m["rel_l2"] < 1e-5 and m["soft_conditions"] == ["neumann at inner"]  # measured 6.9e-7
    mesh = meshio.read(tmp_path / "out" / "solution.vtu")
    assert mesh.cells[0].type == "tetra" and mesh.points.shape[1] == 3 and "error" in mesh.point_data
    assert (tmp_path / "out" / "solution.png").exists()


@pytest.mark.slow  # 10 s
def test_measurements_in_a_body_learn_a_coefficient(tmp_path):
    """−D Δu = 3 in the shell, u = 1 − |x|², D = 0.5 learnt from 40 synthetic values (1 % noise)
    drawn inside the body: D = 0.500001 ± 0.0027 measured, the 95 % interval covering 0.5;
    data.png shows the points seen along z."""
    import yaml
    from pinn.app import synthetic
    document = {"name": "inverse_shell", "problem": {
        "type": "expression", "domain": SHELL_SPEC,
        "params": {"D": {"learn": True, "initial": 2, "positive": True, "exact": 0.5}},
        "equation": "-D*lap(u) - 3", "exact": "1 - x**2 - y**2 - z**2",
        "boundary": [{"at": "outer", "type": "dirichlet", "value": 0},
                     {"at": "inner", "type": "dirichlet", "value": "1 - x**2 - y**2 - z**2"}]},
        "data": {"file": "shell.csv", "noise": "estimate"},
        "network": {"layers": [20, 20, 20], "activation": "tanh"},
        "training": {"threads": 1, "points": {"interior": 1000},
                     "stages": [{"optimizer": "adam", "lr": 1e-3, "steps": 300}, {"optimizer": "bfgs", "steps": 300}]}}
    (tmp_path / "run.yaml").write_text(yaml.safe_dump(document))
    x, u, _ = synthetic.measurements(synthetic.problem_of(tmp_path / "run.yaml"), 40, 0.01, 0)
    assert SHELL.contains(x).all()
    synthetic.write_csv(tmp_path / "shell.csv", ("x", "y", "z"), x, u)
    result = solve(config.load(tmp_path / "run.yaml"), out_dir=tmp_path / "out", progress=Progress(enabled=False))
    low, high = result.metrics["parameters"]["D"]["interval_95"]
    assert low < 0.5 < high and high - low < 0.02 and (tmp_path / "out" / "data.png").exists()  # measured width 0.011

"""Problems written in YAML (problem.type: expression): compiled residuals against exact solutions,
the order fed to the C^k check, references found automatically, and located errors (exit 2)."""
import numpy as np
import pytest
import torch
import yaml

from pinn import problems
from pinn.app import config
from pinn.app.cli import main
from pinn.app.plan import validate
from pinn.core.errors import ConfigError
from pinn.core.field import Field
from pinn.problems.references import active_set
from pinn.problems.references.bvp import reference_derivatives, resolve_kind

LAYER = {
    "type": "expression", "domain": [[0, 1]], "params": {"eps": 0.1},
    "equation": "-eps*u_xx + u_x - 1",
    "boundary": [{"at": "x = 0", "type": "dirichlet", "value": "0"},
                 {"at": "x = 1", "type": "dirichlet", "value": "0"}],
    "exact": "x - (exp((x-1)/eps) - exp(-1/eps))/(1 - exp(-1/eps))",
}


def document(problem, **extra):
    return {"name": "t", "problem": problem, "network": {"layers": [8, 8]},
            "training": {"stages": [{"optimizer": "adam", "steps": 2}]}, **extra}


def build(problem, **extra):
    cfg = config.parse(document(problem, **extra), "t.yaml")
    return problems.build_from(cfg.problem), cfg


def residual_at_exact(problem, x):
    x = x.clone().requires_grad_(True)
    return problem.residual(x, Field(x, problem.exact(x))).detach()


def test_the_compiled_layer_equals_the_registered_one():
    mine, _ = build(LAYER)
    registered = problems.build("layer1d", {"eps": 0.1})
    x = torch.linspace(0, 1, 201, dtype=torch.float64)[:, None]
    assert torch.allclose(mine.exact(x), registered.exact(x), atol=1e-15)
    assert residual_at_exact(mine, x).abs().max() < 1e-12  # measured 8.9e-16
    assert mine.order == 2 and mine.has_exact and not mine.has_constraints
    assert mine.title() == "-eps*u_xx + u_x - 1 = 0 (eps=0.1)"


def test_a_beam_has_order_4_and_a_relu_cubed_body_is_refused(tmp_path):
    beam = {"type": "expression", "domain": [[0, 1]], "equation": "u_xxxx - 1",
            "boundary": [{"at": "boundary", "type": "dirichlet"},
                         {"at": "boundary", "type": "derivative", "order": 2}],
            "exact": "(x**4 - 2*x**3 + x)/24"}
    problem, _ = build(beam)
    assert problem.order == 4 and len(problem.conditions) == 4
    assert residual_at_exact(problem, torch.linspace(0, 1, 11, dtype=torch.float64)[:, None]).abs().max() < 1e-12
    path = tmp_path / "beam.yaml"
    doc = document(beam)
    doc["network"]["activation"] = {"name": "relu_power", "p": 3}
    path.write_text(yaml.safe_dump(doc))
    assert main(["check", str(path)]) == 3


def test_solve_bvp_is_the_reference_where_the_equation_is_affine_in_its_highest_derivative():
    no_exact = {k: v for k, v in LAYER.items() if k != "exact"}
    problem, _ = build(no_exact)
    assert problem.ode_ready and resolve_kind(problem, "auto") == "solve_bvp"
    x = torch.linspace(0, 1, 101, dtype=torch.float64)[:, None]
    u = reference_derivatives(problem, "solve_bvp", x, 1)[0]
    exact = problems.build("layer1d", {"eps": 0.1}).exact(x).numpy().ravel()
    assert np.abs(u - exact).max() < 1e-8  # measured 2.1e-12 (solve_bvp tolerance 1e-8)
    bratu, _ = build({**no_exact, "params": {"lam": 1}, "equation": "u_xx + lam*exp(u)"})
    assert bratu.ode_ready  # nonlinear in u, affine in u_xx
    cubic, _ = build({**no_exact, "equation": "u_xx**3 + 1"})
    assert not cubic.ode_ready and resolve_kind(cubic, "auto") == "none"
    with pytest.raises(ConfigError, match="not a 1D ODE"):
        resolve_kind(cubic, "solve_bvp")


PARABOLA = {"type": "expression", "domain": [[-2, 2]], "equation": "-u_xx", "obstacle": "1 - x**2",
            "boundary": [{"at": "boundary", "type": "dirichlet", "value": 0}],
            "exact": "where(abs(x) > 2 - sqrt(3), (4 - 2*sqrt(3))*(2 - abs(x)), 1 - x**2)"}


def test_an_obstacle_expression_is_an_obstacle_problem_with_the_active_set_reference():
    problem, cfg = build(PARABOLA)
    registered = problems.build("parabola1d")
    assert problem.has_constraints and cfg.constraint is not None and problem.active_set_ready
    x = torch.linspace(-2, 2, 401, dtype=torch.float64)[:, None]
    assert torch.allclose(problem.exact(x), registered.exact(x), atol=1e-15)
    assert torch.equal(problem.exact_contact(x), registered.exact_contact(x))
    assert problem.free_boundary == pytest.approx(registered.free_boundary, abs=4e-5)  # grid spacing 4e-5
    assert torch.allclose(problem.multiplier(x), registered.multiplier(x))
    fd = active_set.reference(problem, x)
    assert np.abs(fd - registered.exact(x).numpy().ravel()).max() < 1e-6  # measured 2.4e-7 on 4097 nodes
    shifted, _ = build({**PARABOLA, "equation": "-u_xx + u"})
    assert not shifted.active_set_ready and resolve_kind(shifted, "auto") == "exact"


def test_two_dimensional_data_are_enforced_exactly_by_the_coons_lift():
    square = {"type": "expression", "domain": [[0, 1], [0, 1]], "equation": "-lap(u)",
              "boundary": [{"at": "boundary", "type": "dirichlet", "value": "x*y + sin(3*x)"}]}
    problem, _ = build(square)
    transform, covered = problem.hard_dirichlet()
    assert len(covered) == 4
    t = torch.linspace(0, 1, 33, dtype=torch.float64)[:, None]
    for side in (torch.cat([t, 0 * t], 1), torch.cat([t, 0 * t + 1], 1), torch.cat([0 * t, t], 1),
                 torch.cat([0 * t + 1, t], 1)):
        x, y = side[:, :1], side[:, 1:]
        assert torch.allclose(transform.lift(side), x * y + torch.sin(3 * x), atol=1e-13)
        assert transform.distance(side).abs().max() == 0


def test_one_side_in_two_dimensions_and_a_neumann_side():
    mixed = {"type": "expression", "domain": [[0, 1], [0, 2]], "equation": "-lap(u)",
             "boundary": [{"at": "x = 0", "type": "dirichlet"}, {"at": "x = 1", "type": "dirichlet"},
                          {"at": "y = 0", "type": "dirichlet"}, {"at": "y = 2", "type": "neumann", "value": "x"}]}
    problem, _ = build(mixed)
    assert [str(bc.side) for bc in problem.conditions] == ["x = 0", "x = 1", "y = 0", "y = 2"]
    assert problem.hard_dirichlet() is None  # the Coons lift needs Dirichlet data on all four sides


ERRORS = {
    "unknown symbol": ({**LAYER, "equation": "-eps*uxx + u_x - 1"},
                       ["t.yaml", "problem.equation", "unknown symbol 'uxx'", "did you mean 'u_xx'"]),
    "code": ({**LAYER, "equation": "__import__('os')"}, ["problem.equation", "'__'"]),
    "side not on the boundary": ({**LAYER, "boundary": [{"at": "x = 0.5", "type": "dirichlet"}]},
                                 ["problem.boundary[0].at", "x = 0, x = 1, boundary"]),
    "y in 1D": ({**LAYER, "boundary": [{"at": "y = 0", "type": "dirichlet"}]}, ["problem.boundary[0].at"]),
    "u in data": ({**LAYER, "exact": "u_x"}, ["problem.exact", "function of x only"]),
    "not finite": ({**LAYER, "exact": "log(x)"}, ["problem.exact", "not finite at (0)"]),
    "robin without b": ({**LAYER, "boundary": [{"at": "x = 0", "type": "robin", "a": 1}]},
                        ["problem.boundary[0].b", "needs a and b"]),
    "order on dirichlet": ({**LAYER, "boundary": [{"at": "x = 0", "type": "dirichlet", "order": 2}]},
                           ["problem.boundary[0].order", "not used"]),
    "bad type": ({**LAYER, "boundary": [{"at": "x = 0", "type": "dirichlett"}]},
                 ["problem.boundary[0].type", "did you mean 'dirichlet'"]),
    "missing equation": ({k: v for k, v in LAYER.items() if k != "equation"}, ["problem.equation", "missing"]),
    "domain": ({**LAYER, "domain": [[1, 0]]}, ["problem.domain[0]", "lo < hi"]),
    "reserved param": ({**LAYER, "params": {"sin": 1}}, ["problem.params.sin", "taken"]),
    "param not a number": ({**LAYER, "params": {"eps": "small"}}, ["problem.params.eps", "finite number"]),
    "expression key on a registered problem": ({"type": "poisson1d", "equation": "u_xx"},
                                               ["problem.equation", "only for type: expression"]),
    "constraint without obstacle": (LAYER, ["constraint", "only for obstacle"]),
}


@pytest.mark.parametrize("case", ERRORS, ids=list(ERRORS))
def test_bad_expression_problems_exit_2_naming_the_key(case, tmp_path, capsys):
    problem, fragments = ERRORS[case]
    extra = {"constraint": {"penalty": "relu"}} if case == "constraint without obstacle" else {}
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(document(problem, **extra)))
    assert main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    first = err.splitlines()[0]
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in first, (fragment, err)


def test_an_expression_error_shows_a_caret_under_the_culprit(tmp_path, capsys):
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(document({**LAYER, "equation": "-eps*uxx + u_x - 1"})))
    assert main(["check", str(path)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines[1].strip() == "-eps*uxx + u_x - 1"
    assert lines[2].index("^") == lines[1].index("uxx")


def test_stage_params_of_an_expression_problem_are_checked():
    stages = [{"optimizer": "adam", "steps": 2, "params": {"epz": 0.2}}]
    with pytest.raises(ConfigError, match=r"training.stages\[0\].params.epz.*did you mean 'eps'"):
        validate(config.parse({**document(LAYER), "training": {"stages": stages}}, "t.yaml"))
    stages[0]["params"] = {"eps": 0.2}
    plan = validate(config.parse({**document(LAYER), "training": {"stages": stages}}, "t.yaml"))
    assert plan.settings[0].problem.params == {"eps": 0.2}


def test_an_expression_activation_is_probed_not_trusted(tmp_path, capsys):
    path = tmp_path / "t.yaml"
    for source, code in (("x*sigmoid(x)", 0), ("relu(x)**2", 3), ("abs(x)", 3), ("x.real", 2)):
        doc = document(LAYER)
        doc["network"]["activation"] = {"expression": source}
        path.write_text(yaml.safe_dump(doc))
        assert main(["check", str(path)]) == code, source
    assert "probed" in capsys.readouterr().err


def test_the_resolved_config_reloads_to_the_same_run(tmp_path):
    cfg = config.parse(document(PARABOLA), "t.yaml")
    path = tmp_path / "resolved.yaml"
    path.write_text(yaml.safe_dump(config.to_dict(cfg)))
    assert config.sha256(config.load(path)) == config.sha256(cfg)


def test_a_2d_expression_obstacle_gets_the_active_set_reference():
    from pinn.problems.obstacle import RADIAL_A, RADIAL_B
    radial = {"type": "expression", "domain": [[-2, 2], [-2, 2]], "equation": "-lap(u)",
              "obstacle": "where(x**2 + y**2 < 1, sqrt(max(1 - x**2 - y**2, 0)), -1)",
              "boundary": [{"at": "boundary", "type": "dirichlet",
                            "value": f"-{RADIAL_A}*0.5*log(x**2 + y**2) + {RADIAL_B}"}]}
    problem, _ = build(radial)
    assert problem.active_set_ready and resolve_kind(problem, "auto") == "fd-active-set"
    axis = torch.linspace(-2, 2, 41, dtype=torch.float64)
    x = torch.cartesian_prod(axis, axis)
    exact = problems.build("radial2d").exact(x).numpy().ravel()
    fd = active_set.reference(problem, x)
    assert np.linalg.norm(fd - exact) / np.linalg.norm(exact) < 1e-4  # measured 5.5e-5 (201 x 201 grid)

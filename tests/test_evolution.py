"""Space–time machinery: the domain, the exact initial/boundary transform, the periodic input map
(and its Taylor-mode streams), and evolution problems written in YAML."""
import math

import pytest
import torch

from pinn import problems
from pinn.app import config
from pinn.app.plan import validate
from pinn.app.resolve import resolved
from pinn.core import activations, taylor
from pinn.core.domains import Box, SpaceTime
from pinn.core.errors import ConfigError, SmoothnessError
from pinn.core.field import Field
from pinn.core.network import MLP


def tanh():
    return activations.Tanh()


def test_space_time_domain_names_sides_and_grid():
    domain = SpaceTime(Box(((-1.0, 1.0),)), (0.0, 2.0))
    assert domain.names == ("x", "t") and domain.time_dim == 1 and domain.space_dims == [0]
    assert [str(s) for s in domain.sides()] == ["x = -1", "x = 1"]  # nothing is prescribed at t = 2
    assert str(domain.initial()) == "t = 0"
    grid = domain.test_grid()
    assert domain.test_shape() == (201, 101) and grid.shape == (201 * 101, 2)
    assert float(grid[:, 1].max()) == 2.0 and float(grid[:, 0].min()) == -1.0
    assert domain.describe(torch.tensor([0.5, 1.0])) == "(x, t) = (0.5, 1)"
    points = domain.sample_side(domain.initial(), 16, "sobol", 0, torch.float64, "cpu")
    assert (points[:, 1] == 0).all() and points.shape == (16, 2)


def model_of(problem, seed=0):
    torch.manual_seed(seed)
    transform, covered = problem.hard_dirichlet()
    domain = problem.domain
    return MLP(domain.lower, domain.upper, [8, 8], tanh, transform, periodic=problem.periodic_axes(),
               modes=3 if problem.periodic_axes() else 0), covered


@pytest.mark.parametrize("name", ["heat1d", "burgers1d", "wave1d", "allen_cahn1d"])
def test_initial_and_dirichlet_data_hold_for_any_weights(name):
    problem = problems.build(name)
    model, covered = model_of(problem)
    assert len(covered) == len(problem.conditions) - (name == "allen_cahn1d")  # periodic: the input map's
    (a, b), (t0, t1) = problem.domain.bounds
    x = torch.linspace(a, b, 33, dtype=torch.float64)[:, None]
    start = torch.cat([x, torch.full_like(x, t0)], dim=1).requires_grad_(True)
    u = Field(start, model(start))
    assert torch.allclose(u.value, problem.initial_value(x), atol=1e-14)
    if name == "wave1d":
        assert u.d(1).abs().max() < 1e-14  # u_t(x, 0) = 0 exactly: the factor is t²
    t = torch.linspace(t0, t1, 33, dtype=torch.float64)[:, None]
    ends = [torch.cat([torch.full_like(t, e), t], dim=1) for e in (a, b)]
    if name == "allen_cahn1d":
        # u = u₀ + t·N with N periodic: u jumps across the seam exactly as u₀ does. u₀ = x² cos πx
        # agrees in value and u₀'' at x = ±1, but u₀' = ±2 ∓ ... jumps by 4 (problem.notes says so).
        lower, upper = (p.requires_grad_(True) for p in ends)
        fl, fu = Field(lower, model(lower)), Field(upper, model(upper))
        x0 = torch.tensor([[a], [b]], dtype=torch.float64, requires_grad=True)
        f0 = Field(x0, problem.initial_value(x0))
        for key in [(), (0,), (0, 0), (0, 0, 0)]:
            jump = f0.d(*key)[0] - f0.d(*key)[1]
            assert torch.allclose(fl.d(*key) - fu.d(*key), jump.expand(len(t), 1), atol=1e-10), key
        assert abs(float(f0.d(0)[0].detach() - f0.d(0)[1].detach()) - 4) < 1e-12
    else:
        assert all(model(e).abs().max() < 1e-14 for e in ends)


def test_time_dependent_dirichlet_data_with_a_rate_are_exact():
    """The general lift: u₀, v₀ and end data g(t) that vary in time, compatible at t = 0."""
    source = {"name": "w", "problem": {
        "type": "expression", "domain": {"x": [0, 1], "t": [0, 1]}, "equation": "u_tt - u_xx",
        "initial": [{"value": "x*(1 - x) + x"}, {"value": "x", "derivative": 1}],
        "boundary": [{"at": "x = 0", "type": "dirichlet", "value": "sin(0*t)"},
                     {"at": "x = 1", "type": "dirichlet", "value": "1 + t + t**2"}]}}
    problem = problems.build_from(config.parse(source).problem)
    model, covered = model_of(problem, seed=3)
    assert len(covered) == 4
    t = torch.linspace(0, 1, 17, dtype=torch.float64)[:, None]
    right = torch.cat([torch.ones_like(t), t], dim=1)
    assert torch.allclose(model(right), 1 + t + t ** 2, atol=1e-13)
    x = torch.linspace(0, 1, 17, dtype=torch.float64)[:, None]
    start = torch.cat([x, torch.zeros_like(x)], dim=1).requires_grad_(True)
    u = Field(start, model(start))
    assert torch.allclose(u.value, x * (1 - x) + x, atol=1e-14)
    assert torch.allclose(u.d(1), x, atol=1e-13)


def test_incompatible_initial_and_boundary_data_stay_loss_terms():
    source = {"name": "h", "problem": {
        "type": "expression", "domain": {"x": [0, 1], "t": [0, 1]}, "equation": "u_t - u_xx",
        "initial": [{"value": "1"}], "boundary": [{"at": "x = 0", "type": "dirichlet", "value": 0},
                                                  {"at": "x = 1", "type": "dirichlet", "value": 0}]}}
    problem = problems.build_from(config.parse(source).problem)
    assert problem.hard_dirichlet() is None
    said = problem.data_mismatches()
    assert len(said) == 2 and "disagree at (x, t) = (0, 0)" in said[0] and "(x, t) = (1, 0)" in said[1]


def test_fourier_input_map_streams_match_autograd():
    """Taylor mode through the periodic input map equals nested autograd, to fourth order."""
    torch.manual_seed(1)
    model = MLP([-1.0, 0.0], [1.0, 1.0], [12, 12], tanh, periodic={0: (-1.0, 1.0)}, modes=4)
    x = torch.rand(40, 2, dtype=torch.float64).mul(torch.tensor([2.0, 1.0])).sub(torch.tensor([1.0, 0.0]))
    x.requires_grad_(True)
    keys = [(0,), (1,), (0, 0), (0, 1), (0, 0, 0, 0), (1, 1)]
    streams = model.body_jet(x, taylor.Streams.of(keys))
    field = Field(x, model.body_output(x))
    for key in keys:
        assert torch.allclose(streams[key], field.d(*key), atol=1e-10, rtol=1e-10), key


def expression(**problem):
    return {"name": "e", "problem": {"type": "expression", "domain": {"x": [0, 1], "t": [0, 1]}, **problem},
            "training": {"stages": [{"optimizer": "adam", "steps": 1}]}}


ENDS = [{"at": "x = 0", "type": "dirichlet", "value": 0}, {"at": "x = 1", "type": "dirichlet", "value": 0}]


def test_lap_is_the_spatial_laplacian():
    cfg = config.parse(expression(equation="u_t - lap(u)", initial=[{"value": "sin(pi*x)"}], boundary=ENDS,
                                  exact="exp(-pi**2*t)*sin(pi*x)"))
    problem = problems.build_from(cfg.problem)
    assert problem.equation.derivatives == {(1,), (0, 0)}
    assert problem.exact_mismatches() == []


@pytest.mark.parametrize("problem, message", [
    (dict(equation="u_t - u_xx", boundary=ENDS), "problem.initial: missing"),
    (dict(equation="u_tt - u_xx", initial=[{"value": 0}], boundary=ENDS), "order 2 in t"),
    (dict(equation="u_t - u_xx", initial=[{"value": 0}], boundary=ENDS[:1]), "order 2 in x"),
    (dict(equation="u_t - u_xx", initial=[{"value": 0}],
          boundary=[*ENDS, {"at": "t = 0", "type": "dirichlet"}]), "go in initial"),
    (dict(equation="u_t - u_xx", initial=[{"value": 0}], boundary=[{"at": "t", "type": "periodic"}]),
     "expected one of x"),
    (dict(equation="u_t - u_xx", initial=[{"value": 0}], boundary=[*ENDS, {"at": "x", "type": "periodic"}]),
     "closes the axis x"),
    (dict(equation="u_t - u_xx", initial=[{"value": "t"}], boundary=ENDS), "function of x only"),
    (dict(equation="u_xx", initial=[{"value": 0}], boundary=ENDS), "not an evolution problem"),
])
def test_evolution_mistakes_are_located(problem, message):
    with pytest.raises(ConfigError, match=message):
        resolved(config.parse(expression(**problem)))


def test_initial_on_a_steady_domain_is_refused():
    source = expression(equation="u_xx", initial=[{"value": 0}], boundary=ENDS)
    source["problem"]["domain"] = [[0, 1]]
    with pytest.raises(ConfigError, match="only for a domain with time"):
        resolved(config.parse(source))


def test_periodic_problem_trains_without_side_terms():
    source = expression(equation="u_t - 0.01*u_xx", initial=[{"value": "cos(2*pi*x)"}],
                        boundary=[{"at": "x", "type": "periodic"}], exact="exp(-0.04*pi**2*t)*cos(2*pi*x)")
    plan = validate(config.parse(source))
    assert plan.soft_conditions == [] and plan.loss.batch.boundary == []
    assert plan.model.inputs.width == 1 + 2 * 8  # t, and 8 cosines and sines of x (the default K)
    assert math.isfinite(float(plan.loss(plan.trainables).total))


def test_causal_weighting_weighs_each_time_slab_by_the_loss_before_it():
    source = expression(equation="u_t - u_xx", initial=[{"value": "sin(pi*x)"}], boundary=ENDS)
    source["training"]["weights"] = {"causal": 10.0}
    plan = validate(config.parse(source))
    x = plan.loss.batch.x[plan.loss.batch.interior]
    with torch.enable_grad():
        u = Field(plan.loss.batch.x, plan.model(plan.loss.batch.x))
        r = plan.problem.residual(x, u.restrict(plan.loss.batch.interior)).detach().reshape(-1)
    slab = torch.clamp((x[:, 1].detach() * 32).long(), max=31)
    means = torch.stack([r[slab == k].square().mean() for k in range(32)])
    before = torch.cat([torch.zeros(1, dtype=means.dtype), torch.cumsum(means, 0)[:-1]])
    expected = (torch.exp(-10.0 * before) * means).mean()
    assert torch.allclose(plan.loss(plan.trainables).terms["residual"].detach(), expected, rtol=1e-12)
    steady = expression(equation="u_xx", boundary=ENDS)
    steady["problem"]["domain"] = [[0, 1]]
    steady["training"]["weights"] = {"causal": 1.0}
    with pytest.raises(ConfigError, match="time axis"):
        validate(config.parse(steady))


KINKED = dict(equation="u_t - u_xx", initial=[{"value": "abs(x - 0.5)"}],
              boundary=[{"at": "x = 0", "type": "dirichlet", "value": 0.5},
                        {"at": "x = 1", "type": "dirichlet", "value": 0.5}])


def test_a_kink_in_the_initial_value_is_refused_unless_forced():
    cfg = config.parse(expression(**KINKED))
    with pytest.raises(SmoothnessError, match=r"has a kink near x = 0.5 \(its slope jumps by about 2\)"):
        validate(cfg)
    assert any("has a kink near x = 0.5" in w for w in validate(cfg, force=True).warnings)


def test_smooth_initial_data_pass_the_kink_check():
    smooth = dict(KINKED, initial=[{"value": "0.5 + (x - 0.5)**2"}])
    plan = validate(config.parse(expression(**smooth)))
    assert not any("kink" in n for n in plan.notes + plan.warnings)


def test_a_base_solution_with_the_kink_removes_the_note_and_holds_the_data():
    cfg = config.parse(expression(**KINKED, base="abs(x - 0.5) + t*x*(1 - x)"))
    plan = validate(cfg)  # no kink in u0 - base: not refused
    transform, covered = plan.problem.hard_dirichlet()
    assert len(covered) == 3
    p = torch.rand(64, 2, dtype=torch.float64)
    n = torch.sin(3 * p[:, :1]) + p[:, 1:]
    start = torch.cat([p[:, :1], torch.zeros_like(p[:, :1])], 1)
    assert torch.allclose(transform(start, n), (p[:, :1] - 0.5).abs(), atol=1e-14)
    for end in (0.0, 1.0):
        side = torch.cat([torch.full_like(p[:, :1], end), p[:, 1:]], 1)
        assert torch.allclose(transform(side, n), torch.full_like(n, 0.5), atol=1e-14)
    # away from the data the base shows through: u - base is the distance factor times N
    inside = torch.tensor([[0.25, 0.5]], dtype=torch.float64)
    assert float(transform(inside, torch.zeros(1, 1, dtype=torch.float64))) == pytest.approx(0.25 + 0.5 * 0.25 * 0.75)


def test_base_needs_a_domain_with_time():
    steady = {"name": "e", "problem": {"type": "expression", "domain": [[0, 1]], "equation": "-u_xx - 1",
                                       "boundary": ENDS, "base": "x"}}
    with pytest.raises(ConfigError, match="problem.base.*only for a domain with time"):
        resolved(config.parse(steady))


def test_a_base_solution_keeps_a_second_initial_condition_exact():
    wave = dict(equation="u_tt - u_xx", initial=[{"value": "abs(x - 0.5)"}, {"value": "x*(1 - x)", "derivative": 1}],
                boundary=KINKED["boundary"], base="abs(x - 0.5) + t*x")
    transform, covered = validate(config.parse(expression(**wave))).problem.hard_dirichlet()
    assert len(covered) == 4
    x = torch.rand(32, 1, dtype=torch.float64)
    p = torch.cat([x, torch.zeros_like(x)], 1).requires_grad_(True)
    u = transform(p, torch.cos(5 * p[:, :1]) + p[:, 1:])
    (u_t,) = torch.autograd.grad(u.sum(), p)
    assert torch.allclose(u.detach(), (x - 0.5).abs(), atol=1e-14)
    assert torch.allclose(u_t[:, 1:], x * (1 - x), atol=1e-12)  # v0 minus the base's rate x, plus it back

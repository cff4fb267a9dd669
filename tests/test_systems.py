"""Systems of PDEs (problem.fields): derivatives per field, the expression language with several
fields, located errors before training, and Kovasznay flow solved against its exact solution."""
import json
import math

import meshio
import numpy as np
import pytest
import torch
import yaml

from conftest import ROOT
from fault_injection import at_loss_call, load_checkpoint, same_run

from pinn import problems
from pinn.app import config
from pinn.app.plan import validate
from pinn.app.progress import Progress
from pinn.app.run import solve
from pinn.core import expr, taylor
from pinn.core.activations import Tanh
from pinn.core.errors import ConfigError
from pinn.core.field import Fields
from pinn.core.network import MLP
from pinn.method.closure import Closure
from pinn.method.interrupt import Interrupted

QUIET = Progress(enabled=False)
LAM = -0.9637405441957689  # Re/2 - sqrt(Re^2/4 + 4 pi^2) at Re = 40


def kovasznay(**edits) -> dict:
    """The shipped Kovasznay problem section, with keys replaced by ``edits`` (None removes one)."""
    problem = yaml.safe_load((ROOT / "configs" / "kovasznay.yaml").read_text())["problem"]
    problem.update(edits)
    return {key: value for key, value in problem.items() if value is not None}


def document(problem) -> dict:
    return {"name": "t", "problem": problem, "network": {"layers": [8, 8]},
            "training": {"points": {"interior": 64, "boundary": 16},
                         "stages": [{"optimizer": "adam", "steps": 2}]}}


def refused(problem, **extra) -> str:
    with pytest.raises(ConfigError) as caught:
        validate(config.parse({**document(problem), **extra}, "t.yaml"))
    return str(caught.value)


def points(n=50, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return (torch.rand(n, 2, generator=generator, dtype=torch.float64) * 2 - 1).requires_grad_(True)


def test_each_field_has_its_own_derivatives():
    """Fields over an (N, 2) output: u = sin x cos y, v = x² y. A Field over the whole output
    would seed both columns and return the sum of their derivatives."""
    x = points()
    a, b = x[:, :1], x[:, 1:]
    fields = Fields(("u", "v"), x, torch.cat([torch.sin(a) * torch.cos(b), a ** 2 * b], dim=1))
    exact = {("u", (0,)): torch.cos(a) * torch.cos(b), ("u", (1,)): -torch.sin(a) * torch.sin(b),
             ("u", (0, 0)): -torch.sin(a) * torch.cos(b), ("v", (0,)): 2 * a * b, ("v", (1,)): a ** 2,
             ("v", (0, 1)): 2 * a, ("v", (1, 1)): 0 * a}
    for (f, key), value in exact.items():
        assert torch.allclose(fields[f].d(*key), value, rtol=0, atol=1e-14), (f, key)  # measured ≤ 2.2e-16


def test_taylor_mode_carries_every_output():
    """The body's jet of a 3-output network gives each field the derivatives autograd gives it."""
    torch.manual_seed(0)
    net = MLP((-1, -1), (1, 1), [16, 16], Tanh, out_dim=3, dtype=torch.float64)
    x = points(30)
    keys = [(0,), (1,), (0, 0), (1, 1), (0, 1)]
    streams = net.body_jet(x, taylor.Streams.of(keys))
    by_taylor = Fields("uvp", x, streams[()], known=streams)
    by_autograd = Fields("uvp", x, net.body_output(x))
    for f in "uvp":
        for key in keys:
            assert torch.allclose(by_taylor[f].d(*key), by_autograd[f].d(*key), rtol=1e-12, atol=1e-12)


def test_a_positive_field_is_softplus_of_its_output_on_both_derivative_paths():
    """positive: [v] writes v = softplus(N_v): never negative, the other outputs untouched, and
    Taylor mode (softplus's jet composed after the last layer) gives autograd's derivatives."""
    torch.manual_seed(0)
    plain = MLP((-1, -1), (1, 1), [16, 16], Tanh, out_dim=3, dtype=torch.float64)
    torch.manual_seed(0)
    net = MLP((-1, -1), (1, 1), [16, 16], Tanh, out_dim=3, dtype=torch.float64, positive=[1])
    x = points(200)
    n, out = plain.body_output(x), net.body_output(x)
    assert torch.equal(out[:, [0, 2]], n[:, [0, 2]]) and (out[:, 1] > 0).all()
    assert torch.allclose(out[:, 1], torch.nn.functional.softplus(n[:, 1]), rtol=0, atol=1e-15)  # SIMD vs scalar
    keys = [(0,), (1,), (0, 0), (1, 1), (0, 1), (0, 0, 1)]
    streams = net.body_jet(x, taylor.Streams.of(keys))
    by_taylor, by_autograd = Fields("uvp", x, streams[()], known=streams), Fields("uvp", x, net.body_output(x))
    for key in keys:
        assert torch.allclose(by_taylor["v"].d(*key), by_autograd["v"].d(*key), rtol=1e-12, atol=1e-12)
    assert set(net.state_dict()) == set(plain.state_dict())  # the checkpoint's format is unchanged


def test_a_positive_field_with_a_negative_exact_solution_is_said():
    plan = validate(config.parse(document({**HEAT_PAIR, "positive": ["v"]}), "t.yaml"))
    assert any(note.startswith("problem.positive: v is declared positive, but the exact v is -") for note in plan.notes)
    # u = 0 at both ends: softplus reaches 0 only in the limit (measured: u 5.9e-3 where the
    # unconstrained field reaches 1.0e-4 on the same schedule)
    plan = validate(config.parse(document({**HEAT_PAIR, "positive": ["u"]}), "t.yaml"))
    assert sum("gives u the value 0, which a positive field (softplus) reaches only in the limit" in note
               for note in plan.notes) == 2
    assert "problem.positive[0]" in refused({**HEAT_PAIR, "positive": ["w"]})


def test_the_language_reads_fields_by_name():
    symbols = expr.Symbols(("x", "y"), {"nu": 0.5}, True, fields=("u", "v"))
    e = expr.parse("u*v_x - nu*lap(v) + dx(u*v)", symbols)
    assert e.reads == {("u", ()), ("v", (0,)), ("v", (0, 0)), ("v", (1, 1)), ("u", (0,)), ("v", ())}
    x = points()
    a, b = x[:, :1], x[:, 1:]
    fields = Fields(("u", "v"), x, torch.cat([a * b, torch.exp(a) + b ** 3], dim=1))
    u, v = a * b, torch.exp(a) + b ** 3
    u_x, v_x, lap_v = b, torch.exp(a), torch.exp(a) + 6 * b
    expected = u * v_x - 0.5 * lap_v + (u_x * v + u * v_x)
    assert torch.allclose(e.at(x, fields), expected, rtol=1e-13, atol=1e-13)
    with pytest.raises(expr.ExpressionError, match="unknown symbol 'w_x'"):
        expr.parse("u_x + w_x", symbols)


def test_the_exact_kovasznay_flow_satisfies_the_compiled_system():
    problem = problems.build_from(config.parse(document(kovasznay()), "t.yaml").problem)
    assert problem.fields == ("u", "v", "p") and problem.equations == ("momentum_x", "momentum_y", "mass")
    assert problem.exact_mismatches() == []
    x = problem.domain.sample_interior(200, "sobol", 0, torch.float64, "cpu").requires_grad_(True)
    residuals = problem.residual(x, problem.field_of(x, problem.exact(x)))
    assert max(float(r.abs().max()) for r in residuals.values()) < 1e-12  # measured 3.6e-15
    p = problem.exact(torch.tensor([[1.0, 0.5]], dtype=torch.float64))[0, 2]
    assert float(p) == pytest.approx(0.5 * (1 - math.exp(2 * LAM)), rel=1e-15)


@pytest.mark.parametrize("edits, where, says", [
    ({"equations": {"momentum_x": "u*u_x + v*u_y + p_x - lap(u)/Re", "momentum_y": "w_y - lap(v)/Re",
                    "mass": "u_x + v_y"}}, "problem.equations.momentum_y", "unknown symbol 'w_y'"),
    ({"boundary": [{"at": "boundary", "type": "dirichlet", "values": {"u": "0", "q": "0"}}]},
     "problem.boundary[0].values.q", "there is no field 'q'"),
    ({"exact": {"u": "0", "v": "0"}}, "problem.exact", "no exact solution for p"),
    ({"gauge": None}, "problem.gauge", "p enters the equations only through its derivatives"),
    ({"boundary": [{"at": "boundary", "type": "dirichlet", "field": "u", "value": "1 - exp(lam*x)*cos(2*pi*y)"}]},
     "problem.boundary", "v has order 2 in x, so the side x = -0.5 needs 1 condition(s) on v"),
    ({"gauge": {"u": {"mean": "0"}, "p": {"at": [1.0, 0.5], "value": "0.5*(1 - exp(2*lam))"}}}, "problem.gauge.u",
     "u is already determined"),
    ({"fields": ["u", "v", "p", "q"], "exact": None}, "problem.fields[3]", "'q' appears in no equation"),
    ({"equation": "u_xx"}, "problem.equation", "is for one field"),
])
def test_a_wrong_system_is_refused_before_training_where_it_is_wrong(edits, where, says):
    message = refused(kovasznay(**edits))
    assert where in message and says in message, message


def test_a_gauge_that_contradicts_the_exact_solution_is_said_before_training():
    plan = validate(config.parse(document(kovasznay(gauge={"p": {"at": [1.0, 0.5], "value": "0"}})), "t.yaml"))
    said = [w for w in plan.notes if w.startswith("problem.gauge")]
    assert said and "the exact p has 0.427243 there" in said[0], plan.notes


def test_a_one_field_problem_refuses_the_system_keys():
    problem = {"type": "expression", "domain": [[0, 1]], "equation": "u_xx",
               "boundary": [{"at": "boundary", "type": "dirichlet", "value": "0"}], "gauge": {"u": {"mean": 0}}}
    assert "problem.gauge" in refused(problem) and "is for a system" in refused(problem)


@pytest.mark.slow
def test_kovasznay_on_a_short_schedule_scores_each_field_and_exports_them(tmp_path):
    """The shipped problem on a small network (3x30, 600 points, Adam 300 + BFGS 400), u and v
    exact on the boundary by their transforms: measured u 5.0e-5, v 2.6e-4, p 2.3e-4 (with every
    condition a loss term, hard_bc: false: u 1.3e-3, v 9.0e-3, p 6.3e-3). The bounds are about 3x
    those, far below an untrained network's (about 1)."""
    document = yaml.safe_load((ROOT / "configs" / "kovasznay.yaml").read_text())
    document["network"]["layers"] = [30, 30, 30]
    document["training"]["points"] = {"interior": 600, "boundary": 40, "sampler": "sobol"}
    document["training"]["stages"] = [{"optimizer": "adam", "steps": 300}, {"optimizer": "bfgs", "steps": 400}]
    cfg = config.parse(document, "kovasznay.yaml")
    result = solve(cfg, out_dir=tmp_path / "out", progress=QUIET)
    m = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert m["fields"]["u"]["rel_l2"] < 1.5e-4 and m["fields"]["v"]["rel_l2"] < 8e-4 and m["fields"]["p"]["rel_l2"] < 7e-4
    assert m["rel_l2"] == max(s["rel_l2"] for s in m["fields"].values())
    assert m["worst_field"] in "uvp" and set(m["residual_rms_by_equation"]) == {"momentum_x", "momentum_y", "mass"}
    data = np.load(tmp_path / "out" / "solution.npz")
    for f in "uvp":
        error = data[f] - data[f"{f}_reference"]
        assert np.linalg.norm(error) / np.linalg.norm(data[f"{f}_reference"]) == pytest.approx(
            m["fields"][f]["rel_l2"], rel=1e-12)
    mesh = meshio.read(tmp_path / "out" / "solution.vtu")
    assert mesh.point_data["velocity"].shape == (len(data["x"]), 3)
    assert np.array_equal(mesh.point_data["velocity"][:, 0], data["u"])
    header = (tmp_path / "out" / "history.csv").read_text().splitlines()[0].split(",")
    assert {"momentum_x", "momentum_y", "mass", "gauge"} <= set(header) and "boundary" not in header  # all exact
    assert {"solution.png", "streamlines.png", "loss.png"} <= {p.name for p in (tmp_path / "out").iterdir()}
    assert result.metrics["status"] == "complete"


HEAT_PAIR = {
    "type": "expression", "domain": {"x": [0, 1], "t": [0, 0.25]}, "fields": ["u", "v"],
    "equations": {"heat_u": "u_t - u_xx/pi**2", "heat_v": "v_t - v_xx/(4*pi**2)"},
    "boundary": [{"at": "boundary", "type": "dirichlet", "values": {"u": "0", "v": "0"}}],
    "initial": [{"field": "u", "value": "sin(pi*x)"}, {"field": "v", "value": "sin(2*pi*x)"}],
    "exact": {"u": "exp(-t)*sin(pi*x)", "v": "exp(-t)*sin(2*pi*x)"},
}


def test_a_time_dependent_pair_needs_each_fields_initial_value():
    assert validate(config.parse(document(HEAT_PAIR), "t.yaml")).notes == []  # the exact pair fits
    message = refused({**HEAT_PAIR, "initial": HEAT_PAIR["initial"][:1]})
    assert "problem.initial" in message and "v has order 1 in t, so it needs its initial value" in message


@pytest.mark.slow
def test_a_time_dependent_pair_trains_against_its_exact_solution(tmp_path):
    """Two heat equations on (x, t), Adam 300 + BFGS 300 on 512 points. Each field's initial value
    and ends exact by its own transform: u 7.3e-6, v 1.1e-5 (measured); the data as loss terms
    (hard_bc: false): u 1.0e-4, v 2.5e-4; an untrained network is off by about 1."""
    bounds = {"auto": (3e-5, 4e-5), False: (4e-4, 8e-4)}
    for hard, (u_bound, v_bound) in bounds.items():
        cfg = {**document(HEAT_PAIR), "network": {"layers": [24, 24, 24], "hard_bc": hard},
               "training": {"points": {"interior": 512, "boundary": 32},
                            "stages": [{"optimizer": "adam", "steps": 300}, {"optimizer": "bfgs", "steps": 300}]}}
        m = solve(config.parse(cfg, "t.yaml"), out_dir=tmp_path / str(hard), progress=QUIET).metrics
        assert m["fields"]["u"]["rel_l2"] < u_bound and m["fields"]["v"]["rel_l2"] < v_bound, hard


@pytest.mark.slow
def test_the_elasticity_plate_on_a_short_schedule(tmp_path):
    """Five fields (displacements and stresses) on a small network (3x30, 600 points, Adam 300 +
    BFGS 400: 5 s); measured ux 5.2e-3, uy 1.4e-2, displacement 7.8e-3, worst stress 2.1e-2. The
    bounds are 4 to 6 times those, far below an untrained network's (about 1)."""
    document = yaml.safe_load((ROOT / "configs" / "elasticity_plate.yaml").read_text())
    document["network"]["layers"] = [30, 30, 30]
    document["training"]["points"] = {"interior": 600, "boundary": 40, "sampler": "sobol"}
    document["training"]["stages"] = [{"optimizer": "adam", "steps": 300}, {"optimizer": "bfgs", "steps": 400}]
    m = solve(config.parse(document, "elasticity_plate.yaml"), out_dir=tmp_path / "out", progress=QUIET).metrics
    assert m["fields"]["ux"]["rel_l2"] < 2e-2 and m["fields"]["uy"]["rel_l2"] < 5e-2
    assert m["worst_field"] == max(m["fields"], key=lambda f: m["fields"][f]["rel_l2"])
    assert m["vectors"]["displacement"]["rel_l2"] < 5e-2


@pytest.mark.parametrize("separate", [False, True])
def test_a_field_given_on_every_side_is_exact_by_its_own_transform(separate):
    """Kovasznay gives u and v on all four sides: each gets its Coons lift and distance, p (fixed
    by its gauge) stays free; on the sides u, v equal the data to rounding, and the loss's
    Leibniz-rule derivatives equal autograd through the whole transformed network."""
    network = {"layers": [8, 8], "separate": separate}
    plan = validate(config.parse({**document(kovasznay()), "network": network}, "t.yaml"))
    assert sorted(plan.model.transform.columns) == [0, 1] and plan.soft_conditions == []
    domain = plan.problem.domain
    sides = torch.cat([domain.sample_side(side, 9, "grid", 0, torch.float64, "cpu") for side in domain.sides()])
    assert (plan.model(sides) - plan.problem.exact(sides))[:, :2].abs().max() < 1e-14  # measured 2.2e-16
    x = points(20) * 0.5 + 0.5
    by_autograd, _ = plan.loss.fields(plan.model, x)
    plan.loss.build_taylor(Closure(plan.loss, plan.trainables))  # the body's derivatives by Taylor mode
    by_taylor, _ = plan.loss.fields(plan.model, x)
    direct = Fields("uvp", x, plan.model(x))
    for f in "uvp":
        for key in [(), (0,), (1,), (0, 0), (1, 1)]:
            for path in (by_autograd, by_taylor):
                assert torch.allclose(path[f].d(*key), direct[f].d(*key), rtol=1e-12, atol=1e-12), (f, key)
    free = validate(config.parse({**document(kovasznay()), "network": {**network, "hard_bc": False}}, "t.yaml"))
    assert free.model.transform is None and len(free.soft_conditions) == 8


def test_each_fields_initial_value_is_exact_in_space_time_unless_it_is_positive():
    """The heat pair: u and v each get u0 + s·D(x)·N (both ends given), so at t = 0 and at the ends
    they equal their data for any weights. Declared positive, u keeps its conditions as loss terms
    (g + d·softplus(N) would stay above g)."""
    plan = validate(config.parse(document(HEAT_PAIR), "t.yaml"))
    assert sorted(plan.model.transform.columns) == [0, 1] and plan.soft_conditions == []
    x = torch.linspace(0, 1, 11, dtype=torch.float64)[:, None]
    start = plan.model(torch.cat([x, torch.zeros_like(x)], dim=1)).detach()
    assert (start - torch.cat([torch.sin(math.pi * x), torch.sin(2 * math.pi * x)], dim=1)).abs().max() < 1e-15
    positive = validate(config.parse(document({**HEAT_PAIR, "positive": ["u"]}), "t.yaml"))
    assert sorted(positive.model.transform.columns) == [1]
    assert {bc.field for bc in positive.soft_conditions} == {"u"}


def test_data_that_disagree_at_a_corner_stay_loss_terms():
    """u = 1 on the lid of a square and 0 on its walls: a Coons lift would take the lid's corner
    value down the walls (u = y there), so the conditions stay loss terms (the registered cavity
    subtracts its corner flows first: tests/test_corner_flow.py)."""
    square = {"type": "expression", "domain": [[0, 1], [0, 1]], "equation": "-lap(u)",
              "boundary": [{"at": "y = 1", "type": "dirichlet", "value": "1"},
                           {"at": "x = 0", "type": "dirichlet", "value": "0"},
                           {"at": "x = 1", "type": "dirichlet", "value": "0"},
                           {"at": "y = 0", "type": "dirichlet", "value": "0"}]}
    assert validate(config.parse(document(square), "t.yaml")).model.transform is None
    assert "Dirichlet data on all four sides that agree at the corners" in refused(square, network={"hard_bc": True})


def test_separate_networks_give_each_field_its_own_weights_on_both_paths():
    """network.separate: one MLP per field (3 x 241 parameters for 2 -> 8 -> 8 -> 1 on a 2D box);
    a field's output moves with its own network's weights only, and Taylor mode agrees with autograd."""
    plan = validate(config.parse({**document(kovasznay()), "network": {"layers": [8, 8], "separate": True}}, "t.yaml"))
    model = plan.model
    assert len(model.nets) == 3 and sum(p.numel() for p in model.parameters()) == 3 * (3 * 8 + 9 * 8 + 9)
    x = points(20) * 0.5 + 0.5
    before = model(x).detach()
    with torch.no_grad():
        model.nets[1].body[0].bias += 0.1
    after = model(x).detach()
    assert torch.equal(before[:, [0, 2]], after[:, [0, 2]]) and not torch.equal(before[:, 1], after[:, 1])
    keys = [(0,), (1,), (0, 0), (1, 1)]
    streams = model.body_jet(x, taylor.Streams.of(keys))
    by_taylor, by_autograd = Fields("uvp", x, streams[()], known=streams), Fields("uvp", x, model.body_output(x))
    for f in "uvp":
        for key in keys:
            assert torch.allclose(by_taylor[f].d(*key), by_autograd[f].d(*key), rtol=1e-12, atol=1e-12)
    one_field = {"type": "expression", "domain": [[0, 1]], "equation": "u_xx",
                 "boundary": [{"at": "boundary", "type": "dirichlet", "value": "0"}]}
    assert "network.separate: got true, but the problem has one field" in refused(
        one_field, network={"layers": [8], "separate": True})


@pytest.mark.slow
@pytest.mark.parametrize("call", [15, 45])  # in the Adam stage, in the BFGS stage
def test_an_interrupted_system_resumes_bit_identical(tmp_path, call):
    """The gauge, three equation terms and the per-field conditions go through the checkpoint and
    --resume like a one-field problem's terms: the resumed run ends on the same bits."""
    document = yaml.safe_load((ROOT / "configs" / "kovasznay.yaml").read_text())
    document["network"]["layers"] = [8, 8]
    document["training"]["points"] = {"interior": 64, "boundary": 16}
    document["training"]["log_every"] = 7
    document["training"]["stages"] = [{"optimizer": "adam", "steps": 30},
                                      {"optimizer": "bfgs", "steps": 40, "stall_window": 8, "min_improvement": 0}]
    path = tmp_path / "kovasznay.yaml"
    path.write_text(yaml.safe_dump(document))
    solve(path, out_dir=tmp_path / "whole", progress=QUIET)
    with at_loss_call(call, "sigint"), pytest.raises(Interrupted):
        solve(path, out_dir=tmp_path / "out", progress=QUIET)
    solve(path, out_dir=tmp_path / "out", resume=True, progress=QUIET)
    assert same_run(load_checkpoint(tmp_path / "whole" / "checkpoint.pt"),
                    load_checkpoint(tmp_path / "out" / "checkpoint.pt")) == []


@pytest.mark.slow
def test_kovasznay_in_yaml_and_registered_agree_within_twice(tmp_path):
    """The expression config and the registered problem (pinn.problems.navier_stokes.Kovasznay) on
    the same short schedule (3x30, 600 points, Adam 300 + BFGS 150), u and v exact on the boundary in
    both. The issue asks for 2x; measured: both u 1.14e-3, v 7.98e-3, p 4.71e-3, equal to 4e-15
    relative (the same arithmetic in another order), so 1 % is asked here."""
    errors = {}
    for name, problem in (("yaml", None), ("registered", {"type": "kovasznay"})):
        document = yaml.safe_load((ROOT / "configs" / "kovasznay.yaml").read_text())
        document["problem"] = problem or document["problem"]
        document["network"]["layers"] = [30, 30, 30]
        document["training"]["points"] = {"interior": 600, "boundary": 40, "sampler": "sobol"}
        document["training"]["stages"] = [{"optimizer": "adam", "steps": 300}, {"optimizer": "bfgs", "steps": 150}]
        m = solve(config.parse(document, "k.yaml"), out_dir=tmp_path / name, progress=QUIET).metrics
        errors[name] = {f: s["rel_l2"] for f, s in m["fields"].items()}
    for f in "uvp":
        assert abs(errors["yaml"][f] / errors["registered"][f] - 1) < 0.01, errors


@pytest.mark.slow
def test_a_system_on_a_shape_scores_each_field_by_quadrature(tmp_path):
    """configs/kovasznay_hole.yaml (the rectangle less a disk) on a small network (3x30, 600
    points, Adam 300 + BFGS 400), u and v exact on both pieces by their transforms: measured u
    3.4e-6, v 1.7e-5, p 1.2e-5 (bounds about 3x those); each field's score is its rel L2 by the test mesh's quadrature
    weights; the VTU file holds the mesh's triangles."""
    document = yaml.safe_load((ROOT / "configs" / "kovasznay_hole.yaml").read_text())
    document["network"]["layers"] = [30, 30, 30]
    document["training"]["points"] = {"interior": 600, "boundary": 40, "sampler": "sobol"}
    document["training"]["stages"] = [{"optimizer": "adam", "steps": 300}, {"optimizer": "bfgs", "steps": 400}]
    plan = validate(config.parse(document, "kovasznay_hole.yaml"))
    solve(config.parse(document, "kovasznay_hole.yaml"), out_dir=tmp_path / "out", progress=QUIET)
    m = json.loads((tmp_path / "out" / "metrics.json").read_text())
    weights = plan.problem.domain.test_weights
    data = np.load(tmp_path / "out" / "solution.npz")
    for f in "uvp":
        error, exact = data[f] - data[f"{f}_reference"], data[f"{f}_reference"]
        assert np.sqrt(np.sum(weights * error ** 2) / np.sum(weights * exact ** 2)) == pytest.approx(
            m["fields"][f]["rel_l2"], rel=1e-12)
    assert m["fields"]["u"]["rel_l2"] < 1e-5 and m["fields"]["v"]["rel_l2"] < 5e-5 and m["fields"]["p"]["rel_l2"] < 4e-5
    assert meshio.read(tmp_path / "out" / "solution.vtu").cells[0].type == "triangle"
    header = (tmp_path / "out" / "history.csv").read_text().splitlines()[0].split(",")
    assert "boundary" not in header  # the velocity exact on both pieces
    assert (tmp_path / "out" / "solution.png").exists() and not (tmp_path / "out" / "streamlines.png").exists()


def test_each_field_of_order_two_needs_a_condition_on_each_piece():
    document = yaml.safe_load((ROOT / "configs" / "kovasznay_hole.yaml").read_text())
    document["problem"]["boundary"] = [{"at": "outer", "type": "dirichlet", "values": {"u": "0", "v": "0"}}]
    message = refused(document["problem"])
    assert "u has order 2 in space, so the boundary piece hole needs a condition on u; none given (pieces: outer, " \
           "hole)" in message

"""Taylor-mode derivatives (pinn.core.taylor) against nested reverse-mode autograd, in float64.

Bound 1e-12 everywhere (the issue's): measured maxima are 9e-16 for the activations' jets, 1.8e-15
for network derivatives up to 4th order in 1D and 2D, and 4e-15 for loss gradients.
"""
import pytest
import torch
from conftest import CONFIGS

from pinn import load
from pinn.app.plan import build_model, check_problem, derivative_path
from pinn.core import activations, taylor
from pinn.core.errors import ConfigError
from pinn.core.field import Field
from pinn.core.network import MLP
from pinn.method.closure import Closure
from pinn.method.losses import PinnLoss, collocation
from pinn.method.trainables import Trainables

BOUND = 1e-12
JET_ACTIVATIONS = [activations.Tanh, activations.Sin, lambda: activations.Softplus(beta=2.0)]


def autograd_derivatives(fn, y, order):
    out, d = [], fn(y)
    for _ in range(order + 1):
        out.append(d)
        (d,) = torch.autograd.grad(d.sum(), y, create_graph=True)
    return out


@pytest.mark.parametrize("make", JET_ACTIVATIONS)
def test_activation_jet_matches_autograd(make):
    activation = make()
    # beyond softplus's linear threshold (20) too, where torch switches to the identity
    y = torch.linspace(-25, 25, 1001, dtype=torch.float64).requires_grad_(True)
    for mine, reference in zip(activation.jet(y, 4), autograd_derivatives(activation, y, 4)):
        assert (mine - reference).abs().max().item() <= BOUND


def network(dim, make_activation, seed=0):
    torch.manual_seed(seed)
    return MLP([-1.0] * dim, [2.0] * dim, [16, 16, 16], make_activation)


KEY_SETS = [
    (1, [(0, 0)]),                      # a 2nd-order BVP
    (1, [(0, 0, 0, 0)]),                # a beam
    (2, [(0, 0), (1, 1)]),              # the Laplacian
    (2, [(0, 1), (0, 0, 1), (0, 0, 1, 1)]),  # mixed partials up to 4th order
]


@pytest.mark.parametrize("make", JET_ACTIVATIONS)
@pytest.mark.parametrize("dim, keys", KEY_SETS)
def test_network_jet_matches_nested_autograd(make, dim, keys):
    model = network(dim, make)
    x = (torch.rand(64, dim, dtype=torch.float64) * 3 - 1).requires_grad_(True)
    streams = model.body_jet(x, taylor.Streams.of(keys))
    nested = Field(x, model.body_output(x))
    assert set(streams) == set(taylor.closure(keys))
    for key, value in streams.items():
        assert (value - nested.d(*key)).abs().max().item() <= BOUND, key


@pytest.mark.parametrize("dim, keys", KEY_SETS)
def test_jet_parameter_gradients_match(dim, keys):
    """What training uses: the gradient in the weights of a loss built from the derivatives."""
    model = network(dim, activations.Tanh)
    x = torch.rand(64, dim, dtype=torch.float64).requires_grad_(True)
    streams = model.body_jet(x, taylor.Streams.of(keys))
    nested = Field(x, model.body_output(x))
    weights = [p for p in model.parameters()]
    mine = torch.autograd.grad(sum((streams[k] + 1).square().mean() for k in keys), weights, allow_unused=True)
    reference = torch.autograd.grad(sum((nested.d(*k) + 1).square().mean() for k in keys), weights,
                                    allow_unused=True)
    for a, b in zip(mine, reference):
        assert (a is None) == (b is None)
        if a is not None:
            assert (a - b).abs().max().item() <= BOUND * max(1.0, b.abs().max().item())


def test_faa_di_bruno_coefficients():
    # (σ∘y)'''' = σ⁗ y'^4 + 6 σ''' y'^2 y'' + σ'' (3 y''^2 + 4 y' y''') + σ' y''''
    terms = {(j, factors): count for count, j, factors in taylor.faa_di_bruno((0, 0, 0, 0))}
    assert terms == {(4, ((0,),) * 4): 1, (3, ((0,), (0,), (0, 0))): 6, (2, ((0, 0), (0, 0))): 3,
                     (2, ((0,), (0, 0, 0))): 4, (1, ((0, 0, 0, 0),)): 1}


def test_supports_only_jet_activations():
    assert network(1, activations.Tanh).has_jet
    assert not network(1, activations.ReLU).has_jet
    assert not network(1, lambda: activations.ExpressionActivation("x*sigmoid(x)")).has_jet


def test_field_falls_back_to_autograd_for_keys_outside_the_jet():
    model = network(2, activations.Tanh)
    x = torch.rand(32, 2, dtype=torch.float64).requires_grad_(True)
    streams = model.body_jet(x, taylor.Streams.of([(0, 0), (1, 1)]))
    field = Field(x, streams[()], known=streams)
    nested = Field(x, model.body_output(x))
    assert (field.d(0, 1) - nested.d(0, 1)).abs().max().item() <= BOUND
    assert field.requested == {(0,), (0, 1)}


def assert_same_loss_and_gradient(trainables, reference, other):
    values, gradients = [], []
    for loss in (reference, other):
        value = loss(trainables).total
        values.append(value.item())
        gradients.append(torch.autograd.grad(value, list(trainables.parameters())))
    assert abs(values[1] - values[0]) <= BOUND * abs(values[0])
    for a, b in zip(*gradients):
        assert (a - b).abs().max().item() <= BOUND * max(1.0, a.abs().max().item())


def losses(name, overrides=None):
    """The same loss on the same batch, by nested autograd and by the Taylor path."""
    cfg = load(CONFIGS / f"{name}.yaml", overrides)
    problem, make_activation, _ = check_problem(cfg)
    model, soft = build_model(cfg, problem, make_activation, torch.device("cpu"), torch.float64)
    points = cfg.training.points
    batch = collocation(problem, soft, points.interior, points.boundary, points.sampler, 0, torch.float64,
                        torch.device("cpu"))
    pair = [PinnLoss(problem, batch, cfg.training.weights, None, path) for path in ("autograd", "taylor")]
    trainables = Trainables(model)
    pair[1].build_taylor(Closure(pair[1], trainables))
    return trainables, pair


@pytest.mark.parametrize("name", ["poisson1d", "robin1d", "beam1d_cantilever", "expression_poisson2d",
                                  "layer1d_eps0.1", "burgers1d", "wave1d", "allen_cahn1d"])
def test_training_loss_and_gradient_identical_on_both_paths(name):
    trainables, (nested, fast) = losses(name)
    assert fast.streams is not None and nested.streams is None
    assert_same_loss_and_gradient(trainables, nested, fast)


def test_derivative_path_resolution_and_errors():
    cfg = load(CONFIGS / "poisson1d.yaml")
    problem, make_activation, _ = check_problem(cfg)
    model, _ = build_model(cfg, problem, make_activation, torch.device("cpu"), torch.float64)
    assert derivative_path(cfg, model) == "taylor"
    assert derivative_path(load(CONFIGS / "poisson1d.yaml", {"training.derivatives": "autograd"}), model) == "autograd"
    with pytest.raises(ConfigError, match="compile"):
        derivative_path(load(CONFIGS / "poisson1d.yaml", {"training.derivatives": "autograd",
                                                           "training.compile": True}), model)
    relu = load(CONFIGS / "poisson1d_relu.yaml", {"training.derivatives": "taylor"})
    relu_model, _ = build_model(relu, problem, activations.factory("relu"), torch.device("cpu"), torch.float64)
    assert derivative_path(load(CONFIGS / "poisson1d_relu.yaml"), relu_model) == "autograd"
    with pytest.raises(ConfigError, match="no closed-form derivatives"):
        derivative_path(relu, relu_model)


@pytest.mark.slow
def test_compiled_taylor_loss_matches_eager():
    """training.compile: the compiled Taylor pass gives the eager loss and gradients (≤ 1e-12
    relative; measured 0 for the loss, 1.1e-15 for the gradient). Compiling takes ~20 s here."""
    trainables, (_, eager) = losses("poisson1d")
    weights = load(CONFIGS / "poisson1d.yaml").training.weights
    compiled = PinnLoss(eager.problem, eager.batch, weights, None, "taylor", compile=True)
    assert compiled.build_taylor(Closure(compiled, trainables)) > 0
    assert all(p.grad is None for p in trainables.parameters())  # build_taylor leaves no gradients behind
    assert_same_loss_and_gradient(trainables, eager, compiled)

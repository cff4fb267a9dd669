"""Autograd derivative operators against closed forms, float64 to <= 1e-10."""
import math

import pytest
import torch

from pinn.core.field import Field, derivative, grad, laplacian

TOL = 1e-10


@pytest.fixture(autouse=True)
def float64_default():
    """Closed forms below build constants in the default dtype; keep them in float64, locally."""
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


def points(n=64, d=1, seed=0):
    g = torch.Generator().manual_seed(seed)
    return (torch.rand(n, d, generator=g, dtype=torch.float64) * 2 - 1).requires_grad_(True)


CASES_1D = [
    # (u(x), [u', u'', u''', u''''])
    (lambda x: x ** 5 - 3 * x ** 2 + 1,
     [lambda x: 5 * x ** 4 - 6 * x, lambda x: 20 * x ** 3 - 6, lambda x: 60 * x ** 2, lambda x: 120 * x]),
    (lambda x: torch.sin(3 * x),
     [lambda x: 3 * torch.cos(3 * x), lambda x: -9 * torch.sin(3 * x), lambda x: -27 * torch.cos(3 * x),
      lambda x: 81 * torch.sin(3 * x)]),
    (lambda x: torch.exp(-2 * x),
     [lambda x: -2 * torch.exp(-2 * x), lambda x: 4 * torch.exp(-2 * x), lambda x: -8 * torch.exp(-2 * x),
      lambda x: 16 * torch.exp(-2 * x)]),
]


@pytest.mark.parametrize("u, derivatives", CASES_1D)
@pytest.mark.parametrize("order", [1, 2, 3, 4])
def test_derivative_1d_matches_closed_form(u, derivatives, order):
    x = points()
    got = derivative(u(x), x, 0, order)
    assert torch.allclose(got, derivatives[order - 1](x.detach()), atol=TOL, rtol=0)


@pytest.mark.parametrize("u, derivatives", CASES_1D)
def test_field_matches_derivative_and_is_cached(u, derivatives):
    x = points()
    field = Field(x, u(x))
    for order in (1, 2, 3, 4):
        assert torch.allclose(field.d(*[0] * order), derivatives[order - 1](x.detach()), atol=TOL, rtol=0)
    assert field.d(0, 0) is field.d(0, 0)  # the second request is served from the cache


def test_polynomial_beyond_its_degree_is_zero():
    x = points()
    assert torch.equal(derivative(x ** 2, x, 0, 3), torch.zeros(64, 1))


def test_2d_gradient_mixed_partials_and_laplacian():
    x = points(128, 2)
    a, b = x[:, 0:1], x[:, 1:2]
    u = torch.sin(math.pi * a) * torch.exp(b) + a ** 3 * b ** 2
    xd = x.detach()
    ad, bd = xd[:, 0:1], xd[:, 1:2]
    u_x = math.pi * torch.cos(math.pi * ad) * torch.exp(bd) + 3 * ad ** 2 * bd ** 2
    u_y = torch.sin(math.pi * ad) * torch.exp(bd) + 2 * ad ** 3 * bd
    u_xx = -math.pi ** 2 * torch.sin(math.pi * ad) * torch.exp(bd) + 6 * ad * bd ** 2
    u_yy = torch.sin(math.pi * ad) * torch.exp(bd) + 2 * ad ** 3
    u_xy = math.pi * torch.cos(math.pi * ad) * torch.exp(bd) + 6 * ad ** 2 * bd

    assert torch.allclose(grad(u, x), torch.cat([u_x, u_y], 1), atol=TOL, rtol=0)
    assert torch.allclose(laplacian(u, x), u_xx + u_yy, atol=TOL, rtol=0)
    field = Field(x, u)
    assert torch.allclose(field.d(1, 1), u_yy, atol=TOL, rtol=0)
    assert torch.allclose(field.d(0, 1), u_xy, atol=TOL, rtol=0)
    assert field.d(1, 0) is field.d(0, 1)  # mixed partials commute: one cache entry
    assert torch.allclose(field.laplacian(), u_xx + u_yy, atol=TOL, rtol=0)


def test_one_backward_fills_every_partial_of_the_next_order():
    x = points(16, 2)
    field = Field(x, (x ** 2).sum(1))
    field.d(0)
    assert (1,) in field._cache  # u_y came with u_x from the same backward pass


def test_restricted_view_shares_the_parents_derivatives():
    x = points(10)
    field = Field(x, torch.sin(x))
    view = field.restrict(slice(2, 5))
    assert torch.allclose(view.d(0, 0), -torch.sin(x.detach()[2:5]), atol=TOL, rtol=0)
    assert view.d(0, 0).data_ptr() == field.d(0, 0)[2:5].data_ptr()


def test_derivatives_stay_differentiable_in_parameters():
    x = points(8)
    w = torch.tensor(2.0, requires_grad=True)
    u_xx = derivative(torch.sin(w * x), x, 0, 2)  # -w^2 sin(w x)
    (dw,) = torch.autograd.grad(u_xx.sum(), w)
    xd = x.detach()
    expected = (-2 * 2.0 * torch.sin(2.0 * xd) - 2.0 ** 2 * xd * torch.cos(2.0 * xd)).sum()
    assert abs(float(dw - expected)) <= TOL


def test_field_needs_x_that_requires_grad():
    with pytest.raises(ValueError, match="requires_grad"):
        Field(torch.zeros(3, 1), torch.zeros(3, 1))


@pytest.mark.parametrize("name, params, orders", [
    ("beam1d", {"support": "clamped"}, [(0,), (0, 0), (0, 0, 0), (0, 0, 0, 0)]),
    ("poisson1d", {}, [(0,), (0, 0)]),
    ("radial2d", {}, [(0,), (1,), (0, 0), (0, 1), (1, 1)]),
])
def test_transformed_field_matches_autograd_through_the_transform(name, params, orders):
    """Leibniz rule with once-per-batch lift/distance derivatives == nested autograd on u."""
    from pinn import problems
    from pinn.core.activations import factory
    from pinn.core.field import ConstantField, TransformedField
    from pinn.core.network import MLP
    problem = problems.build(name, params)
    transform, _ = problem.hard_dirichlet()
    torch.manual_seed(0)
    model = MLP(problem.domain.lower, problem.domain.upper, [16, 16], factory("tanh"), transform)
    lo = torch.tensor(problem.domain.lower, dtype=torch.float64)
    hi = torch.tensor(problem.domain.upper, dtype=torch.float64)
    x = (lo + (hi - lo) * torch.rand(64, problem.domain.dim, dtype=torch.float64)).requires_grad_(True)
    reference = Field(x, model(x))
    fast = TransformedField(Field(x, model.body_output(x)), ConstantField(x, transform.lift),
                            ConstantField(x, transform.distance))
    for dims in [()] + orders:
        assert torch.allclose(fast.d(*dims), reference.d(*dims), rtol=1e-12, atol=1e-12), dims

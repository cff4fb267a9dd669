"""pinn.method.bfgs: the factored, deferred self-scaled update against the textbook formula, and the
optimiser against problems with known minimisers."""
import pytest
import torch
from test_lbfgs import minimise, minimise_function

from pinn.method import bfgs
from pinn.method.bfgs import BFGS
from pinn.method.quasi_newton import QuasiNewton
from pinn.method.stop import StopReason

F64 = torch.float64


class DenseSelfScaledBFGS(QuasiNewton):
    """The update written out as in the literature, on an explicit matrix: the reference."""

    def _direction(self, state, gradient):
        return -(state.get("H", torch.eye(gradient.numel(), dtype=F64)) @ gradient)

    def _update(self, state, s, y, gradient, new_gradient):
        ys = float(y @ s)
        H = state.get("H", torch.eye(s.numel(), dtype=F64) * ys / float(y @ y))
        Hy = H @ y
        yHy = float(y @ Hy)
        tau = min(1.0, ys / float(-s @ gradient))
        v = yHy ** 0.5 * (s / ys - Hy / yHy)
        state["H"] = (H - torch.outer(Hy, Hy) / yHy + torch.outer(v, v)) / tau + torch.outer(s, s) / ys

    def _forget(self, state):
        return state.pop("H", None) is not None


def quartic_bowl(x, Q):
    return 0.5 * x @ Q @ x + 0.01 * (x ** 4).sum() + x.sum()


def test_factored_deferred_update_equals_the_dense_formula():
    torch.manual_seed(0)
    A = torch.randn(30, 30, dtype=F64)
    Q = A @ A.T / 30 + 0.1 * torch.eye(30, dtype=F64)
    paths = [minimise_function(cls, lambda x: quartic_bowl(x, Q), torch.ones(30, dtype=F64), max_iter=40)[0]
             for cls in (DenseSelfScaledBFGS, BFGS)]
    # both reach the minimum in 30 iterations, so three blocks of DEFERRED_PAIRS were folded into H;
    # measured 6.7e-16: the same iterates up to round-off
    assert 2 * bfgs.DEFERRED_PAIRS < 30
    assert (paths[0] - paths[1]).abs().max() < 1e-12


@pytest.mark.parametrize("scale", [1.0, 1e-9])
def test_finds_the_rosenbrock_minimum_at_any_loss_scale(scale):
    p, optimizer = minimise(BFGS, scale, max_iter=200, tolerance_grad=0.0)
    # measured: |p - (1, 1)| = 0 at both scales (35 and 28 iterations)
    assert torch.allclose(p, torch.ones(2, dtype=F64), atol=1e-8, rtol=0)


def fit_sine(width: int, points: int, max_iter: int, state=None):
    """A float32 tanh net of ``width`` fitted to sin 6x on ``points`` points by one BFGS ``step``
    (after loading ``state``, if given): (net, optimizer)."""
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(1, width), torch.nn.Tanh(), torch.nn.Linear(width, 1))
    x = torch.linspace(0, 1, points).reshape(-1, 1)
    optimizer = BFGS(net.parameters(), max_iter=max_iter)
    if state is not None:
        optimizer.load_state_dict(state)

    def closure():
        optimizer.zero_grad()
        value = ((net(x) - torch.sin(6 * x)) ** 2).mean()
        value.backward()
        return value
    optimizer.step(closure)
    return net, optimizer


def test_a_failed_line_search_restarts_once_then_stops():
    """At a float32 loss's noise floor no step lowers the loss: BFGS forgets H, tries a scaled
    steepest-descent step, and stops when that fails too."""
    net, optimizer = fit_sine(16, 64, max_iter=3000)
    state = optimizer.state[next(net.parameters())]
    assert optimizer.stop_reason == StopReason.LINE_SEARCH and optimizer.iterations < 3000
    assert state["restarts"] >= 1


def test_a_resumed_float32_run_keeps_the_inverse_hessian_in_float64():
    _, first = fit_sine(8, 32, max_iter=30)
    net, resumed = fit_sine(8, 32, max_iter=30, state=first.state_dict())  # torch would cast H to float32
    state = resumed.state[next(net.parameters())]
    assert resumed.iterations > 0 and state["H"].dtype == state["U"].dtype == torch.float64


def test_refuses_a_network_whose_inverse_hessian_would_not_fit():
    big = torch.zeros(bfgs.MAX_PARAMETERS + 1, requires_grad=True)
    with pytest.raises(ValueError, match="use L-BFGS"):
        BFGS([big])

"""pinn.method.lbfgs against problems with known minimisers, including a tiny loss scale."""
import copy

import pytest
import torch

from pinn.method.lbfgs import LBFGS
from pinn.method.stop import StopReason


def rosenbrock(p, scale):
    x, y = p[0], p[1]
    return scale * ((1 - x) ** 2 + 100 * (y - x ** 2) ** 2)


def minimise_function(optimizer_cls, f, start, **options):
    """One ``step`` of ``optimizer_cls`` on f from ``start``: (final point, optimizer)."""
    p = start.clone().requires_grad_(True)
    optimizer = optimizer_cls([p], **options)

    def closure():
        optimizer.zero_grad()
        loss = f(p)
        loss.backward()
        return loss
    optimizer.step(closure)
    return p.detach(), optimizer


def minimise(optimizer_cls, scale, **options):
    start = torch.tensor([-1.2, 1.0], dtype=torch.float64)
    return minimise_function(optimizer_cls, lambda p: rosenbrock(p, scale), start, **options)


@pytest.mark.parametrize("scale", [1.0, 1e-9])
def test_finds_the_rosenbrock_minimum_at_any_loss_scale(scale):
    p, optimizer = minimise(LBFGS, scale, max_iter=200, tolerance_grad=0.0)
    # measured: |p - (1, 1)| = 0 at both scales after 38-39 iterations (gradient exactly 0)
    assert torch.allclose(p, torch.ones(2, dtype=torch.float64), atol=1e-8, rtol=0)


def test_torch_lbfgs_stalls_where_ours_does_not():
    """Why pinn has its own L-BFGS: torch drops curvature pairs with s·y <= 1e-10 (absolute)."""
    ours, _ = minimise(LBFGS, 1e-9, max_iter=200, tolerance_grad=0.0)
    theirs, _ = minimise(torch.optim.LBFGS, 1e-9, max_iter=200, line_search_fn="strong_wolfe",
                         tolerance_grad=0.0, tolerance_change=0.0)
    one = torch.ones(2, dtype=torch.float64)
    assert (ours - one).abs().max() < 1e-8
    assert (theirs - one).abs().max() > 1e-3  # measured (0.52, 0.26): torch keeps no curvature pair


def test_reports_why_it_stopped():
    _, optimizer = minimise(LBFGS, 1.0, max_iter=5)
    assert optimizer.stop_reason == StopReason.MAX_STEPS and optimizer.iterations == 5
    _, optimizer = minimise(LBFGS, 1.0, max_iter=500, tolerance_grad=1e-6)
    assert optimizer.stop_reason == StopReason.GRADIENT and optimizer.iterations < 500


def test_memory_survives_between_calls_and_in_state_dict():
    """A second step() goes on with the first one's curvature pairs, and an optimiser that loads the
    state_dict takes the same second step, bit for bit; one that starts afresh does not."""
    start = torch.tensor([-1.2, 1.0], dtype=torch.float64)
    first, optimizer = minimise(LBFGS, 1.0, max_iter=10)
    first = first.clone()  # the parameter itself moves on in the second step
    memory = next(iter(optimizer.state_dict()["state"].values()))["memory"]
    assert 0 < len(memory) <= 10
    state = copy.deepcopy(optimizer.state_dict())

    def second_step(p, optimizer):
        def closure():
            optimizer.zero_grad()
            loss = rosenbrock(p, 1.0)
            loss.backward()
            return loss
        optimizer.step(closure)
        return p.detach()
    p = optimizer.param_groups[0]["params"][0]
    continued = second_step(p, optimizer)
    q = first.clone().requires_grad_(True)
    reloaded = LBFGS([q], max_iter=10)
    reloaded.load_state_dict(state)
    assert torch.equal(second_step(q, reloaded), continued)
    r = first.clone().requires_grad_(True)
    assert not torch.equal(second_step(r, LBFGS([r], max_iter=10)), continued)
    # 20 iterations in two calls get closer to (1, 1) than the first 10 did
    one = torch.ones(2, dtype=torch.float64)
    assert (continued - one).norm() < (first - one).norm() < (start - one).norm()

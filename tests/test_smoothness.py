"""The C^k check: declared classes, the numerical probe, and refusal before training."""
import pytest
import torch

from pinn.core import activations, smoothness
from pinn.core.activations import Smoothness
from pinn.core.errors import SmoothnessError

INF = smoothness.INFINITE
ORDER = 4  # probe up to the 4th derivative: the highest order a registered problem needs

# Every registered activation with its default parameters, plus the parameter values that change
# the class (elu is C^1 only at alpha = 1) or the scale (softplus beta, relu^p).
VARIANTS = [(name, {}) for name in activations.REGISTRY] + [
    ("elu", {"alpha": 0.5}), ("softplus", {"beta": 5.0}), ("leaky_relu", {"alpha": 0.2}),
    ("relu_power", {"p": 1}), ("relu_power", {"p": 2}), ("relu_power", {"p": 4})]


def capped(s: Smoothness, order: int) -> tuple:
    """What a probe up to ``order`` can see: continuity beyond it reads as 'at least order'."""
    continuity = min(s.continuity, order)
    flat = s.flat_from if s.flat_from is not None and s.flat_from <= order else None
    return continuity, flat


@pytest.mark.parametrize("name, params", VARIANTS, ids=lambda v: str(v))
def test_probe_agrees_with_every_declared_class(name, params):
    activation = activations.factory(name, params)()
    probed = smoothness.probe(activation, ORDER)
    assert capped(probed, ORDER) == capped(activation.smoothness(), ORDER)


@pytest.mark.parametrize("fn, continuity, flat_from", [
    (torch.abs, 0, 2),
    (lambda x: torch.relu(x) ** 2, 1, 3),
    (lambda x: torch.relu(x) ** 3, 2, 4),
    (torch.tanh, ORDER, None),
])
def test_probe_classifies_undeclared_functions(fn, continuity, flat_from):
    assert capped(smoothness.probe(fn, ORDER), ORDER) == (continuity, flat_from)


@pytest.mark.parametrize("name, order, suitable", [
    ("tanh", 2, True), ("sin", 2, True), ("softplus", 2, True), ("gelu", 4, True), ("tanh", 4, True),
    ("relu", 2, False), ("leaky_relu", 2, False), ("prelu", 2, False), ("elu", 2, False),
    ("relu", 1, False),  # relu' jumps at 0: C^0 is not enough even for a 1st-order residual
    ("relu_power", 2, True), ("relu_power", 4, False),  # relu^3 is C^2: Poisson yes, beam no
])
def test_require_accepts_and_refuses_by_order(name, order, suitable):
    activation = activations.factory(name)()
    if suitable:
        assert smoothness.require(activation, order, name) is None
    else:
        with pytest.raises(SmoothnessError, match=f"order {order}"):
            smoothness.require(activation, order, name)


def test_refusal_explains_and_names_suitable_activations():
    with pytest.raises(SmoothnessError) as caught:
        smoothness.require(activations.factory("relu")(), 2, "'relu'")
    message = str(caught.value)
    assert "C^0" in message and "tanh" in message and "--force" in message
    assert "relu," not in message.split("suitable:")[1]


def test_force_turns_the_refusal_into_a_warning():
    warning = smoothness.require(activations.factory("relu")(), 2, "'relu'", force=True)
    assert warning is not None and "C^0" in warning


def test_undeclared_callable_is_probed_not_trusted():
    with pytest.raises(SmoothnessError, match="probed"):
        smoothness.require(torch.abs, 2, "abs")
    assert smoothness.require(lambda x: x * torch.sigmoid(x), 2, "swish") is None

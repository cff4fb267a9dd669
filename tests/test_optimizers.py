"""The optimiser registry and the trainables container: what each optimiser declares is what the
config accepts and what a stage builds, and a frozen coefficient is left out of the step."""
from __future__ import annotations

import pytest
import torch

from pinn.app.config import StageConfig, stages_section
from pinn.app.schema import Context
from pinn.core.errors import ConfigError
from pinn.core.params import LearntSpec
from pinn.method.coefficients import Coefficients
from pinn.method.optimizers import OPTIMIZERS, FirstOrder, QuasiNewtonKind
from pinn.method.stop import StopReason
from pinn.method.trainables import Trainables


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_each_optimizer_builds_from_its_defaults_and_lowers_a_quadratic(name):
    spec = OPTIMIZERS[name]
    stage, = stages_section(Context("<test>"), ("training", "stages"), [{"optimizer": name, "steps": 5}])
    assert stage.lr == spec.default_lr
    x = torch.nn.Parameter(torch.tensor([3.0, -2.0], dtype=torch.float64))
    optimizer = spec.build([x], stage)

    def closure():
        optimizer.zero_grad()
        value = (x - 1).square().sum()
        value.backward()
        return value

    if isinstance(spec, QuasiNewtonKind):
        optimizer.step(closure, lambda: False)
        assert optimizer.stop_reason is StopReason.GRADIENT  # the minimum of a quadratic, found exactly
        assert float((x - 1).square().sum().detach()) < 1e-20
    else:
        assert isinstance(spec, FirstOrder)
        for _ in range(5):
            closure()
            optimizer.step()
        assert float((x - 1).square().sum().detach()) < 13.0  # 13 at the start; Adam's steps lower it


def test_a_key_another_optimizer_owns_is_refused_with_its_owner():
    with pytest.raises(ConfigError, match=r"stages\[0\]\.history: is an L-BFGS setting; this adam stage takes"):
        stages_section(Context("<test>"), ("training", "stages"), [{"optimizer": "adam", "steps": 5, "history": 3}])
    with pytest.raises(ConfigError, match=r"is a quasi-Newton \(lbfgs, bfgs\) setting"):
        stages_section(Context("<test>"), ("training", "stages"),
                       [{"optimizer": "adam", "steps": 5, "stall_window": 3}])


def test_memory_numbers_follow_each_optimizers_state():
    n = 1000
    assert OPTIMIZERS["adam"].state_numbers(n, StageConfig("adam", 1)) == 2 * n
    assert OPTIMIZERS["lbfgs"].state_numbers(n, StageConfig("lbfgs", 1, history=7)) == 2 * n * 7
    assert OPTIMIZERS["bfgs"].state_numbers(n, StageConfig("bfgs", 1)) == n * n
    assert OPTIMIZERS["bfgs"].max_parameters == 20_000


def test_trainables_order_freeze_and_logged_values():
    network = torch.nn.Linear(2, 1, dtype=torch.float64)
    specs = {"k": LearntSpec(initial=2.0, positive=True), "r": LearntSpec(initial=0.5, positive=True)}
    trainables = Trainables(network, None, Coefficients(specs))
    ids = [id(p) for p in trainables.parameters()]
    assert ids[:2] == [id(network.weight), id(network.bias)]  # the network first: the flat vector's order
    moved = trainables.moved(["k"])
    k, = trainables.coefficients.parameters_of(["k"])
    assert id(k) not in {id(p) for p in moved} and len(moved) == 3
    assert len(trainables.weights()) == 2
    assert {k: round(float(v), 12) for k, v in trainables.logged().items()} == {"k": 2.0, "r": 0.5}
    assert sorted(trainables.state_dict()) == ["coefficients.raw.k", "coefficients.raw.r", "network.bias",
                                               "network.weight"]

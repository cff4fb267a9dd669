"""Everything a run trains, in one container: :class:`Trainables`.

* ``network`` — the PINN (:class:`pinn.core.network.MLP`);
* ``penalty`` — an obstacle formulation's penalty when it has learnable parameters (PReLU's α), else
  a penalty without any (it holds no parameters then), or None;
* ``coefficients`` — an inverse problem's learnt coefficients (:class:`pinn.method.coefficients.Coefficients`),
  or None.

The optimisers move ``moved(freeze)``; checkpoints hold ``state_dict()``; the loss evaluates
``network`` and records ``logged()``. The parameter order is the network's, the penalty's, the
coefficients' — the order of the flat vector every quasi-Newton optimiser works on.
"""
from __future__ import annotations

from torch import nn


class Trainables(nn.Module):
    def __init__(self, network: nn.Module, penalty: nn.Module | None = None, coefficients: nn.Module | None = None):
        super().__init__()
        self.network = network
        self.penalty = penalty
        self.coefficients = coefficients

    def moved(self, freeze=()) -> list:
        """The parameters a stage moves: all but the learnt coefficients named in ``freeze``."""
        frozen = {id(p) for p in self.coefficients.parameters_of(freeze)} if freeze else set()
        return [p for p in self.parameters() if id(p) not in frozen]

    def weights(self) -> list:
        """Every parameter but the learnt coefficients (what the coefficients' sensitivity is taken
        through: :func:`pinn.method.uncertainty.sensitivity`)."""
        return [p for name, p in self.named_parameters() if not name.startswith("coefficients.")]

    def logged(self) -> dict:
        """Values recorded beside the loss terms: a learnable penalty's α, the learnt coefficients."""
        return {**(self.penalty.logged() if self.penalty is not None else {}),
                **(self.coefficients.logged() if self.coefficients is not None else {})}

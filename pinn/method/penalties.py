"""Barrier penalties φ for an inequality u ≥ ψ, applied to the violation z = ψ − u.

A penalty is zero (or small) where the constraint holds (z ≤ 0) and grows where it is violated
(z > 0); a loss term μ φ(z)² (or a penalised PDE, see :mod:`pinn.method.constraints`) pushes u back above ψ.
The ReLU family gives four such φ with different trade-offs:

=========  ==========================  =====================  ==========================
name       φ(z)                        exact on z ≤ 0?        smoothness
=========  ==========================  =====================  ==========================
relu       max(z, 0)                   yes                    C^0 (kink at 0)
leaky      max(z, αz), 0 < α < 1       no: φ = αz < 0         C^0
prelu      max(z, αz), α learnable ≥ 0 only once α reaches 0  C^0
softplus   log(1 + e^{βz}) / β         no: φ > 0 everywhere   C^∞
=========  ==========================  =====================  ==========================

"Exact on the feasible side" means φ(z) = 0 for all z ≤ 0: only then does a feasible u pay
nothing, so that the penalty cannot pull u away from the true solution. A leak (αz) or a
smoothing (softplus: φ(0) = log 2 / β) penalises feasible points too; the comparison
(``pinn compare``) measures the bias that follows.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import ClassVar, Mapping

import torch
from torch import nn

from pinn.core.params import Param, positive, resolve_registered

INFINITE = math.inf


class Penalty(nn.Module, ABC):
    """φ(z) for the violation z = ψ − u of u ≥ ψ.

    Subclasses set ``name``, ``summary``, ``parameters_spec``, ``exact_on_feasible`` (φ(z) = 0 for
    every z ≤ 0, whatever the parameters) and ``continuity`` (φ is C^continuity). Learnable
    parameters are ``nn.Parameter``s and are trained with the network.
    """

    name: ClassVar[str]
    summary: ClassVar[str] = ""
    parameters_spec: ClassVar[Mapping[str, Param]] = {}
    exact_on_feasible: ClassVar[bool]
    continuity: ClassVar[float]

    def __init__(self, **params):
        super().__init__()
        self.params = params

    @abstractmethod
    def forward(self, z: torch.Tensor) -> torch.Tensor: ...

    def logged(self) -> dict[str, torch.Tensor]:
        """Learnable quantities to record during training (name -> scalar)."""
        return {}


class ReLUPenalty(Penalty):
    name, summary = "relu", "max(z, 0): exact on the feasible side, kink at 0"
    exact_on_feasible, continuity = True, 0

    def forward(self, z):
        return torch.relu(z)


class LeakyPenalty(Penalty):
    name, summary = "leaky", "max(z, alpha z): a fixed leak on the feasible side"
    parameters_spec = {"alpha": Param(0.01, "float", lambda v: 0 < v < 1, "a number in (0, 1)",
                                      "slope on the feasible side")}
    exact_on_feasible, continuity = False, 0

    def forward(self, z):
        return torch.where(z > 0, z, self.params["alpha"] * z)


class PReLUPenalty(Penalty):
    """max(z, αz) with α learnable; α is used as max(a, 0), so it never goes negative.

    A negative α would reward violations' mirror image (φ(z) = αz > 0 for z < 0 would *push u
    down*); the projection keeps φ a barrier. When the loss prefers less leak, α runs to 0 and
    stays there, and the penalty becomes exact.
    """

    name, summary = "prelu", "max(z, alpha z), alpha learnable and kept >= 0"
    parameters_spec = {"alpha": Param(0.25, "float", lambda v: 0 <= v < 1, "a number in [0, 1)",
                                      "initial slope on the feasible side")}
    exact_on_feasible, continuity = False, 0

    def __init__(self, **params):
        super().__init__(**params)
        self.raw_alpha = nn.Parameter(torch.tensor(float(params["alpha"]), dtype=torch.float64))

    @property
    def alpha(self) -> torch.Tensor:
        return self.raw_alpha.clamp_min(0)

    def forward(self, z):
        return torch.where(z > 0, z, self.alpha.to(z.dtype) * z)

    def logged(self):
        return {"alpha": self.alpha.detach()}


class SoftplusPenalty(Penalty):
    name, summary = "softplus", "log(1 + exp(beta z)) / beta: smooth, positive everywhere"
    parameters_spec = {"beta": positive(default=100.0, doc="sharpness; the kink is smoothed over ~1/beta")}
    exact_on_feasible, continuity = False, INFINITE

    def forward(self, z):
        return nn.functional.softplus(z, beta=self.params["beta"])


PENALTIES: dict[str, type[Penalty]] = {
    cls.name: cls for cls in (ReLUPenalty, LeakyPenalty, PReLUPenalty, SoftplusPenalty)}


def resolve_params(name: str, params: Mapping | None) -> dict:
    """Validated parameters of penalty ``name``; raises ParamError naming what is allowed."""
    return resolve_registered(PENALTIES, name, params)


def build(name: str, params: Mapping | None = None) -> Penalty:
    return PENALTIES[name](**resolve_params(name, params))

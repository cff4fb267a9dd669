"""Registry of body activations, each declaring its smoothness class.

An activation σ is C^k when σ, σ', ..., σ^(k) exist and are continuous. A PINN whose residual has
order k differentiates the network k times by autograd, so each layer contributes σ^(j) for
j <= k: a jump in one of them, or a σ^(k) that is zero almost everywhere (ReLU: σ'' = 0 off the
origin), leaves a residual that autograd evaluates as if the k-th derivative did not exist.
:mod:`pinn.core.smoothness` turns these declarations into the check made before training.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Callable, ClassVar, Mapping

import torch
from torch import nn

from pinn.core import expr
from pinn.core.params import Param, non_negative, positive, resolve_registered

INFINITE = math.inf


@dataclass(frozen=True)
class Smoothness:
    """σ is C^continuity; for j >= flat_from (if set), σ^(j) = 0 almost everywhere."""

    continuity: float
    flat_from: int | None = None

    def describe(self) -> str:
        c = "C^inf" if self.continuity == INFINITE else f"C^{int(self.continuity)}"
        if self.flat_from is not None:
            c += f", derivatives of order >= {self.flat_from} vanish almost everywhere"
        return c


class Activation(nn.Module, ABC):
    """An elementwise activation σ with a declared :class:`Smoothness`.

    Subclasses set ``name``, ``parameters`` (a mapping of :class:`~pinn.core.params.Param`), implement
    :meth:`forward` and :meth:`smoothness` (which may depend on the parameters: ELU is C^1 only for
    alpha = 1). One instance is built per hidden layer, so learnable parameters are per layer.
    """

    name: ClassVar[str]
    parameters_spec: ClassVar[Mapping[str, Param]] = {}
    summary: ClassVar[str] = ""

    def __init__(self, **params):
        super().__init__()
        self.params = params

    @abstractmethod
    def forward(self, x: torch.Tensor) -> torch.Tensor: ...

    @abstractmethod
    def smoothness(self) -> Smoothness: ...

    #: True when :meth:`jet` is implemented (the Taylor-mode derivative path, :mod:`pinn.core.taylor`).
    has_jet: ClassVar[bool] = False

    def jet(self, y: torch.Tensor, order: int) -> list[torch.Tensor]:
        """[σ(y), σ'(y), ..., σ^(order)(y)], sharing work between the derivatives."""
        raise NotImplementedError(f"{self.name} has no closed-form derivatives; autograd is used")


class Tanh(Activation):
    name, summary = "tanh", "hyperbolic tangent"
    has_jet = True

    def forward(self, x):
        return torch.tanh(x)

    def jet(self, y, order):
        # Each derivative is a polynomial in t = tanh y: σ' = 1 − t², σ'' = −2tσ', and so on.
        t = torch.tanh(y)
        out = [t]
        if order >= 1:
            out.append(1 - t * t)
        if order >= 2:
            out.append(-2 * t * out[1])
        if order >= 3:
            out.append(-2 * out[1] * out[1] - 2 * t * out[2])
        if order >= 4:
            out.append(-6 * out[1] * out[2] - 2 * t * out[3])
        return out[:order + 1]

    def smoothness(self):
        return Smoothness(INFINITE)


class Sin(Activation):
    name, summary = "sin", "sine (SIREN-style bodies)"

    has_jet = True

    def forward(self, x):
        return torch.sin(x)

    def jet(self, y, order):
        out = [torch.sin(y)] + ([torch.cos(y)] if order >= 1 else [])
        for k in range(2, order + 1):  # sin'' = −sin, so each derivative negates the one two before
            out.append(-out[k - 2])
        return out

    def smoothness(self):
        return Smoothness(INFINITE)


class Softplus(Activation):
    name, summary = "softplus", "log(1 + exp(beta x)) / beta"
    parameters_spec = {"beta": positive(default=1.0, doc="sharpness; large beta approaches ReLU")}

    has_jet = True

    def forward(self, x):
        return nn.functional.softplus(x, beta=self.params["beta"], threshold=20.0 * self.params["beta"])

    def jet(self, y, order):
        # With s = sigmoid(βy): σ' = s, σ'' = βs(1 − s), σ''' = βσ''(1 − 2s),
        # σ'''' = β(σ'''(1 − 2s) − 2σ''²). Above torch's threshold softplus is exactly linear, and
        # so are its autograd derivatives; the jet follows it there.
        beta = self.params["beta"]
        linear = beta * y > 20.0 * beta
        s = torch.sigmoid(beta * y)
        out = [self.forward(y), torch.where(linear, 1.0, s)]
        if order >= 2:
            out.append(torch.where(linear, 0.0, beta * s * (1 - s)))
        if order >= 3:
            out.append(beta * out[2] * (1 - 2 * s))
        if order >= 4:
            out.append(beta * (out[3] * (1 - 2 * s) - 2 * out[2] * out[2]))
        return out[:order + 1]

    def smoothness(self):
        return Smoothness(INFINITE)


class GELU(Activation):
    name, summary = "gelu", "x Phi(x), exact (erf) form"

    def forward(self, x):
        return nn.functional.gelu(x)

    def smoothness(self):
        return Smoothness(INFINITE)


class SiLU(Activation):
    name, summary = "silu", "x sigmoid(x) (swish)"

    def forward(self, x):
        return nn.functional.silu(x)

    def smoothness(self):
        return Smoothness(INFINITE)


class ReLU(Activation):
    name, summary = "relu", "max(0, x)"

    def forward(self, x):
        return torch.relu(x)

    def smoothness(self):
        return Smoothness(0, flat_from=2)


class LeakyReLU(Activation):
    name, summary = "leaky_relu", "max(alpha x, x)"
    parameters_spec = {"alpha": non_negative(default=0.01, doc="slope for x < 0")}

    def forward(self, x):
        return nn.functional.leaky_relu(x, self.params["alpha"])

    def smoothness(self):
        return Smoothness(INFINITE if self.params["alpha"] == 1 else 0, flat_from=2)


class PReLU(Activation):
    name, summary = "prelu", "leaky ReLU whose slope is learned (one per layer)"
    parameters_spec = {"alpha": non_negative(default=0.25, doc="initial slope for x < 0")}

    def __init__(self, **params):
        super().__init__(**params)
        self.alpha = nn.Parameter(torch.tensor(float(params["alpha"]), dtype=torch.float64))

    def forward(self, x):
        return torch.where(x >= 0, x, self.alpha * x)

    def smoothness(self):
        return Smoothness(0, flat_from=2)


class ELU(Activation):
    name, summary = "elu", "x for x > 0, alpha (exp(x) - 1) otherwise"
    parameters_spec = {"alpha": positive(default=1.0)}

    def forward(self, x):
        return nn.functional.elu(x, self.params["alpha"])

    def smoothness(self):
        # sigma'(0-) = alpha and sigma'(0+) = 1; sigma''(0-) = alpha and sigma''(0+) = 0.
        return Smoothness(1 if self.params["alpha"] == 1 else 0)


class ReLUPower(Activation):
    name, summary = "relu_power", "max(0, x)^p: C^(p-1)"
    parameters_spec = {"p": Param(3, "int", lambda v: v >= 1, "an integer >= 1")}

    def forward(self, x):
        return torch.relu(x) ** self.params["p"]

    def smoothness(self):
        p = self.params["p"]
        return Smoothness(p - 1, flat_from=p + 1)


REGISTRY: dict[str, type[Activation]] = {cls.name: cls for cls in
                                         (Tanh, Sin, Softplus, GELU, SiLU, ReLU, LeakyReLU, PReLU, ELU,
                                          ReLUPower)}


EXPRESSION = "expression"  # activation: {expression: "x*sigmoid(x)"}


class ExpressionActivation(nn.Module):
    """σ written as an expression of x (:mod:`pinn.core.expr`). Nothing is declared about its
    smoothness: :mod:`pinn.core.smoothness` probes it numerically, as it does any unregistered function."""

    def __init__(self, source: str):
        super().__init__()
        self.source = source
        self.expression = expr.parse(source, expr.Symbols(("x",), {}, False, "an activation is a function of x only"))

    def forward(self, x):
        return self.expression.evaluate(expr.Scope([x]), x)


def resolve_params(name: str, params: Mapping | None) -> dict:
    """Validated parameters of activation ``name``; raises ParamError naming what is allowed."""
    return resolve_registered(REGISTRY, name, params)


def factory(name: str, params: Mapping | None = None) -> Callable[[], nn.Module]:
    """A constructor of fresh activation modules (one per layer) from a validated name and params."""
    if name == EXPRESSION:
        return lambda: ExpressionActivation(params["expression"])
    cls, resolved = REGISTRY[name], resolve_params(name, params)
    return lambda: cls(**resolved)

"""Learnt problem coefficients: unknown parameters of the PDE trained with the network.

Each learnt parameter v is stored as an unconstrained number z that the optimisers move, through the
map of its :class:`pinn.core.params.LearntSpec` (log for positive, logistic for bounds), so that its scale
never matters.

:class:`Coefficients` is an ``nn.Module`` held beside the network in
:class:`pinn.method.trainables.Trainables` (``trainables.coefficients``), so every optimiser stage
moves it, checkpoints save and restore it, and :class:`LiveParams` lets a problem read the current
value (a tensor that carries the gradient) by name wherever it reads a fixed one.
"""
from __future__ import annotations

from collections.abc import Mapping

import torch
from torch import nn

from pinn.core.params import LearntSpec

Tensor = torch.Tensor


class Coefficients(nn.Module):
    """The learnt parameters by name, as unconstrained ``nn.Parameter`` s (module docstring)."""

    def __init__(self, specs: Mapping[str, LearntSpec], dtype=torch.float64, device=None):
        super().__init__()
        self.specs = dict(specs)
        self.raw = nn.ParameterDict({name: nn.Parameter(torch.tensor(spec.to_unconstrained(spec.initial),
                                                                     dtype=dtype, device=device))
                                     for name, spec in self.specs.items()})

    def value(self, name: str) -> Tensor:
        """The current value, a 0-d tensor that carries the gradient to its unconstrained parameter."""
        return self.specs[name].to_value(self.raw[name])

    def logged(self) -> dict[str, Tensor]:
        """Values recorded in the history at every log step (not loss terms)."""
        return {name: self.value(name).detach() for name in self.specs}

    def derivative(self, name: str) -> float:
        """dv/dz at the current value: the delta method's factor from z to v."""
        z = self.raw[name].detach().clone().requires_grad_(True)
        (slope,) = torch.autograd.grad(self.specs[name].to_value(z), z)
        return float(slope)

    def parameters_of(self, names) -> list:
        return [self.raw[name] for name in names]


class LiveParams(Mapping):
    """A problem's parameters with the learnt ones read from :class:`Coefficients` at each access,
    so that a residual written with ``self.params["eps"]`` trains eps."""

    def __init__(self, fixed: Mapping, coefficients: Coefficients):
        self.fixed, self.coefficients = dict(fixed), coefficients
        self.learnt = tuple(coefficients.specs)

    def __getitem__(self, name):
        if name in self.coefficients.specs:
            return self.coefficients.value(name)
        return self.fixed[name]

    def __iter__(self):
        return iter(self.fixed)

    def __len__(self):
        return len(self.fixed)

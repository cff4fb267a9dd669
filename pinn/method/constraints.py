"""Formulations of an obstacle constraint u ≥ ψ as PINN loss terms, with a barrier penalty φ.

With r = −Δu − f (the problem's residual), g = u − ψ (the gap) and φ from :mod:`pinn.method.penalties`:

* ``penalized-pde`` — one residual  r − μ φ(−g) = 0: the classical penalty method. In contact
  the obstacle pushes with μ φ(ψ − u) = λ* = −Δψ − f, so u sits below ψ by about λ*/μ (ReLU):
  the error falls like 1/μ, never to zero.
* ``penalty-loss`` — separate terms  φ(−r)² (the PDE as an inequality, r ≥ 0),  μ φ(−g)²
  (u ≥ ψ) and (r g)² (complementarity).
* ``complementarity`` — one residual  r − φ(r − μ g) = 0. With φ = ReLU this is min(r, μ g) = 0,
  the exact complementarity condition: its only zero is the solution, for every μ > 0. μ does not
  bias the answer but sets the conditioning: it weighs the gap against the residual, and where a
  smooth network rounds the jump of r at the free boundary, a small μ lets it round it wide (g is
  tiny there, so min(r, μ g) hardly notices). Raising μ over the stages sharpens the free boundary;
  a large μ from the start stalls the optimiser. Softplus smooths the min; leaky and PReLU bias it
  to (1 − α) r + α μ g = 0 off contact.
* ``fischer-burmeister`` — one residual  r + μ g − √(r² + μ² g²) = 0, the Fischer–Burmeister
  complementarity function: zero exactly when r ≥ 0, g ≥ 0 and r g = 0, like min(r, μ g), but
  smooth away from r = g = 0. The min switches branch point by point as the network changes, a
  loss with kinks that quasi-Newton methods handle poorly; this one is smooth, and on radial2d it
  ended at 0.67–0.88× the error of the min after the same L-BFGS steps (three paired runs). It
  uses no penalty φ.

Each formulation returns pointwise residuals by name; the loss takes their mean squares, weighted
by ``weights`` (residual → weights.residual, constraint → weights.constraint, complementarity →
weights.residual).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

import torch

from pinn.method.penalties import Penalty

Tensor = torch.Tensor
NO_PENALTY = "none"  # how runs and comparisons report the penalty of a formulation that uses none


class Formulation(ABC):
    """Pointwise residuals from r and the gap g = u − ψ. ``mu`` may change between stages
    (continuation): formulations read it at every evaluation."""

    name: ClassVar[str]
    default_mu: ClassVar[float] = 1.0e3
    terms: ClassVar[tuple[str, ...]] = ("residual",)
    uses_penalty: ClassVar[bool] = True

    def __init__(self, penalty: Penalty, mu: float):
        self.penalty, self.mu = penalty, float(mu)

    @abstractmethod
    def pointwise(self, r: Tensor, gap: Tensor) -> dict[str, Tensor]:
        """Residuals whose squares the loss averages, by term name."""


class PenalizedPDE(Formulation):
    name = "penalized-pde"

    def pointwise(self, r, gap):
        return {"residual": r - self.mu * self.penalty(-gap)}


class PenaltyLoss(Formulation):
    name = "penalty-loss"
    terms = ("residual", "constraint", "complementarity")

    def pointwise(self, r, gap):
        return {"residual": self.penalty(-r), "constraint": self.mu ** 0.5 * self.penalty(-gap),
                "complementarity": r * gap}


class Complementarity(Formulation):
    name = "complementarity"
    default_mu = 1.0

    def pointwise(self, r, gap):
        return {"residual": r - self.penalty(r - self.mu * gap)}


class FischerBurmeister(Formulation):
    name = "fischer-burmeister"
    default_mu = 1.0
    uses_penalty = False

    def pointwise(self, r, gap):
        scaled = self.mu * gap
        # the tiny term keeps the gradient finite where r = g = 0 (the root's derivative is 0/0)
        root = torch.sqrt(r.square() + scaled.square() + torch.finfo(r.dtype).tiny)
        return {"residual": r + scaled - root}


FORMULATIONS: dict[str, type[Formulation]] = {
    cls.name: cls for cls in (PenalizedPDE, PenaltyLoss, Complementarity, FischerBurmeister)}

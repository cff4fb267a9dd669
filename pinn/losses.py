"""The PINN loss: weighted mean squares of the PDE residual and the soft boundary conditions.

    L(θ) = w_r mean_i R[u_θ](x_i)² + w_b mean_j B[u_θ](x_j)²

Interior and boundary points form one batch evaluated by one forward pass; a
:class:`~pinn.diff.Field` over that batch computes each derivative once, and the residual and the
boundary terms read their rows of it. Dirichlet data enforced by the network's output transform
are not in the loss at all.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import torch

from . import sampling
from .diff import Field

Tensor = torch.Tensor


@dataclass
class Collocation:
    """All training points as one tensor, with the rows of each role."""

    x: Tensor
    interior: slice
    boundary: list  # of (BoundaryCondition, slice)


def collocation(problem, soft_conditions: Sequence, interior: int, per_side: int, sampler: str,
                seed: int, dtype, device) -> Collocation:
    domain = problem.domain
    parts = [sampling.in_box(domain.lower, domain.upper, interior, sampler, seed, dtype, device)]
    rows, start = [], parts[0].shape[0]
    for i, bc in enumerate(soft_conditions):
        pts = sampling.on_side(domain.lower, domain.upper, bc.side.dim, bc.side.value, per_side,
                               sampler, seed + 1 + i, dtype, device)
        rows.append((bc, slice(start, start + pts.shape[0])))
        parts.append(pts)
        start += pts.shape[0]
    return Collocation(torch.cat(parts).requires_grad_(True), slice(0, parts[0].shape[0]), rows)


@dataclass
class LossValue:
    total: Tensor
    terms: dict  # name -> unweighted scalar tensor


class PinnLoss:
    """Callable: ``loss(model) -> LossValue`` on a fixed :class:`Collocation` batch."""

    def __init__(self, problem, batch: Collocation, weights):
        self.problem, self.batch = problem, batch
        self.weights = {"residual": weights.residual, "boundary": weights.boundary}

    @property
    def term_names(self) -> list[str]:
        return ["residual"] + (["boundary"] if self.batch.boundary else [])

    def __call__(self, model) -> LossValue:
        x = self.batch.x
        u = Field(x, model(x))
        interior = self.batch.interior
        terms = {"residual": self.problem.residual(x[interior], u.restrict(interior)).square().mean()}
        if self.batch.boundary:
            squares = [bc.residual(x[rows], u.restrict(rows)).square() for bc, rows in self.batch.boundary]
            terms["boundary"] = torch.cat(squares).mean()
        total = sum(self.weights[name] * value for name, value in terms.items())
        return LossValue(total, terms)

"""The PINN loss: weighted mean squares of the PDE residual and the soft boundary conditions.

    L(θ) = w_r mean_i R[u_θ](x_i)² + w_b mean_j B[u_θ](x_j)²

Interior and boundary points form one batch evaluated by one forward pass; a
:class:`~pinn.diff.Field` over that batch computes each derivative once, and the residual and the
boundary terms read their rows of it. Dirichlet data enforced by the network's output transform
are not in the loss at all.

With ``sampler: adaptive`` the interior points are redrawn by residual-based adaptive
distribution (RAD; Wu et al., CMAME 2023): from uniform candidates, draw without replacement
with probability  p(x) ∝ |R(x)| / mean|R| + 1.  The constant keeps a uniform share of points
everywhere while the rest concentrate where the residual is large (a boundary layer, a
high-frequency region).
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
    sampler = "sobol" if sampler == sampling.ADAPTIVE else sampler  # adaptive starts from Sobol points
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
    """Callable: ``loss(model) -> LossValue`` on a :class:`Collocation` batch (fixed, unless
    :meth:`resample` redraws its interior rows)."""

    def __init__(self, problem, batch: Collocation, weights):
        self.problem, self.batch = problem, batch
        self.weights = {"residual": weights.residual, "boundary": weights.boundary}

    def resample(self, model, candidates: int, seed: int):
        """RAD: redraw the interior points from ``candidates`` uniform ones, p ∝ |R|/mean|R| + 1."""
        x, rows = self.batch.x, self.batch.interior
        domain = self.problem.domain
        pool = sampling.in_box(domain.lower, domain.upper, candidates, "uniform", seed, x.dtype, x.device)
        pool.requires_grad_(True)
        with torch.enable_grad():
            residual = self.problem.residual(pool, Field(pool, model(pool)))  # graph kept: u_xx needs u_x's
        magnitude = residual.detach().abs().reshape(-1)
        weights = magnitude / magnitude.mean().clamp_min(torch.finfo(x.dtype).tiny) + 1
        generator = torch.Generator(device=x.device).manual_seed(seed)
        chosen = torch.multinomial(weights, rows.stop - rows.start, replacement=False, generator=generator)
        new = x.detach().clone()
        new[rows] = pool.detach()[chosen]
        self.batch.x = new.requires_grad_(True)

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

"""The PINN loss: weighted mean squares of the PDE residual and the soft boundary conditions.

    L(θ) = w_r mean_i R[u_θ](x_i)² + w_b mean_j B[u_θ](x_j)²  [+ w_d mean_k (u_θ(x_k) − u_k)²]

The last term is an inverse problem's data misfit at its measurements (x_k, u_k); there the
residual also depends on the learnt coefficients (:mod:`pinn.method.coefficients`), which train with θ.

For an obstacle problem the residual term is replaced by the terms of the configured
:class:`~pinn.method.constraints.Formulation` (r, u − ψ and a barrier penalty φ combined).

With ``weights.causal = ε`` (evolution problems) the residual term respects causality (Wang,
Sankaran & Perdikaris 2024): the interior points are split into M = 32 slabs in time, L_k the mean
square residual on slab k, and

    L_r = (1/M) Σ_k w_k L_k,   w_k = exp(−ε Σ_{j<k} L_j),

so a slab counts fully only once the earlier ones are solved. The weights are not detached: L_r
is then one smooth function of the weights, which a quasi-Newton line search needs.

Interior and boundary points form one batch evaluated by one forward pass; a
:class:`~pinn.core.field.Field` over that batch computes each derivative once, and the residual and the
boundary terms read their rows of it. Dirichlet data enforced by the network's output transform
are not in the loss at all.

Derivatives of the network body come from nested autograd, or (``derivatives="taylor"``) from one
Taylor-mode forward pass (:mod:`pinn.core.taylor`) that carries exactly the partial derivatives the
residual and the boundary terms asked for in a first, autograd evaluation (:meth:`PinnLoss.build_taylor`).

With ``sampler: adaptive`` the interior points are redrawn by residual-based adaptive
distribution (RAD; Wu et al., CMAME 2023): from uniform candidates, draw without replacement
with probability  p(x) ∝ |R(x)| / mean|R| + 1.  The constant keeps a uniform share of points
everywhere while the rest concentrate where the residual is large (a boundary layer, a
high-frequency region).
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Sequence

import torch

from pinn.core import sampling, taylor
from pinn.core.field import ConstantField, Field, TransformedField

Tensor = torch.Tensor
CAUSAL_SLABS = 32
# Inverse problems: the relative residual counts this many times the relative data misfit. At par,
# inverse_reaction1d's r ran from 300 to 1.2e-5 (as r -> 0, u = 0 solves -u'' + r u = r, and log r no
# longer moves the loss); at 100 and at 1e4 the shipped examples land on the same values (to 3e-5),
# and 1e4 keeps the physics ahead when the starting value is far off (r from 1e4; pinn.app.defaults).
INVERSE_PHYSICS_WEIGHT = 1e4


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
    parts = [domain.sample_interior(interior, sampler, seed, dtype, device)]
    rows, start = [], parts[0].shape[0]
    for i, bc in enumerate(soft_conditions):
        pts = domain.sample_side(bc.side, per_side, sampler, seed + 1 + i, dtype, device)
        rows.append((bc, slice(start, start + pts.shape[0])))
        parts.append(pts)
        start += pts.shape[0]
    return Collocation(torch.cat(parts).requires_grad_(True), slice(0, parts[0].shape[0]), rows)


@dataclass
class LossValue:
    total: Tensor
    terms: dict  # name -> unweighted scalar tensor


class PinnLoss:
    """Callable: ``loss(trainables) -> LossValue`` on a :class:`Collocation` batch (fixed, unless
    :meth:`resample` redraws its interior rows); ``trainables`` is a
    :class:`pinn.method.trainables.Trainables`."""

    def __init__(self, problem, batch: Collocation, weights, formulation=None, derivatives: str = "autograd",
                 compile: bool = False, measured: tuple | None = None, learnt: tuple = ()):
        self.problem, self.batch, self.formulation = problem, batch, formulation
        self.derivatives, self.compile = derivatives, compile
        self.measured, self.learnt = measured, learnt  # (x, u) of the data; names of learnt coefficients
        self._transform_fields = None  # (x, lift, distance) of the current batch
        self._body_jet = None  # x -> {key: ∂^key N(x)}, set by build_taylor() on the Taylor path
        self.weights = {"residual": weights.residual, "boundary": weights.boundary,
                        "constraint": weights.constraint, "complementarity": weights.residual,
                        "data": weights.data}
        self.causal = weights.causal

    def _interior(self, x: Tensor, u) -> dict[str, Tensor]:
        """Pointwise interior residuals by term: the PDE's, or the constraint formulation's."""
        r = self.problem.residual(x, u)
        if self.formulation is None:
            return {"residual": r}
        obstacle, = self.problem.constraints()
        return self.formulation.pointwise(r, obstacle.gap(x, u.value))

    def _mean_square(self, x: Tensor, r: Tensor) -> Tensor:
        """mean r², or with causal weighting the slab-weighted mean (module docstring)."""
        if not self.causal:
            return r.square().mean()
        time = self.problem.domain.time_dim
        (t0, t1) = self.problem.domain.bounds[time]
        slab = ((x[:, time].detach() - t0) / (t1 - t0) * CAUSAL_SLABS).long().clamp(0, CAUSAL_SLABS - 1)
        sums = torch.zeros(CAUSAL_SLABS, dtype=r.dtype, device=r.device).index_add(0, slab, r.reshape(-1).square())
        counts = torch.bincount(slab, minlength=CAUSAL_SLABS).clamp_min(1).to(r.dtype)
        slabs = sums / counts
        earlier = torch.cumsum(slabs, 0) - slabs
        return (torch.exp(-self.causal * earlier) * slabs).mean()

    def resample(self, trainables, candidates: int, seed: int):
        """RAD: redraw the interior points from ``candidates`` uniform ones, p ∝ |R|/mean|R| + 1."""
        x, rows = self.batch.x, self.batch.interior
        pool = self.problem.domain.sample_interior(candidates, "uniform", seed, x.dtype, x.device)
        pool.requires_grad_(True)
        with torch.enable_grad():
            residuals = self._interior(pool, Field(pool, trainables.network(pool)))  # graph kept: u_xx needs u_x's
        magnitude = sum(r.detach().abs() for r in residuals.values()).reshape(-1)
        weights = magnitude / magnitude.mean().clamp_min(torch.finfo(x.dtype).tiny) + 1
        generator = torch.Generator(device=x.device).manual_seed(seed)
        chosen = torch.multinomial(weights, rows.stop - rows.start, replacement=False, generator=generator)
        new = x.detach().clone()
        new[rows] = pool.detach()[chosen]
        self.batch.x = new.requires_grad_(True)

    def make_relative(self):
        """Inverse problems: weigh the residual by INVERSE_PHYSICS_WEIGHT / mean R[0]² (R[0]: its size
        at u = 0, the source's) and the data and boundary terms by 1 / mean u_i², so that each term
        is relative and the balance between physics and data does not depend on the units of u or
        of the equation (a conductivity of 1e-3 left a residual too small to count: 1.9 % off)."""
        x = self.batch.x[self.batch.interior]
        with torch.enable_grad():
            zero = self.problem.residual(x, Field(x, x.sum(dim=1, keepdim=True) * 0))
        source = float(zero.detach().square().mean())
        data = float(self.measured[1].square().mean())
        if source > 0:
            relative = self.weights["residual"] * INVERSE_PHYSICS_WEIGHT / source
            self.weights["residual"] = self.weights["complementarity"] = relative
        if data > 0:
            self.weights["data"] /= data
            self.weights["boundary"] /= data

    @property
    def term_names(self) -> list[str]:
        """Loss terms, then quantities only recorded (a learnable penalty's α)."""
        interior = self.formulation.terms if self.formulation else ("residual",)
        return [*interior, *(["boundary"] if self.batch.boundary else []),
                *(["data"] if self.measured is not None else []), *self.logged_names]

    @property
    def logged_names(self) -> list[str]:
        """Quantities recorded beside the loss terms: a learnable penalty's α, learnt coefficients."""
        return [*(self.formulation.penalty.logged() if self.formulation else {}), *self.learnt]

    def physics_rows(self, trainables) -> Tensor:
        """Every residual and soft-condition value at its point, scaled by √(weight / count) so
        that the sum of squares is the physics part of the loss (the rows pinn.method.uncertainty
        differentiates)."""
        x = self.batch.x
        u, _ = self.fields(trainables.network, x)
        rows = self.batch.interior
        parts = [r.reshape(-1) * math.sqrt(self.weights[name] / r.numel())
                 for name, r in self._interior(x[rows], u.restrict(rows)).items()]
        if self.batch.boundary:
            count = sum(s.stop - s.start for _, s in self.batch.boundary)
            parts += [bc.residual(x[s], u.restrict(s)).reshape(-1) * math.sqrt(self.weights["boundary"] / count)
                      for bc, s in self.batch.boundary]
        return torch.cat(parts)

    def data_misfit(self, trainables) -> Tensor:
        """u(x_i) − u_i at the measurement points, shape (n, 1)."""
        x, u = self.measured
        return trainables.network(x) - u

    def build_taylor(self, trainables) -> float:
        """Set up the Taylor path: one autograd evaluation records the derivatives asked for, then
        the body's jet is built for exactly those (and compiled if asked). Leaves no gradients.
        Returns the seconds spent compiling (0 without ``compile``)."""
        if self.derivatives != "taylor" or self._body_jet is not None:
            return 0.0
        _, network = self._evaluate(trainables)
        plan = taylor.Streams.of(network.requested)
        model = trainables.network
        self._body_jet = lambda x: model.body_jet(x, plan)
        if not self.compile:
            return 0.0
        self._body_jet = torch.compile(self._body_jet)
        began = time.perf_counter()
        self(trainables).total.backward()  # compiles the forward and, on this first backward, the backward
        trainables.zero_grad(set_to_none=True)
        return time.perf_counter() - began

    def fields(self, network, x: Tensor):
        """(u, N): u on the batch as a Field, and the Field of the body N it is built from.

        With an exact-boundary transform u = g + d·N, g and d are differentiated once per batch
        and combined by the Leibniz rule (:class:`TransformedField`): in 2D that halves the step
        time against differentiating through g and d each step."""
        if self._body_jet is not None:
            streams = self._body_jet(x)
            body = Field(x, streams[()], known=streams)
        else:
            body = Field(x, network.body_output(x))
        transform = getattr(network, "transform", None)
        if transform is None:
            return body, body
        if self._transform_fields is None or self._transform_fields[0] is not x:
            self._transform_fields = (x, ConstantField(x, transform.lift), ConstantField(x, transform.distance))
        _, lift, distance = self._transform_fields
        return TransformedField(body, lift, distance), body

    def nonfinite_terms(self, trainables) -> str | None:
        """Where a term of the loss is NaN or infinite on the batch at the current weights, in
        words (the term, the first such point, how many there are), or None if every term is finite."""
        x = self.batch.x
        with torch.enable_grad():
            u, _ = self.fields(trainables.network, x)
            rows = self.batch.interior
            pieces = [(name, rows, r) for name, r in self._interior(x[rows], u.restrict(rows)).items()]
            pieces += [(str(bc), rows, bc.residual(x[rows], u.restrict(rows))) for bc, rows in self.batch.boundary]
        for name, rows, r in pieces:
            bad = ~torch.isfinite(r.detach().square()).reshape(-1)
            if bad.any():
                first = int(bad.nonzero()[0])
                value = float(r.detach().reshape(-1)[first])
                if math.isfinite(value):  # finite, but its square (the loss) is not
                    return (f"the {name} term is {value:.3g} at {self.problem.domain.describe(x[rows][first].detach())}, "
                            f"whose square overflows {str(r.dtype).removeprefix('torch.')} "
                            f"({int(bad.sum())} of {bad.numel()} points)")
                return (f"the {name} term is {value} at "
                        f"{self.problem.domain.describe(x[rows][first].detach())} "
                        f"({int(bad.sum())} of {bad.numel()} points)")
        return None

    def __call__(self, trainables) -> LossValue:
        return self._evaluate(trainables)[0]

    def _evaluate(self, trainables):
        x = self.batch.x
        u, network = self.fields(trainables.network, x)
        interior = self.batch.interior
        terms = {name: self._mean_square(x[interior], r) for name, r in
                 self._interior(x[interior], u.restrict(interior)).items()}
        if self.batch.boundary:
            squares = [bc.residual(x[rows], u.restrict(rows)).square() for bc, rows in self.batch.boundary]
            terms["boundary"] = torch.cat(squares).mean()
        if self.measured is not None:
            terms["data"] = self.data_misfit(trainables).square().mean()
        total = sum(self.weights[name] * value for name, value in terms.items())
        return LossValue(total, {**terms, **trainables.logged()}), network

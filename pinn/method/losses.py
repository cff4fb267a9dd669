"""The PINN loss: a list of terms (:mod:`pinn.method.terms`), weighted mean squares of the PDE
residual and the soft boundary conditions,

    L(θ) = w_r mean_i R[u_θ](x_i)² + w_b mean_j B[u_θ](x_j)²  [+ w_d mean_k (u_θ(x_k) − u_k)²]

The last term is an inverse problem's data misfit at its measurements (x_k, u_k); there the
residual also depends on the learnt coefficients (:mod:`pinn.method.coefficients`), which train with θ.

For an obstacle problem the residual term is replaced by the terms of the configured
:class:`~pinn.method.constraints.Formulation` (r, u − ψ and a barrier penalty φ combined).

With ``weights.causal = ε`` (evolution problems) the residual term respects causality
(:class:`~pinn.method.terms.CausalInteriorTerm`).

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
from pinn.core.field import ConstantField, Field, Fields, TransformedField, pick
from pinn.method.terms import BatchValues, BoundaryTerm, CausalInteriorTerm, DataTerm, GaugeTerm, InteriorTerm

Tensor = torch.Tensor
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
    terms: dict  # name -> unweighted scalar tensor, then the logged values (trainables.logged())
    body: object = None  # the Field of the network body on the batch (which derivatives were asked)


class PinnLoss:
    """Callable: ``loss(trainables) -> LossValue`` on a :class:`Collocation` batch; ``trainables``
    is a :class:`pinn.method.trainables.Trainables`. ``terms`` lists the
    :class:`~pinn.method.terms.LossTerm` s in the order they are evaluated and logged. What a stage
    changes (its problem, μ, redrawn points) is handed over by :meth:`use`."""

    def __init__(self, problem, batch: Collocation, weights, formulation=None, derivatives: str = "autograd",
                 compile: bool = False, measured: tuple | None = None, learnt: tuple = ()):
        self.problem, self.batch, self.formulation = problem, batch, formulation
        self.derivatives, self.compile = derivatives, compile
        self.measured, self.learnt = measured, learnt  # (x, u, columns) of the data; names of learnt coefficients
        self._transform_fields = None  # (x, lift, distance) of the current batch
        self._body_jet = None  # x -> {key: ∂^key N(x)}, set by build_taylor() on the Taylor path
        self.streams = None  # the taylor.Streams the Taylor path carries, once build_taylor() has run
        self.terms = self._terms(weights)

    def _terms(self, weights) -> list:
        interior = {"residual": weights.residual, "constraint": weights.constraint,
                    "complementarity": weights.residual}
        names = self.formulation.terms if self.formulation else self.problem.equations or ("residual",)
        interior.update({name: weights.residual for name in self.problem.equations})
        if weights.causal:
            domain = self.problem.domain
            terms = [CausalInteriorTerm(name, interior[name], self.batch.interior, weights.causal, domain.time_dim,
                                        domain.bounds[domain.time_dim]) for name in names]
        else:
            terms = [InteriorTerm(name, interior[name]) for name in names]
        if self.batch.boundary:
            terms.append(BoundaryTerm(weights.boundary, self.batch.boundary))
        gauges = self.problem.gauges()
        if gauges:
            terms.append(GaugeTerm(weights.boundary, gauges, self.problem.fields, self.batch.interior))
        if self.measured is not None:
            terms.append(DataTerm(weights.data, self.measured))
        return terms

    def use(self, problem=None, mu: float | None = None, points: Tensor | None = None):
        """What a stage hands the loss: its problem (continuation in a parameter), the constraint
        weight μ, or a new set of training points of the batch's shape (adaptive sampling, a
        resume)."""
        if problem is not None:
            self.problem = problem
        if mu is not None:
            self.formulation.mu = mu
        if points is not None:
            x = self.batch.x
            self.batch.x = points.to(device=x.device, dtype=x.dtype).detach().requires_grad_(True)

    def _interior(self, x: Tensor, u) -> dict[str, Tensor]:
        """Pointwise interior residuals by term: the PDE's (a system's by equation), or the
        constraint formulation's."""
        r = self.problem.residual(x, u)
        if isinstance(r, dict):
            return r
        if self.formulation is None:
            return {"residual": r}
        obstacle, = self.problem.constraints()
        return self.formulation.pointwise(r, obstacle.gap(x, u.value))

    def resample(self, trainables, candidates: int, seed: int) -> Tensor:
        """RAD: new training points, the interior ones redrawn from ``candidates`` uniform ones with
        p ∝ |R|/mean|R| + 1 (the boundary rows kept); hand them over with :meth:`use`."""
        x, rows = self.batch.x, self.batch.interior
        pool = self.problem.domain.sample_interior(candidates, "uniform", seed, x.dtype, x.device)
        pool.requires_grad_(True)
        with torch.enable_grad():
            # the graph is kept: u_xx needs u_x's
            residuals = self._interior(pool, self.problem.field_of(pool, trainables.network(pool)))
        magnitude = sum(r.detach().abs() for r in residuals.values()).reshape(-1)
        weights = magnitude / magnitude.mean().clamp_min(torch.finfo(x.dtype).tiny) + 1
        generator = torch.Generator(device=x.device).manual_seed(seed)
        chosen = torch.multinomial(weights, rows.stop - rows.start, replacement=False, generator=generator)
        new = x.detach().clone()
        new[rows] = pool.detach()[chosen]
        return new

    def make_relative(self):
        """Inverse problems: weigh the residual by INVERSE_PHYSICS_WEIGHT / mean R[0]² (R[0]: its size
        at u = 0, the source's) and the data and boundary terms by 1 / mean u_i², so that each term
        is relative and the balance between physics and data does not depend on the units of u or
        of the equation (a conductivity of 1e-3 left a residual too small to count: 1.9 % off).
        Both means are a sum over a count, as the terms reduce. A system's measured fields are
        weighed alike: each column's misfit scaled by √(mean u_i² / mean of its own u_i²)."""
        x = self.batch.x[self.batch.interior]
        with torch.enable_grad():
            zero = self.problem.residual_at_zero(x)
        zero = torch.cat(list(zero.values())) if isinstance(zero, dict) else zero
        source = float(zero.detach().square().sum() / zero.numel())
        measured = self.measured[1]
        data = float(measured.square().sum() / measured.numel())
        if measured.shape[1] > 1:  # a system's fields weigh alike whatever their sizes: each by its own mean
            own = measured.square().mean(dim=0)
            self._data_term.scale = torch.where(own > 0, (data / own).sqrt(), torch.ones_like(own))
        for term in self.terms:
            if term.name in ("residual", "complementarity", *self.problem.equations) and source > 0:
                term.weight = term.weight * INVERSE_PHYSICS_WEIGHT / source
            elif term.name in ("data", "boundary") and data > 0:
                term.weight /= data

    @property
    def term_names(self) -> list[str]:
        """Loss terms, then quantities only recorded (a learnable penalty's α)."""
        return [*(term.name for term in self.terms), *self.logged_names]

    @property
    def logged_names(self) -> list[str]:
        """Quantities recorded beside the loss terms: a learnable penalty's α, learnt coefficients."""
        return [*(self.formulation.penalty.logged() if self.formulation else {}), *self.learnt]

    def _values(self, trainables) -> tuple[BatchValues, Field]:
        """One forward pass over the batch: what the terms read, and the body's Field."""
        x = self.batch.x
        u, body = self.fields(trainables.network, x)
        rows = self.batch.interior
        return BatchValues(x, u, self._interior(x[rows], u.restrict(rows)), trainables), body

    def physics_rows(self, trainables) -> Tensor:
        """Every residual and soft-condition value at its point, scaled by √(weight / count) so
        that the sum of squares is the physics part of the loss (the rows pinn.method.uncertainty
        differentiates)."""
        values, _ = self._values(trainables)
        parts = []
        for term in self.terms:
            if not isinstance(term, DataTerm):
                r = term.pointwise(values).reshape(-1)
                parts.append(r * math.sqrt(term.weight / r.numel()))
        return torch.cat(parts)

    @property
    def _data_term(self) -> DataTerm:
        data, = (term for term in self.terms if isinstance(term, DataTerm))
        return data

    def data_misfit(self, trainables) -> Tensor:
        """u(x_i) − u_i at the measurement points, shape (n, m): m measured fields."""
        return self._data_term.misfit(trainables)

    def build_taylor(self, closure) -> float:
        """Set up the Taylor path: one evaluation by ``closure`` (:class:`pinn.method.closure.Closure`)
        records the derivatives asked for, then the body's jet is built for exactly those (and
        compiled if asked: the closure's first backward compiles the backward too). Leaves no
        gradients. Returns the seconds spent compiling (0 without ``compile``)."""
        if self.derivatives != "taylor" or self._body_jet is not None:
            return 0.0
        streams = self.streams = taylor.Streams.of(closure(differentiate=False).body.requested)
        model = closure.trainables.network
        self._body_jet = lambda x: model.body_jet(x, streams)
        if not self.compile:
            return 0.0
        self._body_jet = torch.compile(self._body_jet)
        began = time.perf_counter()
        closure()
        closure.trainables.zero_grad(set_to_none=True)
        return time.perf_counter() - began

    def fields(self, network, x: Tensor):
        """(u, N): u on the batch as a Field, and the Field of the body N it is built from.

        With an exact-boundary transform u = g + d·N, g and d are differentiated once per batch
        and combined by the Leibniz rule (:class:`TransformedField`): in 2D that halves the step
        time against differentiating through g and d each step."""
        if self.problem.is_system:
            streams = self._body_jet(x) if self._body_jet is not None else {(): network.body_output(x)}
            body = Fields(self.problem.fields, x, streams[()], known=streams)
        elif self._body_jet is not None:
            streams = self._body_jet(x)
            body = Field(x, streams[()], known=streams)
        else:
            body = Field(x, network.body_output(x))
        transform = getattr(network, "transform", None)
        if transform is None:
            return body, body
        if self.problem.is_system:  # FieldTransforms: each transformed field by itself
            if self._transform_fields is None or self._transform_fields[0] is not x:
                self._transform_fields = (x, {j: (ConstantField(x, t.lift), ConstantField(x, t.distance))
                                              for j, t in transform.columns.items()})
            _, parts = self._transform_fields
            names = self.problem.fields
            return Fields.of(x, {f: TransformedField(body[f], *parts[j]) if j in parts else body[f]
                                 for j, f in enumerate(names)}), body
        if self._transform_fields is None or self._transform_fields[0] is not x:
            self._transform_fields = (x, ConstantField(x, transform.lift), ConstantField(x, transform.distance))
        _, lift, distance = self._transform_fields
        return TransformedField(body, lift, distance), body

    def nonfinite_terms(self, trainables) -> str | None:
        """Where a term of the loss is NaN or infinite on the batch at the current weights, in
        words (the term, the first such point, how many there are), or None if every term is finite."""
        x = self.batch.x
        with torch.enable_grad():
            values, _ = self._values(trainables)
            rows = self.batch.interior
            pieces = [(name, rows, r) for name, r in values.interior.items()]
            pieces += [(str(bc), rows, bc.residual(x[rows], pick(values.u.restrict(rows), bc.field)))
                       for bc, rows in self.batch.boundary]
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
        """L = Σ_k w_k value_k, each term's value from its sum of squares and count."""
        values, body = self._values(trainables)
        terms = {term.name: term.value(term.squares(values)) for term in self.terms}
        total = sum(term.weight * terms[term.name] for term in self.terms)
        return LossValue(total, {**terms, **trainables.logged()}, body)

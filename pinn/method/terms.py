"""Loss terms: each one a weighted mean square over its own points, reduced as a sum and a count.

A term k has a name, a weight w_k, its points (rows of the training batch: the interior, the soft
sides; or the measurements) and a pointwise residual r_k. It reduces to

    Squares(total = Σ_i r_k(x_i)², count = n_k),   value = total / count,

not to a mean, so that sums and counts from several processes can be added before the value is
formed: the global mean is then the mean over all points, whatever the split. The loss is
L = Σ_k w_k value_k (:class:`pinn.method.losses.PinnLoss`).

A causal term (Wang, Sankaran & Perdikaris 2024) reduces per time slab: ``total`` and ``count``
are M = :data:`CAUSAL_SLABS` long, L_j = total_j / count_j, and

    value = (1/M) Σ_j exp(−ε Σ_{i<j} L_i) L_j,

so a slab counts fully only once the earlier ones are solved. The weights are not detached: the
value is one smooth function of the weights, which a quasi-Newton line search needs.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

import torch

from pinn.core.field import pick

Tensor = torch.Tensor
CAUSAL_SLABS = 32


@dataclass
class Squares:
    """A term's reduction: the sum of its squared residuals and how many there are (per slab for a
    causal term)."""

    total: Tensor
    count: Tensor | int


@dataclass
class BatchValues:
    """What one forward pass over the batch gives the terms: the points ``x``, the Field ``u`` on
    them, the interior residuals by name (the PDE's, or the constraint formulation's, computed
    once for all interior terms) and the trainables (a data term evaluates the network itself)."""

    x: Tensor
    u: object
    interior: dict
    trainables: object


class LossTerm(ABC):
    """One term of the loss: ``weight · value(squares(values))``."""

    def __init__(self, name: str, weight: float):
        self.name, self.weight = name, weight

    @abstractmethod
    def pointwise(self, values: BatchValues) -> Tensor:
        """The residual at each of the term's points, shape (n, 1)."""

    def squares(self, values: BatchValues) -> Squares:
        r = self.pointwise(values)
        return Squares(r.square().sum(), r.numel())

    def value(self, squares: Squares) -> Tensor:
        """The term's unweighted value from its (possibly reduced) sum and count: their mean."""
        return squares.total / squares.count


class InteriorTerm(LossTerm):
    """An interior residual (``name``: the PDE's, or one of a constraint formulation's) on the
    interior rows of the batch."""

    def pointwise(self, values):
        return values.interior[self.name]


class CausalInteriorTerm(InteriorTerm):
    """An interior residual weighted by causality along the time axis ``time`` over ``bounds``
    with strength ``epsilon`` (module docstring)."""

    def __init__(self, name: str, weight: float, rows: slice, epsilon: float, time: int, bounds: tuple):
        super().__init__(name, weight)
        self.rows, self.epsilon, self.time, self.bounds = rows, epsilon, time, bounds

    def squares(self, values):
        r = self.pointwise(values)
        (t0, t1) = self.bounds
        t = values.x[self.rows][:, self.time].detach()
        slab = ((t - t0) / (t1 - t0) * CAUSAL_SLABS).long().clamp(0, CAUSAL_SLABS - 1)
        total = torch.zeros(CAUSAL_SLABS, dtype=r.dtype, device=r.device).index_add(0, slab, r.reshape(-1).square())
        return Squares(total, torch.bincount(slab, minlength=CAUSAL_SLABS))

    def value(self, squares):
        slabs = squares.total / squares.count.clamp_min(1).to(squares.total.dtype)
        earlier = torch.cumsum(slabs, 0) - slabs
        return (torch.exp(-self.epsilon * earlier) * slabs).mean()


class BoundaryTerm(LossTerm):
    """The soft boundary conditions, one mean square over all their points: ``conditions`` is a
    list of (BoundaryCondition, rows of the batch)."""

    def __init__(self, weight: float, conditions: list):
        super().__init__("boundary", weight)
        self.conditions = conditions

    def pointwise(self, values):
        x, u = values.x, values.u
        return torch.cat([bc.residual(x[rows], pick(u.restrict(rows), bc.field)) for bc, rows in self.conditions])


class GaugeTerm(LossTerm):
    """A system's gauges (:class:`pinn.problems.system.Gauge`), one row each: the mean of the field
    over the interior ``rows`` of the batch less the given mean, or the field at the gauge's point
    less its value. ``fields``: the network's outputs in order."""

    def __init__(self, weight: float, gauges: list, fields: tuple, rows: slice):
        super().__init__("gauge", weight)
        self.gauges, self.fields, self.rows = gauges, fields, rows

    def pointwise(self, values):
        rows = []
        for gauge in self.gauges:
            if gauge.point is None:
                rows.append(values.u[gauge.field].value[self.rows].mean().reshape(1, 1) - gauge.value)
            else:
                point = torch.tensor([gauge.point], dtype=values.x.dtype, device=values.x.device)
                j = self.fields.index(gauge.field)
                rows.append(values.trainables.network(point)[:, j:j + 1] - gauge.value)
        return torch.cat(rows)


class DataTerm(LossTerm):
    """An inverse problem's misfit u(x_k) − u_k at its measurements ``(x, u, columns)``: u (n, 1)
    of one field (``columns`` None), or (n, m) of the network's output ``columns`` of a system,
    each column scaled by ``scale`` (m,) in the loss (:meth:`PinnLoss.make_relative`)."""

    def __init__(self, weight: float, measured: tuple):
        super().__init__("data", weight)
        self.x, self.u, self.columns = measured
        self.scale = None

    def misfit(self, trainables) -> Tensor:
        """The fitted less the measured values, (n, m)."""
        output = trainables.network(self.x)
        return (output if self.columns is None else output[:, self.columns]) - self.u

    def pointwise(self, values):
        misfit = self.misfit(values.trainables)
        return misfit if self.scale is None else misfit * self.scale

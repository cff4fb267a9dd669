"""A system of PDEs written in YAML: several unknown fields, one residual per equation.

    problem:
      type: expression
      domain: {x: [-0.5, 1.0], y: [-0.5, 1.5]}
      fields: [u, v, p]                        # the network's outputs, in this order
      params: {Re: 40}
      equations:                               # residuals by name; each is a loss term
        momentum_x: "u*u_x + v*u_y + p_x - lap(u)/Re"
        momentum_y: "u*v_x + v*v_y + p_y - lap(v)/Re"
        mass: "u_x + v_y"
      boundary:
        - {at: boundary, type: dirichlet, values: {u: "...", v: "..."}}
      gauge: {p: {mean: 0}}                    # p enters only through p_x, p_y
      exact: {u: "...", v: "...", p: "..."}
      vectors: {velocity: [u, v]}              # scored and exported as one vector

Before anything trains, the system is checked field by field (:meth:`ExpressionSystem._check_fields`):

* every field appears in some equation, and there are at least as many equations as fields;
* a field whose value enters no equation and no condition (only its derivatives do: a pressure)
  is determined up to a constant, and needs a gauge — its mean over the interior points, or its
  value at a point; a gauge on a field that is already determined is refused;
* for each field and each spatial axis in which an equation differentiates it k ≥ 2 times, each
  side of that axis carries at least k/2 conditions on the field (1D: k in all); first-order
  fields (a pressure, a transported quantity) are not counted, since what they need depends on
  the whole system rather than on their own order;
* with time, each field differentiated k times in t has its initial value (and, for k = 2, its
  rate) given.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import torch

from pinn.core import expr, geometry
from pinn.problems.base import Problem
from pinn.problems.conditions import Dirichlet, Periodic, Robin
from pinn.problems.references import ivp
from pinn.problems.expression import DefinitionError, ExpressionProblem, domain_of

Tensor = torch.Tensor
GAUGE_TOLERANCE = 1e-3  # |mean of the exact field − the gauge| allowed, relative to 1 + max |field|


@dataclass(frozen=True)
class Gauge:
    """A field fixed where the equations leave a constant free: its mean over the interior points
    (``point`` None) or its value at ``point``."""

    field: str
    value: float
    point: tuple | None = None

    def __str__(self) -> str:
        where = "mean" if self.point is None else f"value at ({', '.join(f'{c:g}' for c in self.point)})"
        return f"the {where} of {self.field} = {self.value:g}"


class ExpressionSystem(ExpressionProblem):
    """Several fields, ``equations`` by name (module docstring)."""

    def __init__(self, definition, learnt=(), /, **params):
        Problem.__init__(self, **params)
        self.definition = definition
        self._domain = domain = domain_of(definition.domain)
        self.fields, self.equations = tuple(definition.fields), tuple(definition.equations)
        self._learnt = learnt = tuple(learnt)
        self._fixed = fixed = {name: value for name, value in params.items() if name not in learnt}
        live = {name: (lambda name=name: torch.as_tensor(self.params[name], dtype=torch.float64)) for name in learnt}
        unknowns = expr.Symbols(domain.names, fixed, True, live=live, learnt=learnt, fields=self.fields)
        self._equations = {name: self._compile(("equations", name), source, unknowns)
                           for name, source in definition.equations.items()}
        self.equation = None  # one residual: the one-field problem's; a system has _equations
        data = lambda what: expr.Symbols(domain.names, fixed, False, f"{what} is a function of "
                                                                     f"{' and '.join(domain.names)} only",
                                         learnt=learnt, fields=self.fields)
        self._exact = ({f: self._compile(("exact", f), source, data("the exact solution"))
                        for f, source in definition.exact.items()} if definition.exact and not learnt else None)
        self._obstacle = self._base = None
        self._sourced = []
        for i, spec in enumerate(definition.boundary):
            per_field = spec.values or {spec.field: spec.value}
            for f, source in per_field.items():
                value_path = ("values", f) if spec.values else ("value",)
                made = self._conditions_of(("boundary", i), dataclasses.replace(spec, value=source),
                                           data("a boundary value"), value_path)
                self._sourced += [(("boundary", i), bc if isinstance(bc, Periodic) else bc.on(f)) for bc in made]
                if spec.type == "periodic":
                    break
        self._sourced += self._initial_conditions(params)
        self._conditions = [bc for _, bc in self._sourced]
        self._gauges = [self._gauge(f, spec) for f, spec in (definition.gauge or {}).items()]
        self.positive, self.vectors = tuple(definition.positive or ()), dict(definition.vectors or {})
        self.notes = self._check_fields() + self._positive_against_data()
        self._check_finite()

    def _initial_conditions(self, params) -> list:
        made = super()._initial_conditions(params)
        return [(path, bc.on(self.definition.initial[path[1]].field)) for path, bc in made]

    def _gauge(self, f: str, spec) -> Gauge:
        constant = lambda key, source: self._compile(("gauge", f, key), source, expr.Symbols((), self._fixed)).value()
        if spec.at is None:
            return Gauge(f, constant("mean", spec.mean))
        inside = len(spec.at) == self._domain.dim and all(lo <= c <= hi for c, (lo, hi) in
                                                           zip(spec.at, self._domain.bounds))
        if not inside:
            raise DefinitionError(("gauge", f, "at"), f"got {list(spec.at)}; expected a point of the domain, one "
                                                      f"number per coordinate ({', '.join(self._domain.names)})")
        return Gauge(f, constant("value", spec.value), tuple(spec.at))

    # ---------------------------------------------------------------- checks before training
    def _order_in(self, f: str, axis: int) -> int:
        return max((key.count(axis) for eq in self._equations.values() for key in eq.derivatives_of(f)), default=0)

    def _check_fields(self) -> list[str]:
        notes = []
        read = {f: set().union(*(eq.derivatives_of(f) for eq in self._equations.values())) for f in self.fields}
        for j, f in enumerate(self.fields):
            if not read[f]:
                raise DefinitionError(("fields", j), f"the field {f!r} appears in no equation; remove it, or "
                                                     f"write the equation it obeys")
        if len(self._equations) < len(self.fields):
            raise DefinitionError(("equations",), f"{len(self._equations)} equation(s) for {len(self.fields)} fields "
                                                  f"({', '.join(self.fields)}): the fields are not determined")
        self._check_gauges(read)
        for f in self.fields:
            notes += self._check_conditions_of(f)
        return notes

    def _check_gauges(self, read: dict):
        gauged = {g.field: g for g in self._gauges}
        for f in self.fields:
            valued = () in read[f] or any(bc.field == f and (bc.order == 0 or isinstance(bc, Robin) and bc.a != 0)
                                          for bc in self._conditions)
            if not valued and f not in gauged:
                raise DefinitionError(("gauge",), f"{f} enters the equations only through its derivatives and no "
                                                  f"condition gives its value, so it is determined only up to a "
                                                  f"constant; fix it with gauge: {{{f}: {{mean: 0}}}} (or at: "
                                                  f"[a point], value: ...)")
            if valued and f in gauged:
                raise DefinitionError(("gauge", f), f"{f} is already determined (its value enters an equation or "
                                                    f"a condition); a gauge could contradict it: remove it")

    def _check_conditions_of(self, f: str) -> list[str]:
        domain, names = self._domain, self._domain.names
        notes = []
        mine = [(path, bc) for path, bc in self._sourced if bc.field in (f, None)]
        if domain.time_dim is not None:
            wanted = self._order_in(f, domain.time_dim)
            orders = sorted(bc.order for path, bc in mine if path[0] == "initial")
            if wanted and orders != list(range(wanted)):
                need = {1: f"its initial value ({{field: {f}, value: ...}})",
                        2: f"its initial value and rate ({{field: {f}, value: ...}} and {{..., derivative: 1}})"}
                raise DefinitionError(("initial",), f"{f} has order {wanted} in t, so it needs "
                                                    f"{need.get(wanted, f'{wanted} initial conditions')}")
        if isinstance(domain, geometry.Pieced):
            return self._check_pieces_of(f, mine)
        for axis in domain.space_dims:
            order = self._order_in(f, axis)
            if order < 2 or any(isinstance(bc, Periodic) and bc.side.dim == axis for _, bc in mine):
                continue
            on_axis = [bc for path, bc in mine if path[0] == "boundary" and bc.side.dim == axis]
            if len(domain.space_dims) == 1:  # 1D: k conditions in all, on either end
                if len(on_axis) < order:
                    raise DefinitionError(("boundary",), f"{f} has order {order} in {names[axis]}, so it needs "
                                                         f"{order} boundary condition(s); {len(on_axis)} given")
                continue
            wanted = order // 2
            for value in domain.bounds[axis]:
                count = sum(1 for bc in on_axis if bc.side.value == value)
                side = f"{names[axis]} = {value:g}"
                if count < wanted:
                    raise DefinitionError(("boundary",), f"{f} has order {order} in {names[axis]}, so the side "
                                                         f"{side} needs {wanted} condition(s) on {f}; {count} given")
                if count > wanted:
                    notes.append(f"problem.boundary: the side {side} has {count} conditions on {f} where its "
                                 f"order {order} in {names[axis]} asks for {wanted}")
        return notes

    def _check_pieces_of(self, f: str, mine: list) -> list[str]:
        """On a shape: a field of order 2 or more in space needs a condition on each boundary piece
        (none: an error; two or more: a note, as on a box's side)."""
        order = max(self._order_in(f, axis) for axis in self._domain.space_dims)
        if order < 2:
            return []
        notes = []
        for piece in self._domain.sides():
            count = sum(1 for path, bc in mine if path[0] == "boundary" and bc.side is piece)
            if count == 0:
                raise DefinitionError(("boundary",), f"{f} has order {order} in space, so the boundary piece {piece} "
                                                     f"needs a condition on {f}; none given (pieces: "
                                                     f"{', '.join(str(p) for p in self._domain.sides())})")
            if count > 1:
                notes.append(f"problem.boundary: the piece {piece} has {count} conditions on {f}")
        return notes

    def _positive_against_data(self) -> list[str]:
        """A positive field given the value 0 (or less) by a condition: softplus(N) reaches 0 only
        as N → −∞, so the condition can hold only approximately (a note, before training)."""
        notes = []
        for bc in self._conditions:
            if bc.field in self.positive and isinstance(bc, Dirichlet):
                points = self._domain.sample_side(bc.side, 33, "grid", 0, torch.float64, "cpu")
                lowest = float(bc.value(points).min())
                if lowest <= 0:
                    notes.append(f"problem.positive: {bc} gives {bc.field} the value {lowest:.3g}, which a positive "
                                 f"field (softplus) reaches only in the limit; expect that condition to hold only "
                                 f"approximately, or drop {bc.field} from positive")
        return notes

    def _data_expressions(self) -> list:
        return [(("exact", f), fn, self.definition.exact[f]) for f, fn in (self._exact or {}).items()]

    def _condition_source(self, key: str, i: int, bc) -> str:
        spec = getattr(self.definition, key)[i]
        return spec.values[bc.field] if getattr(spec, "values", None) else spec.value

    def exact_mismatches(self, per_axis: int = 65) -> list[str]:
        """The one-field checks (each equation, each condition), and each gauge against the exact
        solution: a mean gauge against the exact field's mean on the probe grid, a point gauge at
        its point."""
        found = super().exact_mismatches(per_axis)
        if self._exact is None:
            return found
        axes = [torch.linspace(lo, hi, per_axis, dtype=torch.float64) for lo, hi in self._domain.bounds]
        grid = torch.stack([m.reshape(-1) for m in torch.meshgrid(*axes, indexing="ij")], dim=1)
        for f in self.positive:
            values = self._exact[f].at(grid).reshape(-1)
            if float(values.min()) < 0:
                worst = int(values.argmin())
                found.append(f"problem.positive: {f} is declared positive, but the exact {f} is {float(values[worst]):.3g} "
                             f"at {self._domain.describe(grid[worst])}; a softplus output cannot reach it")
        for g in self._gauges:
            exact = self._exact[g.field]
            values = exact.at(grid)
            scale = 1 + float(values.abs().max())
            have = float(values.mean() if g.point is None else exact.at(torch.tensor([g.point])))
            if not abs(have - g.value) <= GAUGE_TOLERANCE * scale:
                found.append(f"problem.gauge: {g} but the exact {g.field} has {have:.6g} there; the gauge "
                             f"contradicts problem.exact (give value: {have:.6g}, or fix the exact solution)")
        return found

    # ---------------------------------------------------------------- the Problem contract
    @property
    def order(self) -> int:
        return max([*(eq.order for eq in self._equations.values()), *(bc.order for bc in self._conditions)])

    def residual(self, x, u):
        return {name: eq.at(x, u) for name, eq in self._equations.items()}

    def gauges(self) -> list[Gauge]:
        return list(self._gauges)

    def exact(self, x):
        return None if self._exact is None else torch.cat([self._exact[f].at(x) for f in self.fields], dim=1)

    def title(self) -> str:
        params = ", ".join(f"{k} learnt" if k in self._learnt else f"{k}={v:g}" for k, v in self.params.items())
        return f"{', '.join(self.fields)}: {', '.join(self.equations)}" + (f" ({params})" if params else "")

    ode_ready = False  # solve_bvp's explicit form is for one field

    @property
    def reference_name(self) -> str | None:
        """An initial value problem in ordinary differential equations has solve_ivp's reference."""
        return None if ivp.unready(self) else ivp.SOLVE_IVP

    def reference_values(self, points: np.ndarray) -> np.ndarray:
        return ivp.solve(self, points[:, 0])

"""A problem written entirely in YAML (``problem.type: expression``), compiled by :mod:`pinn.core.expr`.

    problem:
      type: expression
      domain: [[0, 1]]                      # one [lo, hi] per coordinate: x, then y
      params: {eps: 0.01}
      equation: "-eps*u_xx + u_x - 1"       # the residual R[u]; the PDE is R[u] = 0
      boundary:
        - {at: "x = 0", type: dirichlet, value: "0"}
        - {at: "x = 1", type: robin, a: 1, b: 1, value: "2"}    # a u + b u_x = value
      exact: "..."                          # optional: error metrics and plots against it
      obstacle: "..."                       # optional: u >= obstacle (an obstacle problem)
      base: "..."                           # optional, with t: the network learns u - base

The PDE's order is the highest derivative in the equation and the boundary conditions; it feeds
the C^k check like any registered problem's. Without ``exact`` the classical reference is found by
probing the compiled equation numerically:

* 1D, no obstacle: if R is affine in the highest derivative u^(n), R = a·u^(n) + b with a ≠ 0 (linear
  or nonlinear in the lower derivatives: Bratu's −u'' − λe^u is), then u^(n) = −b/a is the explicit
  form solve_bvp needs (n boundary conditions of order < n);
* with an obstacle: if R = −Δu − f for some f(x), the finite-difference active-set solver applies.

Otherwise the run reports residual norms and says that no reference was available.
"""
from __future__ import annotations

import re
from functools import cached_property

import torch

from pinn.core import expr, geometry, sampling
from pinn.core.domains import Box, Domain, Side, SpaceTime
from pinn.core.params import Param
from pinn.problems.base import Problem
from pinn.problems.conditions import Derivative, Dirichlet, Neumann, Periodic, Robin
from pinn.problems.obstacle import ObstacleProblem
from pinn.problems.ode import KnownDerivatives
from pinn.problems.references import fem

Tensor = torch.Tensor
EXPRESSION = "expression"
COORDINATES = ("x", "y", expr.TIME)
WHOLE_BOUNDARY = "boundary"
PROBE_SEED = 20260
CONTACT_TOLERANCE = 1e-10  # exact − ψ below this (relative to max |ψ|) counts as contact
RESERVED = {*COORDINATES, "z", "u", *expr.FUNCTIONS, *expr.CONSTANTS, expr.LAPLACIAN,
            *expr.derivative_operators(COORDINATES)}


class DefinitionError(ValueError):
    """A definition that does not compile: ``path`` within the problem section, and the message."""

    def __init__(self, path: tuple, message: str, detail: str = ""):
        self.path, self.message, self.detail = path, message, detail
        super().__init__(message)


def _from_expression(path: tuple, error: expr.ExpressionError) -> DefinitionError:
    return DefinitionError(path, f"{error}", error.caret())


def check_param_names(params, fields=("u",)) -> None:
    """Parameter names must be identifiers that do not shadow a symbol of the language or a field."""
    for name in params:
        if not isinstance(name, str) or not name.isidentifier() or not name.isascii() or name.startswith("__"):
            raise DefinitionError(("params", str(name)), f"got the name {name!r}; expected an ASCII identifier "
                                                          f"such as eps or k_1")
        if name in RESERVED or name.startswith("u_"):
            raise DefinitionError(("params", name), f"the name {name!r} is taken by the expression language "
                                                    f"(coordinates, u and its derivatives, functions, pi, e)")
        if name in fields or name.split("_")[0] in fields:
            raise DefinitionError(("params", name), f"the name {name!r} is a field's (or its derivative's); "
                                                    f"give the parameter another name")


def parameters_spec(params) -> dict:
    """Declared parameters of an expression problem: the ones its config gives, as numbers."""
    return {name: Param(value, "float") for name, value in params.items()}


class ExpressionProblem(Problem):
    """R[u] = 0 with R, the boundary data and (optionally) the exact solution given as expressions."""

    name = EXPRESSION
    summary = "a PDE written in the config: equation, boundary, exact, obstacle (README: expression problems)"

    def __init__(self, definition, learnt=(), /, **params):
        """``definition``: the validated problem section (:class:`pinn.app.config.ProblemConfig`);
        ``learnt``: names of learnt parameters, read afresh from ``self.params`` at every
        evaluation of the equation and refused in every other expression. A problem with learnt
        parameters compiles no exact solution: that belongs to the one built with their true values."""
        super().__init__(**params)
        self.definition = definition
        self._domain = domain_of(definition.domain)
        names = self._domain.names
        self._learnt = learnt = tuple(learnt)
        self._fixed = fixed = {name: value for name, value in params.items() if name not in learnt}
        data = lambda what: expr.Symbols(names, fixed, False, f"{what} is a function of "
                                                              f"{' and '.join(names)} only", learnt=learnt)
        live = {name: (lambda name=name: torch.as_tensor(self.params[name], dtype=torch.float64)) for name in learnt}
        self.equation = self._compile(("equation",), definition.equation,
                                      expr.Symbols(names, fixed, True, live=live, learnt=learnt))
        self._exact = (self._compile(("exact",), definition.exact, data("the exact solution"))
                       if definition.exact is not None and not learnt else None)
        self._obstacle = (self._compile(("obstacle",), definition.obstacle, data("the obstacle"))
                          if definition.obstacle is not None else None)
        if definition.base is not None and self._domain.time_dim is None:
            raise DefinitionError(("base",), "is only for a domain with time (a base solution carries the "
                                             "kinks of the initial data); remove it")
        self._base = (self._compile(("base",), definition.base, data("the base solution"))
                      if definition.base is not None else None)
        if self._base is not None:
            self.base_solution = self._base.at
        # (index of the boundary entry, condition): one entry may give several (at: boundary)
        self._sourced = [(("boundary", i), bc) for i, spec in enumerate(definition.boundary)
                         for bc in self._conditions_of(("boundary", i), spec, data("a boundary value"))]
        self._sourced += self._initial_conditions(params)
        self._conditions = [bc for _, bc in self._sourced]
        self.notes = self._check_condition_count()
        self._check_finite()

    def _initial_conditions(self, params) -> list:
        """u(x, t₀) and u_t(x, t₀) from ``initial`` (a space–time domain needs it; a steady one refuses it)."""
        given, start = self.definition.initial, self._domain.initial()
        if start is None:
            if given is not None:
                raise DefinitionError(("initial",), "is only for a domain with time, e.g. domain: {x: [0, 1], "
                                                    "t: [0, 1]} (remove it, or add t to the domain)")
            return []
        if not given:
            raise DefinitionError(("initial",), "missing; a domain with time needs u at t = "
                                                f"{start.value:g}, e.g. initial: [{{value: \"sin(pi*x)\"}}]")
        space = tuple(self._domain.names[i] for i in self._domain.space_dims)
        symbols = expr.Symbols(space, self._fixed, False, f"an initial value is a function of {' and '.join(space)} "
                                                          f"only", learnt=self._learnt)
        made = []
        for i, spec in enumerate(given):
            value = self._compile(("initial", i, "value"), spec.value, symbols)
            data = lambda x, value=value: value.at(x)
            made.append((("initial", i), Dirichlet(start, data) if spec.derivative == 0
                         else Derivative(start, data, order=1)))
        return made

    def _check_condition_count(self) -> list[str]:
        """As many conditions on the sides normal to each spatial axis as the equation's order in
        it: k in all in 1D (a periodic pair counts as k); k/2 on each side in 2D (one per side for
        a Laplacian), k in all for an odd k; and as many initial conditions as the order in time.
        Too few: a DefinitionError, since the solution is not determined and a PINN would train to
        one of many. Too many: an error in 1D (they contradict or repeat each other), a note in 2D
        (where the overlap may be intended). Returns the notes."""
        notes, domain = [], self._domain
        names, space = domain.names, domain.space_dims
        order_in = lambda axis: max((key.count(axis) for key in self.equation.derivatives), default=0)
        label = lambda path, bc: f"{path[0]}[{path[1]}] ({bc})"
        if domain.time_dim is not None:
            wanted = order_in(domain.time_dim)
            initial = [(path, bc) for path, bc in self._sourced if path[0] == "initial"]
            given = [f"{path[0]}[{path[1]}] (u{'_t' * bc.order}(x, t0))" for path, bc in initial]
            if sorted(bc.order for _, bc in initial) != list(range(wanted)) or wanted == 0:
                need = {0: "u_t or u_tt (an equation with t but no time derivative is not an evolution problem)",
                        1: "one initial condition, u itself ({value: ...})",
                        2: "two initial conditions, u and u_t ({value: ...} and {value: ..., derivative: 1})"}
                raise DefinitionError(("initial",), f"the equation has order {wanted} in t, so it needs "
                                                    f"{need.get(wanted, f'{wanted} initial conditions')}; "
                                                    f"{len(given)} given: {', '.join(given) or 'none'}")
        if isinstance(domain, geometry.Pieced):
            return self._check_pieces(max(order_in(axis) for axis in space), label)
        for axis in space:
            lo, hi = domain.bounds[axis]
            order = order_in(axis)
            periodic = [label(path, bc) for path, bc in self._sourced if isinstance(bc, Periodic) and bc.side.dim == axis]
            on = {value: [label(path, bc) for path, bc in self._sourced if path[0] == "boundary"
                          and not isinstance(bc, Periodic) and bc.side.dim == axis and bc.side.value == value]
                  for value in (lo, hi)}
            if periodic:
                if on[lo] or on[hi] or len(periodic) > 1:
                    raise DefinitionError(("boundary",), f"{periodic[0]} closes the axis {names[axis]}; no other "
                                                         f"condition belongs on its sides "
                                                         f"({', '.join(on[lo] + on[hi] + periodic[1:])})")
                continue
            given = on[lo] + on[hi]
            listed = ", ".join(given) or "none"
            if len(space) == 1:
                if len(given) != order:
                    raise DefinitionError(("boundary",), f"the equation has order {order}"
                                                         f"{'' if domain.dim == 1 else ' in ' + names[axis]}, so it "
                                                         f"needs {order} boundary condition(s); {len(given)} given: "
                                                         f"{listed}")
                continue
            wanted = {lo: order // 2, hi: order // 2} if order % 2 == 0 else None
            for value, entries in on.items():
                side = f"{names[axis]} = {value:g}"
                if wanted is not None and len(entries) < wanted[value]:
                    raise DefinitionError(("boundary",), f"the equation has order {order} in {names[axis]}, so the "
                                                         f"side {side} needs {wanted[value]} condition(s); none given")
                if wanted is not None and len(entries) > wanted[value]:
                    notes.append(f"problem.boundary: the side {side} has {len(entries)} conditions "
                                 f"({', '.join(entries)}) where the equation's order {order} in {names[axis]} "
                                 f"asks for {wanted[value]}")
            if wanted is None and len(given) < order:
                raise DefinitionError(("boundary",), f"the equation has order {order} in {names[axis]}, so it needs "
                                                     f"{order} condition(s) on the sides {names[axis]} = {lo:g}, "
                                                     f"{hi:g}; {len(given)} given")
        return notes

    def _check_pieces(self, order: int, label) -> list[str]:
        """On a shape: with a derivative in space, one condition on each boundary piece (none: an
        error; two or more: a note, as on a box's side)."""
        notes = []
        for piece in self._domain.sides():
            entries = [label(path, bc) for path, bc in self._sourced if path[0] == "boundary" and bc.side is piece]
            if order > 0 and not entries:
                raise DefinitionError(("boundary",), f"the boundary piece {piece} has no condition; the equation has "
                                                     f"order {order} in space, so every piece needs one (pieces: "
                                                     f"{', '.join(str(p) for p in self._domain.sides())})")
            if len(entries) > 1:
                notes.append(f"problem.boundary: the piece {piece} has {len(entries)} conditions ({', '.join(entries)})")
        return notes

    @staticmethod
    def _compile(path, source, symbols) -> expr.Expression:
        try:
            return expr.parse(source, symbols)
        except expr.ExpressionError as e:
            raise _from_expression(path, e) from None

    def _sides(self, path: tuple, at: str) -> list[Side]:
        box, names = self._domain, self._domain.names
        sides = box.sides()
        listed = ", ".join([str(s) for s in sides] + [WHOLE_BOUNDARY])
        if at.strip() == WHOLE_BOUNDARY:
            return sides
        if isinstance(box, geometry.Pieced):
            piece = box.piece(at.strip())
            if piece is None:
                raise DefinitionError(path + ("at",), f"got {at!r}; expected a piece of the shape's boundary: {listed}")
            return [piece]
        match = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*=\s*(.+?)\s*", at)
        if not match or match.group(1) not in names:
            raise DefinitionError(path + ("at",), f"got {at!r}; expected a side of the domain: {listed}")
        value = self._compile(path + ("at",), match.group(2), expr.Symbols((), self._fixed)).value()
        dim = names.index(match.group(1))
        if dim == box.time_dim:
            raise DefinitionError(path + ("at",), f"got {at!r}; data at t = {box.bounds[dim][0]:g} go in initial "
                                                  f"(and nothing is prescribed at t = {box.bounds[dim][1]:g}); "
                                                  f"expected a side of the domain: {listed}")
        for side in sides:
            if side.dim == dim and abs(side.value - value) <= 1e-12 * (1 + abs(value)):
                return [side]
        raise DefinitionError(path + ("at",), f"got {at!r}, which is not on the boundary; expected a side of "
                                              f"the domain: {listed}")

    def _conditions_of(self, path: tuple, spec, symbols, value_path: tuple = ("value",)) -> list:
        if spec.type == "periodic":
            return [self._periodic(path, spec.at)]
        value = self._compile(path + value_path, spec.value, symbols)
        data = lambda x, value=value: value.at(x)
        made = []
        for side in self._sides(path, spec.at):
            if spec.type == "dirichlet":
                made.append(Dirichlet(side, data))
            elif spec.type == "neumann":
                made.append(Neumann(side, data))
            elif spec.type == "robin":
                made.append(Robin(side, data, spec.a, spec.b))
            else:
                made.append(Derivative(side, data, spec.order))
        return made

    def _periodic(self, path: tuple, at: str) -> Periodic:
        domain = self._domain
        axes = [domain.names[i] for i in domain.space_dims]
        if at.strip() not in axes:
            raise DefinitionError(path + ("at",), f"got {at!r}; a periodic condition names an axis, and closes "
                                                  f"both its sides: expected one of {', '.join(axes)}")
        dim = domain.names.index(at.strip())
        return Periodic(domain.side(dim, "lower"), domain.side(dim, "upper"))

    def _check_finite(self):
        """Data expressions must be finite on the closed domain (log(x) at x = 0 is not)."""
        box = self._domain
        region = isinstance(box, geometry.Pieced)
        if region:  # inside and on every piece: the closed shape, without making its test mesh
            grid = torch.cat([box.probe_grid(33), *(box.sample_side(p, 2000, "grid", 0, torch.float64, "cpu")
                                                    for p in box.sides())])
        else:
            grid = sampling.test_grid(box.lower, box.upper, 257 if box.dim == 1 else 33)
        for path, fn, source in self._data_expressions():
            self._require_finite(path, fn.at(grid), grid, source)
        for (key, i), bc in self._sourced:
            if isinstance(bc, Periodic):
                continue
            points = box.sample_side(bc.side, 2000, "grid", 0, grid.dtype, "cpu") if region else \
                grid[torch.isclose(grid[:, bc.side.dim], torch.tensor(bc.side.value, dtype=grid.dtype))]
            self._require_finite((key, i, "value"), bc.value(points), points, self._condition_source(key, i, bc))

    def _data_expressions(self) -> list:
        """(path, compiled expression, its text) of each data expression given: exact, obstacle, base."""
        return [((key,), fn, getattr(self.definition, key))
                for key, fn in (("exact", self._exact), ("obstacle", self._obstacle), ("base", self._base))
                if fn is not None]

    def _condition_source(self, key: str, i: int, bc) -> str:
        """The text of the data of condition ``bc``, made from entry ``i`` of ``boundary`` or ``initial``."""
        return getattr(self.definition, key)[i].value

    @staticmethod
    def _require_finite(path, values: Tensor, points: Tensor, source):
        bad = ~torch.isfinite(values).reshape(-1)
        if bad.any():
            where = ", ".join(f"{c:g}" for c in points[bad.nonzero()[0, 0]].tolist())
            raise DefinitionError(path, f"{source!r} is not finite at ({where}) in the domain; expected an "
                                        f"expression with finite values on the closed domain")

    # ---------------------------------------------------------------- the Problem contract
    @property
    def domain(self) -> Domain:
        return self._domain

    @property
    def order(self) -> int:
        return max([self.equation.order, *(bc.order for bc in self._conditions)])

    def residual(self, x, u):
        return self.equation.at(x, u)

    def boundary_conditions(self):
        return list(self._conditions)

    @property
    def has_exact(self) -> bool:
        return self._exact is not None

    def exact(self, x):
        return None if self._exact is None else self._exact.at(x)

    def title(self) -> str:
        equation = self.definition.equation
        equation = equation if len(equation) <= 48 else equation[:45] + "..."
        params = ", ".join(f"{k} learnt" if k in self._learnt else f"{k}={v:g}" for k, v in self.params.items())
        return f"{equation} = 0" + (f" ({params})" if params else "")

    # ---------------------------------------------------------------- classical references
    def _probe_states(self, count: int):
        """Random derivative values at probe points, for numerical checks of the equation's form."""
        generator = torch.Generator().manual_seed(PROBE_SEED)
        box = self._domain
        lower, upper = (torch.tensor(b, dtype=torch.float64) for b in (box.lower, box.upper))
        x = lower + (upper - lower) * torch.rand(64, box.dim, generator=generator, dtype=torch.float64)
        keys = self.equation.derivatives | {()} | {(i, i) for i in range(box.dim)}
        states = [{k: 0.5 * torch.randn(64, 1, generator=generator, dtype=torch.float64) for k in keys}
                  for _ in range(count)]
        return x, states

    @cached_property
    def fem_form(self):
        """On a 2D shape, R[u] = −α Δu + c u − f with constants α > 0 and c ≥ 0 (checked on random
        derivative values) and Dirichlet, Neumann or Robin data: the finite-element reference's
        form (:class:`pinn.problems.references.fem.LinearForm`); on a 2D shape × time, R[u] = β u_t
        − α Δu + c u − f with a constant β > 0 and one initial condition; else None."""
        domain = self._domain
        steady = isinstance(domain, geometry.Region) and domain.dim == 2
        if not (steady or isinstance(domain, geometry.RegionTime)) or self._obstacle is not None or \
                any(not isinstance(bc, (Dirichlet, Neumann, Robin)) for bc in self._conditions):
            return None
        x, states = self._probe_states(2)
        with torch.no_grad():
            zero_state = {k: torch.zeros_like(v) for k, v in states[0].items()}
            at = lambda changes: self.equation.at(x, KnownDerivatives({**zero_state, **changes})) - \
                self.equation.at(x, KnownDerivatives(zero_state))
            alpha = -at({(0, 0): torch.ones_like(x[:, :1])})
            reaction = at({(): torch.ones_like(x[:, :1])})
            rate = torch.zeros_like(alpha) if steady else at({(2,): torch.ones_like(x[:, :1])})
            for state in states:
                expected = -alpha * (state[(0, 0)] + state[(1, 1)]) + reaction * state[()] + \
                    (0.0 if steady else rate * state[(2,)])
                got = at(state)
                if not (torch.isfinite(got).all() and (got - expected).abs().max() <= 1e-9 * (1 + got.abs().max())):
                    return None
        constant = lambda v: float(v.max() - v.min()) <= 1e-12 * (1 + float(v.abs().max()))
        if not (constant(alpha) and constant(reaction) and constant(rate) and float(alpha[0]) > 0
                and float(reaction[0]) >= 0 and (steady or float(rate[0]) > 0)):
            return None
        return fem.LinearForm(float(alpha[0]), float(reaction[0]), float(rate[0]))

    @cached_property
    def ode_ready(self) -> bool:
        """1D, n conditions of order < n, and R affine in u^(n) with a nonzero coefficient."""
        n = self.equation.order
        if self._domain.dim != 1 or n == 0 or len(self._conditions) != n or self._obstacle is not None \
                or any(bc.order >= n for bc in self._conditions):
            return False
        x, states = self._probe_states(3)
        top = (0,) * n
        with torch.no_grad():
            for state in states:
                r = [self.equation.at(x, KnownDerivatives({**state, top: torch.full_like(x, t)})) for t in (0.0, 1.0, 2.0)]
                curvature, slope = r[2] - 2 * r[1] + r[0], r[1] - r[0]
                scale = 1 + sum(v.abs() for v in r)
                if not (torch.isfinite(scale).all() and (curvature.abs() <= 1e-9 * scale).all()
                        and (slope.abs() > 1e-12 * scale).all()):
                    return False
        return True

    def highest(self, x: Tensor, lower) -> Tensor:
        """u^(n) = −b/a from R = a·u^(n) + b (valid where :attr:`ode_ready`)."""
        at = lambda t: self.equation.at(x, KnownDerivatives.along_x([*lower, torch.full_like(x, t)]))
        b = at(0.0)
        return -b / (at(1.0) - b)

    def reference_guess(self, x: Tensor) -> Tensor:
        return torch.zeros(self.equation.order, x.shape[0], dtype=torch.float64)


class ExpressionObstacle(ExpressionProblem, ObstacleProblem):
    """An expression problem with ``obstacle``: R[u] ≥ 0, u ≥ ψ, R[u](u − ψ) = 0."""

    def obstacle(self, x):
        return self._obstacle.at(x)

    @cached_property
    def active_set_ready(self) -> bool:
        """R[u] = −Δu − f (checked on random derivative values), with Dirichlet data everywhere."""
        box = self._domain
        if isinstance(box, geometry.Pieced):  # the active-set reference solves on boxes
            return False
        faces = {(bc.side.dim, bc.side.value) for bc in self._conditions if isinstance(bc, Dirichlet)}
        if len(faces) != 2 * box.dim or any(not isinstance(bc, Dirichlet) for bc in self._conditions):
            return False
        x, states = self._probe_states(2)
        with torch.no_grad():
            zero = self.equation.at(x, KnownDerivatives({k: torch.zeros_like(v) for k, v in states[0].items()}))
            for state in states:
                field = KnownDerivatives(state)
                difference = self.equation.at(x, field) - zero + field.laplacian()
                if not (torch.isfinite(difference).all() and
                        (difference.abs() <= 1e-9 * (1 + zero.abs() + field.laplacian().abs())).all()):
                    return False
        return True

    def source(self, x):
        """f = −R[0] (meaningful where :attr:`active_set_ready`)."""
        zeros = {k: torch.zeros(x.shape[0], 1, dtype=x.dtype, device=x.device)
                 for k in self.equation.derivatives | {()}}
        return -self.equation.at(x, KnownDerivatives(zeros))

    def exact_contact(self, x):
        if self._exact is None:
            return None
        psi = self.obstacle(x)
        scale = CONTACT_TOLERANCE * (1 + float(psi.abs().max()))
        return (self._exact.at(x) - psi <= scale).reshape(-1)

    @cached_property
    def free_boundary(self):
        """1D: the ends of the exact contact set (on a grid of spacing |Ω|/10^5); else None."""
        if self._exact is None or self._domain.dim != 1:
            return None
        (lo, hi), = self._domain.bounds
        x = torch.linspace(lo, hi, 100_001, dtype=torch.float64)[:, None]
        contact = self.exact_contact(x).nonzero()
        return None if len(contact) == 0 else (float(x[contact[0, 0], 0]), float(x[contact[-1, 0], 0]))


def domain_of(given) -> Domain:
    """The domain of ``problem.domain``: a mapping by axis name (with ``t``: space × time), or
    the list form (x, then y), or a 2D shape or a 3D body (:class:`pinn.core.geometry.Region`; with
    ``t``, a 2D shape's :class:`pinn.core.geometry.RegionTime`)."""
    if geometry.is_shape(given):
        region = geometry.Region(geometry.make({k: v for k, v in given.items() if k != expr.TIME}))
        return geometry.RegionTime(region, given[expr.TIME]) if expr.TIME in given else region
    if not isinstance(given, dict):
        return Box(tuple((float(lo), float(hi)) for lo, hi in given))
    if list(given) == [expr.TIME]:  # ordinary differential equations in time: an interval named t
        return Box((given[expr.TIME],), (expr.TIME,))
    space = Box(tuple(given[n] for n in given if n != expr.TIME), tuple(n for n in given if n != expr.TIME))
    return SpaceTime(space, given[expr.TIME]) if expr.TIME in given else space


def build(definition, params, learnt=()) -> ExpressionProblem:
    """The problem of a ``type: expression`` section with the given parameter values; ``learnt``
    names the parameters read live from ``problem.params`` (:mod:`pinn.method.coefficients`)."""
    cls = ExpressionObstacle if definition.obstacle is not None else ExpressionProblem
    return cls(definition, tuple(learnt), **params)

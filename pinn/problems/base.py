"""The ``Problem`` contract.

A problem states a PDE  R[u](x) = 0  on a box Ω, with boundary conditions B[u] = g on faces of
the box. The solver never looks inside a problem beyond this contract:

* ``domain`` — a :class:`pinn.core.domains.Domain` (a box, or a box times a time interval);
* ``order`` — the highest derivative in the residual or the boundary conditions (drives the C^k
  check);
* ``residual(x, u)`` — R[u] at interior points, from a :class:`pinn.core.field.Field` ``u``;
* ``boundary_conditions()`` — a list of :class:`pinn.problems.conditions.BoundaryCondition` (initial
  conditions too: conditions on the slice t = t₀ of a space–time domain);
* ``constraints()`` — inequality constraints such as u >= ψ (empty for plain BVPs);
* ``exact(x)`` — the exact solution when one is known (a torch function, so its derivatives are
  available by autograd), else ``None``; then ``reference()`` may supply a classical solution;
* a system of PDEs names its unknowns in ``fields`` (the network's outputs, in order) and its
  residuals in ``equations``: ``residual(x, fields)`` then reads a
  :class:`pinn.core.field.Fields` and returns ``{equation: R}``, each condition names its
  ``field``, ``exact(x)`` is (N, k) in the fields' order, and ``gauges()`` fixes a field that the
  equations and conditions determine only up to a constant.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from functools import cached_property
from typing import ClassVar, Mapping, Sequence

import torch

from pinn.core.domains import Domain
from pinn.core.field import Field, Fields, FieldView, pick
from pinn.core.params import Param
from pinn.problems.conditions import BoundaryCondition, ValueFn
from pinn.problems import exact_dirichlet
from pinn.problems.evolution_transform import initial_data_mismatches, initial_kinks

Tensor = torch.Tensor


@dataclass(frozen=True)
class LowerObstacle:
    """The constraint u >= ψ(x) in the whole domain (an obstacle problem's)."""

    psi: ValueFn

    def gap(self, x: Tensor, u: Tensor) -> Tensor:
        """u − ψ: >= 0 where the constraint holds."""
        return u - self.psi(x)


class Problem(ABC):
    """A PDE problem (see the module docstring for the contract).

    Subclasses set ``name``, ``summary`` and ``parameters_spec`` (validated parameters, available
    as ``self.params``).
    """

    name: ClassVar[str]
    summary: ClassVar[str] = ""
    parameters_spec: ClassVar[Mapping[str, Param]] = {}
    has_constraints: ClassVar[bool] = False  # True where constraints() is not empty
    # Classical references this problem admits (pinn.problems.references.bvp): solve_bvp needs the explicit
    # form u^(n) = F(x, u, ..., u^(n-1)) as ``highest``; the active-set solver needs R = −Δu − f with
    # ``source`` f, ``obstacle`` ψ and Dirichlet data on the whole boundary.
    ode_ready: bool = False
    active_set_ready: bool = False
    notes: Sequence[str] = ()  # what the user should hear before training (shown as warnings)
    guessed: Sequence[str] = ()  # learnt parameters at a guessed value (pinn's truth_from: no true value given)
    # A known B(x, t) with the initial data's kinks, under which the network learns u − B
    # (pinn.problems.evolution_transform: the European put under an American one); for a system,
    # one column per field (pinn.problems.exact_dirichlet: the cavity's corner flows); None: none.
    base_solution: ValueFn | None = None
    fields: tuple[str, ...] = ("u",)  # a system's unknowns, in the network's output order
    equations: tuple[str, ...] = ()  # a system's residuals by name (one field: a single residual)
    positive: tuple[str, ...] = ()  # a system's fields that are never negative: the network writes softplus(N)
    vectors: Mapping[str, tuple] = {}  # a system's fields scored and exported together: {"velocity": ("u", "v")}
    # a system's points where the solution has no value (the cavity's lid corners, where the velocity
    # takes both walls' values): left out of its scores, kept in its figures and exports
    singular_points: Sequence[tuple] = ()

    @property
    def is_system(self) -> bool:
        return self.fields != ("u",)

    def field_of(self, x: Tensor, output: Tensor):
        """The network's output on points x as the residual reads it: a Field, or a system's Fields."""
        return Fields(self.fields, x, output) if self.is_system else Field(x, output)

    def residual_at_zero(self, x: Tensor):
        """R[0] at points x (requires_grad), as ``residual`` returns it: the source's size. The zero
        field is built from x so that autograd can differentiate it."""
        zero = torch.zeros(x.shape[0], len(self.fields), dtype=x.dtype, device=x.device) + x.sum(dim=1, keepdim=True) * 0
        return self.residual(x, self.field_of(x, zero))

    def gauges(self) -> list:
        """A system's gauges (:class:`pinn.problems.system.Gauge`): fields fixed by a mean or a point."""
        return []

    def __init__(self, **params):
        self.params = params

    @property
    @abstractmethod
    def domain(self) -> Domain: ...

    @property
    @abstractmethod
    def order(self) -> int: ...

    @abstractmethod
    def residual(self, x: Tensor, u: FieldView) -> Tensor: ...

    @abstractmethod
    def boundary_conditions(self) -> list[BoundaryCondition]: ...

    @cached_property
    def conditions(self) -> list[BoundaryCondition]:
        """``boundary_conditions()``, built once, so that the same objects are used throughout."""
        return self.boundary_conditions()

    def constraints(self) -> list[LowerObstacle]:
        return []

    def exact(self, x: Tensor) -> Tensor | None:
        return None

    @property
    def has_exact(self) -> bool:
        return type(self).exact is not Problem.exact

    def exact_mismatches(self, per_axis: int = 65) -> list[str]:
        """Where the given exact solution u* fails the problem, in words: the equation (for an
        obstacle problem, min(r, u* − ψ) = 0) on an interior probe grid, and each boundary
        condition on its side. A value counts when it exceeds 1e-6 of the problem's scale
        1 + max |u*| + max |R[0]|: a correct u* leaves rounding error (about 1e-12 of it), a typo
        in u* or data that contradict it leave O(1)."""
        if not self.has_exact:
            return []
        box = self.domain
        x = box.probe_grid(per_axis).requires_grad_(True)
        with torch.enable_grad():
            u = self.field_of(x, self.exact(x))
            r = self.residual(x, u)
            for obstacle in self.constraints():
                r = torch.minimum(r, obstacle.gap(x, u.value))
            zero = self.residual_at_zero(x)
        equations = r if isinstance(r, dict) else {"the equation": r}
        zero = zero if isinstance(zero, dict) else {"the equation": zero}
        scale = 1 + float(u.value.detach().abs().max()) + max(float(z.detach().abs().max()) for z in zero.values())
        found = []
        worst = lambda values, points: (float(values.abs().max()), points[int(values.abs().argmax())])
        for name, residual in equations.items():
            value, point = worst(residual.detach().reshape(-1), x.detach())
            if not value <= 1e-6 * scale and not self.guessed:  # the equation at a guessed value proves nothing
                which = name if name == "the equation" else f"the equation {name}"
                found.append(f"problem.exact does not satisfy {which}: its residual reaches {value:.3g} at "
                             f"{box.describe(point)} (largest of {x.shape[0]} probe points; the problem's scale is "
                             f"{scale:.3g})")
        for bc in self.conditions:
            if getattr(bc, "exact_by_network", False):
                continue
            points = box.sample_side(bc.side, per_axis, "grid", 0, torch.float64, "cpu").requires_grad_(True)
            with torch.enable_grad():
                exact = self.field_of(points, self.exact(points))
                mismatch = bc.residual(points, pick(exact, bc.field)).detach().reshape(-1)
            value, point = worst(mismatch, points.detach())
            if not value <= 1e-6 * scale:
                found.append(f"problem.exact and {describe_condition(bc, box)} disagree by {value:.3g} at "
                             f"{box.describe(point)}: the data or the exact solution is wrong")
        return found

    def data_mismatches(self) -> list[str]:
        """What the given data contradict, in words: the exact solution (:meth:`exact_mismatches`),
        initial data against the ends at t₀ and across periodic sides, Dirichlet data of two
        pieces of a shape where they meet."""
        return [*self.exact_mismatches(), *initial_data_mismatches(self),
                *exact_dirichlet.meeting_jumps(self.domain, self.conditions),
                *exact_dirichlet.region_initial_mismatches(self)]

    def initial_kinks(self) -> list[str]:
        """A kink in the initial value (less the base solution) under a second-order equation, in
        words (:func:`pinn.problems.evolution_transform.initial_kinks`): refused unless forced."""
        return initial_kinks(self)

    def periodic_axes(self) -> dict[int, tuple[float, float]]:
        """Axis -> (lower, upper) for each periodic pair of sides (exact by the network's input map)."""
        return {bc.side.dim: (bc.side.value, bc.upper.value) for bc in self.conditions
                if getattr(bc, "exact_by_network", False)}

    def title(self) -> str:
        learnt = getattr(self.params, "learnt", ())  # pinn.method.coefficients.LiveParams
        params = ", ".join(f"{k} learnt" if k in learnt else f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}"
                           for k, v in self.params.items())
        return f"{self.name}({params})" if params else self.name

    def hard_dirichlet(self, exact: bool = True) -> tuple[object, list[BoundaryCondition]] | None:
        """An output transform that satisfies Dirichlet data exactly, with the conditions it
        covers; None when there is none (:mod:`pinn.problems.exact_dirichlet`: 1D, 2D boxes with
        data on every side, space–time problems with u₀ given; a system's fields one by one).
        With ``exact`` False: a system's base solution alone, covering nothing (or None)."""
        return exact_dirichlet.transform(self, exact)

    def base_trace(self, side, x: Tensor) -> Tensor:
        """A system's base solution on ``side`` at its points x: the limit from that side where the
        base is discontinuous at a corner (there the value at the corner itself is ambiguous)."""
        return self.base_solution(x)


def order_of(residual_order: int, conditions: Sequence[BoundaryCondition]) -> int:
    """The order the C^k check needs: the highest derivative in the residual or any condition."""
    return max([residual_order, *(bc.order for bc in conditions)])


def describe_condition(bc, domain) -> str:
    """A condition as a user wrote it: "the initial condition u_t at t = 0" for an ``initial:``
    entry, "the boundary condition dirichlet at x = 1" for a side's."""
    if domain.initial() is not None and bc.side == domain.initial():
        return f"the initial condition {'u' + '_t' * bc.order} at {bc.side}"
    return f"the boundary condition {bc}"

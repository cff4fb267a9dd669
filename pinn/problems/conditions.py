"""Boundary, initial and periodic conditions: B[u] = g on one side of a domain.

``residual(x, u)`` returns B[u] − g at points of the side. On a space–time domain an initial
condition is one of these on the slice t = t₀: :class:`Dirichlet` gives u(x, t₀) = u₀(x),
:class:`Derivative` of order 1 along t gives u_t(x, t₀) = v₀(x).
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Callable

import torch

from pinn.core.domains import Side
from pinn.core.field import FieldView

Tensor = torch.Tensor
ValueFn = Callable[[Tensor], Tensor]


def constant(value: float) -> ValueFn:
    """Boundary data that is the same number everywhere, as a function of x."""
    return lambda x: torch.full((x.shape[0], 1), float(value), dtype=x.dtype, device=x.device)


class BoundaryCondition(ABC):
    """A condition B[u] = g on one face; ``residual`` returns B[u] - g at points of that face.

    ``field``: in a system, the name of the field the condition is on (the loss hands ``residual``
    that field alone); None for a one-field problem."""

    order: int = 0
    field: str | None = None

    def __init__(self, side: Side, value: ValueFn):
        self.side, self.value = side, value

    def on(self, field: str) -> "BoundaryCondition":
        """The condition, on the system's field ``field``."""
        self.field = field
        return self

    @abstractmethod
    def residual(self, x: Tensor, u: FieldView) -> Tensor: ...

    def __str__(self) -> str:
        on = f" on {self.field}" if self.field else ""
        return f"{type(self).__name__.lower()}{on} at {self.side}"


class Dirichlet(BoundaryCondition):
    """u = g."""

    def residual(self, x, u):
        return u.value - self.value(x)


class Neumann(BoundaryCondition):
    """∂u = g: on a box's side du/dx_dim (the axis's derivative, not the outward normal); on a
    shape's piece n·∇u with the outward normal (``side.derivative``)."""

    order = 1

    def residual(self, x, u):
        return self.side.derivative(x, u) - self.value(x)


class Robin(BoundaryCondition):
    """a u + b ∂u = g, ∂u as in :class:`Neumann`."""

    order = 1

    def __init__(self, side: Side, value: ValueFn, a: float, b: float):
        super().__init__(side, value)
        self.a, self.b = float(a), float(b)

    def residual(self, x, u):
        return self.a * u.value + self.b * self.side.derivative(x, u) - self.value(x)


class Derivative(BoundaryCondition):
    """d^order u / dx_dim^order = g (beams: u'' and u''' at free or supported ends)."""

    def __init__(self, side: Side, value: ValueFn, order: int):
        super().__init__(side, value)
        self.order = int(order)

    def residual(self, x, u):
        return u.d(*([self.side.dim] * self.order)) - self.value(x)


class Periodic(BoundaryCondition):
    """u on the lower side equals u on the upper side, with every derivative, along one spatial
    axis. Exact through the network's input map (Fourier features in that coordinate), so it is
    never a loss term."""

    exact_by_network = True

    def __init__(self, lower: Side, upper: Side):
        super().__init__(lower, None)
        self.upper = upper

    @property
    def period(self) -> float:
        return self.upper.value - self.side.value

    def residual(self, x, u):
        raise NotImplementedError("a periodic pair is exact by the network's input map, never a loss term")

    def __str__(self) -> str:
        return f"periodic in {self.side.name or 'x'} ({self.side} and {self.upper})"

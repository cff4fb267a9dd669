"""Domains: where a problem lives, as named axes with roles, and how points are drawn from it.

The :class:`Domain` contract is all the solver knows about geometry:

* ``axes`` — each with a name (``x``, ``y``, ``t``), bounds and a role: space or time;
* ``sides()`` — the boundary pieces conditions may be given on, as :class:`Side` objects;
* ``initial()`` — the slice t = t₀ of a space–time domain (None for a steady domain);
* ``sample_interior`` / ``sample_side`` — collocation points;
* ``test_grid()`` — where errors are measured, with its shape per axis.

:class:`Box` (a steady box) and :class:`SpaceTime` (a spatial box times [t₀, t₁]) implement it. A
space–time domain's boundary pieces are the spatial sides over all times; the slice t = t₁ is not
a boundary (nothing is prescribed there), and the initial slice is given by ``initial()``. A 2D
shape — a disk, a polygon, a shape with holes — is :class:`pinn.core.geometry.Region`, whose
boundary pieces are named.
"""
from __future__ import annotations

import math
from abc import ABC, abstractmethod
from dataclasses import dataclass, field

import torch

from pinn.core import sampling
from pinn.core.expr import TIME as TIME_NAME

SPACE_NAMES = "xyz"


@dataclass(frozen=True)
class Axis:
    name: str
    lower: float
    upper: float
    time: bool = False

    @property
    def length(self) -> float:
        return self.upper - self.lower


@dataclass(frozen=True)
class Side:
    """The face {x_dim = value} of a box-shaped domain; ``name`` is the axis name (for messages)."""

    dim: int
    value: float
    name: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.name or SPACE_NAMES[self.dim]} = {self.value:g}"

    def derivative(self, x, u):
        """What a first-order condition on this side reads: du/dx_dim (the axis's derivative)."""
        return u.d(self.dim)


class Domain(ABC):
    """The contract (module docstring). Coordinates are columns of a point batch, in axis order."""

    @property
    @abstractmethod
    def axes(self) -> tuple[Axis, ...]: ...

    @abstractmethod
    def sides(self) -> list[Side]:
        """The boundary pieces conditions may be given on."""

    def initial(self) -> Side | None:
        """The slice t = t₀, where initial conditions are given (None without time)."""
        return None

    # ------------------------------------------------------------------ derived from the axes
    @property
    def dim(self) -> int:
        return len(self.axes)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.axes)

    @property
    def bounds(self) -> tuple[tuple[float, float], ...]:
        return tuple((a.lower, a.upper) for a in self.axes)

    @property
    def lower(self) -> list[float]:
        return [a.lower for a in self.axes]

    @property
    def upper(self) -> list[float]:
        return [a.upper for a in self.axes]

    @property
    def time_dim(self) -> int | None:
        """The column of time, or None for a steady domain."""
        return next((i for i, a in enumerate(self.axes) if a.time), None)

    @property
    def space_dims(self) -> list[int]:
        return [i for i, a in enumerate(self.axes) if not a.time]

    def side(self, dim: int, end: str) -> Side:
        axis = self.axes[dim]
        return Side(dim, axis.lower if end == "lower" else axis.upper, axis.name)

    def sample_interior(self, n: int, method: str, seed: int, dtype, device) -> torch.Tensor:
        return sampling.in_box(self.lower, self.upper, n, method, seed, dtype, device)

    def sample_side(self, side: Side, n: int, method: str, seed: int, dtype, device) -> torch.Tensor:
        return sampling.on_side(self.lower, self.upper, side.dim, side.value, n, method, seed, dtype, device)

    def test_shape(self) -> tuple[int, ...]:
        """Nodes per axis of the test grid: 1001 in 1D, 201 per axis in 2D (odd, so that the centre
        is a node, and so is every node of a finite-difference grid of 2^k + 1)."""
        per_axis = 1001 if self.dim == 1 else 201 if self.dim == 2 else math.ceil(40000 ** (1 / self.dim))
        return (per_axis,) * self.dim

    def test_grid(self, dtype=torch.float64) -> torch.Tensor:
        """The closed tensor grid of :meth:`test_shape`, in "ij" order (the last axis fastest)."""
        return sampling.test_grid(self.lower, self.upper, self.test_shape(), dtype)

    # the test set's quadrature weights and triangles (a body's tetrahedra) where it is a mesh (a
    # shape's); None on a grid, where every point weighs alike
    test_weights = None
    test_triangles = None
    test_tetrahedra = None
    test_interior = None  # a mesh's nodes off the boundary, where the residual is scored; None: every point

    def probe_grid(self, per_axis: int) -> torch.Tensor:
        """Interior points for checks: the tensor grid of ``per_axis`` nodes per axis less its ends."""
        axes = [torch.linspace(lo, hi, per_axis, dtype=torch.float64)[1:-1] for lo, hi in self.bounds]
        return torch.stack([m.reshape(-1) for m in torch.meshgrid(*axes, indexing="ij")], dim=1)

    def describe(self, point) -> str:
        """A point in words for messages: ``x = 0.5`` or ``(x, t) = (0.5, 1)``."""
        return sampling.describe(point, self.names)


@dataclass(frozen=True)
class Box(Domain):
    """The box [lower_0, upper_0] × … × [lower_{d−1}, upper_{d−1}], axes named x, y, z unless
    ``names`` says otherwise."""

    intervals: tuple[tuple[float, float], ...]
    axis_names: tuple[str, ...] = ()

    @property
    def axes(self) -> tuple[Axis, ...]:
        names = self.axis_names or tuple(SPACE_NAMES[:len(self.intervals)])
        return tuple(Axis(n, float(lo), float(hi)) for n, (lo, hi) in zip(names, self.intervals))

    def sides(self) -> list[Side]:
        return [self.side(dim, end) for dim in range(self.dim) for end in ("lower", "upper")]


@dataclass(frozen=True)
class SpaceTime(Domain):
    """A spatial :class:`Box` times the interval [t₀, t₁]; time is the last column."""

    space: Box
    interval: tuple[float, float]

    @property
    def axes(self) -> tuple[Axis, ...]:
        t0, t1 = self.interval
        return (*self.space.axes, Axis(TIME_NAME, float(t0), float(t1), time=True))

    def sides(self) -> list[Side]:
        return [self.side(dim, end) for dim in self.space_dims for end in ("lower", "upper")]

    def initial(self) -> Side:
        return self.side(self.dim - 1, "lower")

    def test_shape(self) -> tuple[int, ...]:
        """201 nodes per spatial axis in 1D space (101 in 2D), and 101 times."""
        per_axis = 201 if self.space.dim == 1 else 101
        return (*(per_axis,) * self.space.dim, 101)


def interval(lo: float, hi: float) -> Box:
    return Box(((float(lo), float(hi)),))

"""Derivative operators by reverse-mode autograd, and a per-batch cache of partial derivatives.

For a network u: R^d -> R evaluated on a batch x of shape (N, d), the points are independent, so
the gradient of sum_n u(x_n) with respect to x holds every point's gradient:

    grad(u, x)[n, i] = du/dx_i (x_n).

Higher derivatives repeat this on a component of the previous one, with ``create_graph=True`` so
that the result stays differentiable in the network's parameters (a PINN's loss is built from it).
"""
from __future__ import annotations

from collections.abc import Mapping

import torch

Tensor = torch.Tensor


def grad(u: Tensor, x: Tensor, create_graph: bool = True) -> Tensor:
    """Pointwise gradient of ``u`` (shape (N,) or (N, 1)) with respect to ``x`` (shape (N, d))."""
    if not u.requires_grad:  # u is constant in x (e.g. the derivative of a linear function)
        return torch.zeros_like(x)
    (g,) = torch.autograd.grad(u, x, grad_outputs=torch.ones_like(u), create_graph=create_graph,
                               allow_unused=True)
    # A term that does not depend on x (e.g. a constant after enough differentiation of a
    # polynomial) has derivative zero, not "unused"; torch.where's backward may also return a
    # lazy zero tensor that numpy cannot read.
    return torch.zeros_like(x) if g is None or g._is_zerotensor() else g


def derivative(u: Tensor, x: Tensor, dim: int = 0, order: int = 1, create_graph: bool = True) -> Tensor:
    """d^order u / dx_dim^order at every point, shape (N, 1)."""
    if order < 0:
        raise ValueError(f"order must be >= 0, got {order}")
    d = u.reshape(-1, 1)
    for _ in range(order):
        d = grad(d, x, create_graph)[:, dim:dim + 1]
    return d


def laplacian(u: Tensor, x: Tensor, create_graph: bool = True) -> Tensor:
    """sum_i d^2 u / dx_i^2 at every point, shape (N, 1); x may have any number of columns."""
    first = grad(u.reshape(-1, 1), x, create_graph)
    return sum(grad(first[:, i:i + 1], x, create_graph)[:, i:i + 1] for i in range(x.shape[1]))


class Field:
    """A scalar field u on a batch of points, with its partial derivatives computed on demand, once.

    ``field.d(0, 0)`` is u_xx, ``field.d(0, 1)`` is u_xy, ``field.d()`` is u itself. A partial
    derivative is keyed by its sorted multi-index; one backward pass from d(k) yields d(k + (i,))
    for every coordinate i, so all of them are stored together. A residual and a boundary term that
    ask for the same derivative share it: evaluate interior and boundary points as one batch and
    take :meth:`restrict`-ed views.

    ``known`` holds derivatives computed another way (Taylor mode, :mod:`pinn.core.taylor`), keyed like
    the cache; a derivative not in it is still found by autograd from its parent. ``requested``
    collects every key asked for, so a caller can learn which derivatives a residual needs.
    """

    def __init__(self, x: Tensor, u: Tensor, create_graph: bool = True, known: dict | None = None):
        if not x.requires_grad:
            raise ValueError("Field needs x with requires_grad=True, set before u was computed")
        self.x, self.create_graph = x, create_graph
        self._cache: dict[tuple[int, ...], Tensor] = {(): u.reshape(-1, 1)}
        self._cache.update(known or {})
        self.requested: set[tuple[int, ...]] = set()

    @property
    def dim(self) -> int:
        return self.x.shape[1]

    def d(self, *dims: int) -> Tensor:
        """The partial derivative d^len(dims) u / dx_dims[0] ... dx_dims[-1], shape (N, 1)."""
        key = tuple(sorted(dims))
        self.requested.add(key)
        if key not in self._cache:
            if any(not 0 <= i < self.dim for i in key):
                raise IndexError(f"derivative {dims} asked of a field in {self.dim} dimension(s)")
            parent = key[:-1]
            g = grad(self.d(*parent), self.x, self.create_graph)
            for i in range(self.dim):
                self._cache.setdefault(tuple(sorted(parent + (i,))), g[:, i:i + 1])
        return self._cache[key]

    @property
    def value(self) -> Tensor:
        return self._cache[()]

    def laplacian(self) -> Tensor:
        return sum(self.d(i, i) for i in range(self.dim))

    def restrict(self, index) -> "FieldView":
        return FieldView(self, index)


class FieldView:
    """The rows ``index`` of a :class:`Field`: same interface, derivatives shared with the parent."""

    def __init__(self, parent: Field, index):
        self.parent, self.index = parent, index

    @property
    def x(self) -> Tensor:
        return self.parent.x[self.index]

    @property
    def dim(self) -> int:
        return self.parent.dim

    @property
    def value(self) -> Tensor:
        return self.parent.value[self.index]

    def d(self, *dims: int) -> Tensor:
        return self.parent.d(*dims)[self.index]

    def laplacian(self) -> Tensor:
        return self.parent.laplacian()[self.index]


class ConstantField:
    """Derivatives of a fixed function of x (no trainable parameters), computed once per batch.

    Used for the lift g and distance factor d of an exact-boundary transform: they do not change
    during training, so differentiating them again at every step is wasted work.
    """

    def __init__(self, x: Tensor, fn):
        self._x = x.detach().requires_grad_(True)
        with torch.enable_grad():
            self._field = Field(self._x, fn(self._x))
        self._cache: dict[tuple[int, ...], Tensor] = {}

    def d(self, *dims: int) -> Tensor:
        key = tuple(sorted(dims))
        if key not in self._cache:
            with torch.enable_grad():
                self._cache[key] = self._field.d(*key).detach()
        return self._cache[key]


class TransformedField:
    """u = g + d·n with g, d fixed (:class:`ConstantField`) and n the network's body output (a
    :class:`Field`): derivatives by the Leibniz rule,

        ∂^α u = ∂^α g + Σ_{β ⊆ α} ∂^β d · ∂^{α∖β} n,

    (β running over the sub-multisets of the multi-index α, counted with multiplicity), so autograd
    differentiates only the network. Same interface as :class:`Field`.
    """

    def __init__(self, network: Field, lift: ConstantField, distance: ConstantField):
        self.network, self.lift, self.distance = network, lift, distance
        self.x = network.x
        self._cache: dict[tuple[int, ...], Tensor] = {}

    @property
    def dim(self) -> int:
        return self.network.dim

    def d(self, *dims: int) -> Tensor:
        key = tuple(sorted(dims))
        if key not in self._cache:
            total = self.lift.d(*key)
            for mask in range(1 << len(key)):
                on_distance = tuple(k for i, k in enumerate(key) if mask >> i & 1)
                on_network = tuple(k for i, k in enumerate(key) if not mask >> i & 1)
                total = total + self.distance.d(*on_distance) * self.network.d(*on_network)
            self._cache[key] = total
        return self._cache[key]

    @property
    def value(self) -> Tensor:
        return self.d()

    def laplacian(self) -> Tensor:
        return sum(self.d(i, i) for i in range(self.dim))

    def restrict(self, index) -> "FieldView":
        return FieldView(self, index)


class Fields(Mapping):
    """A system's named fields on one batch: the columns of an (N, k) output, each a :class:`Field`
    with its own derivative cache (its derivatives are those of that column alone). Equations read
    ``fields["v"].d(0)``; :meth:`restrict` gives the rows of every field, as :class:`Field` does.

    ``known``: derivatives of the whole output computed another way (Taylor mode), keyed like a
    Field's cache, each (N, k); column j goes to the j-th field."""

    def __init__(self, names, x: Tensor, output: Tensor, create_graph: bool = True, known: dict | None = None):
        self.x, self.names = x, tuple(names)
        self._fields = {name: Field(x, output[:, j:j + 1], create_graph,
                                    {key: value[:, j:j + 1] for key, value in (known or {}).items()})
                        for j, name in enumerate(self.names)}

    @classmethod
    def of(cls, x: Tensor, fields: dict) -> "Fields":
        """Fields from a Field-like object per name (a field under an exact-boundary transform
        is a :class:`TransformedField`)."""
        made = cls.__new__(cls)
        made.x, made.names, made._fields = x, tuple(fields), dict(fields)
        return made

    def __getitem__(self, name: str):
        return self._fields[name]

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    @property
    def requested(self) -> set:
        """Every derivative any field was asked for (Taylor mode carries them for all outputs)."""
        return set().union(*(f.requested for f in self._fields.values()))

    @property
    def value(self) -> Tensor:
        """The fields as columns, (N, k)."""
        return torch.cat([f.value for f in self._fields.values()], dim=1)

    def restrict(self, index) -> dict:
        """The rows ``index`` of every field: name -> :class:`FieldView`."""
        return {name: f.restrict(index) for name, f in self._fields.items()}


def pick(u, name: str | None):
    """The field a condition reads: ``u`` itself for one field (``name`` None), else ``u[name]``."""
    return u if name is None else u[name]

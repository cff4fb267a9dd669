"""Taylor-mode (forward) derivatives of an MLP body: all the partial derivatives a residual needs
in one forward pass, instead of one reverse pass per derivative order and coordinate.

For a layer y = W h + b followed by an elementwise activation z = σ(y), every partial derivative
of y is linear in those of h (∂^α y = W ∂^α h for α ≠ ∅), and those of z follow from Faà di
Bruno's formula over the set partitions π of the positions of the multi-index α:

    ∂^α σ(y) = Σ_π σ^(|π|)(y) Π_{B ∈ π} ∂^{α_B} y.

For α = (x, x): z'' = σ''(y) y'² + σ'(y) y''; for α = (x, y): z_xy = σ''(y) y_x y_y + σ'(y) y_xy.
Partitions that give the same product (in 1D, the six partitions of four positions into blocks
of sizes 2, 1, 1) are merged into one term with a coefficient.

Nested reverse mode pays one backward pass per derivative order and per coordinate, each through
the whole graph built so far; this pass carries one stream per needed multi-index through each
layer once, which matters most for the Laplacian in 2D (see benchmarks/derivatives.py).

The activation supplies σ, σ', …, σ^(k) from one call (:meth:`pinn.core.activations.Activation.jet`),
so the shared subexpressions (tanh: σ' = 1 − σ²) are computed once.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Iterable

import torch
from torch import nn

Tensor = torch.Tensor
Key = tuple[int, ...]  # a sorted multi-index: (0, 0) is ∂²/∂x_0², () the value


def closure(keys: Iterable[Key]) -> list[Key]:
    """``keys`` with every sub-multi-index each needs, sorted by order (a stream needs its parts)."""
    out: set[Key] = {()}
    for key in keys:
        key = tuple(sorted(key))
        for mask in range(1 << len(key)):
            out.add(tuple(k for i, k in enumerate(key) if mask >> i & 1))
    return sorted(out, key=lambda k: (len(k), k))


def _set_partitions(items: tuple[int, ...]):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for partition in _set_partitions(rest):
        yield [(first,), *partition]
        for i, block in enumerate(partition):
            yield [*partition[:i], (first, *block), *partition[i + 1:]]


def faa_di_bruno(key: Key) -> tuple[tuple[int, int, tuple[Key, ...]], ...]:
    """The terms (coefficient, j, factors) of ∂^key σ(y) = Σ coefficient σ^(j)(y) Π ∂^factor y."""
    terms: Counter = Counter()
    for partition in _set_partitions(tuple(range(len(key)))):
        factors = tuple(sorted(tuple(sorted(key[i] for i in block)) for block in partition))
        terms[(len(partition), factors)] += 1
    return tuple((count, j, factors) for (j, factors), count in sorted(terms.items()))


def supports(body: nn.Sequential) -> bool:
    """True when ``body`` is Linear, (activation with a jet, Linear)*: the form :func:`jet` handles."""
    layers = list(body)
    if not layers or len(layers) % 2 == 0:
        return False
    linears, activations = layers[0::2], layers[1::2]
    return (all(isinstance(m, nn.Linear) for m in linears)
            and all(getattr(m, "has_jet", False) for m in activations))


@dataclass(frozen=True)
class Streams:
    """What :func:`jet` propagates: the streams in order, and each one's Faà di Bruno terms.
    Built once per set of keys, outside the training step (and outside ``torch.compile``)."""

    keys: tuple[Key, ...]
    terms: dict
    top: int  # the highest order, i.e. how many derivatives of σ are needed

    @classmethod
    def of(cls, keys: Iterable[Key]) -> "Streams":
        order = tuple(closure(keys))
        return cls(order, {k: faa_di_bruno(k) for k in order}, max(len(k) for k in order))


def jet(body: nn.Sequential, inputs: dict[Key, Tensor | None], plan: Streams) -> dict[Key, Tensor]:
    """Partial derivatives ∂^key N(x) for every key of ``plan``, shape (n, out) each.

    ``inputs`` holds the streams of the body's input h(x) (the network's input map: h itself
    under (), ∂^key h under each key of the plan; ``None`` marks a stream known to be zero, so its
    terms are skipped rather than multiplied).
    """
    order = plan.keys
    layers = list(body)
    streams: dict[Key, Tensor | None] = {k: inputs.get(k) for k in order}
    for index in range(0, len(layers), 2):
        linear = layers[index]
        pre = {k: (linear(v) if k == () else None if v is None else v @ linear.weight.T)
               for k, v in streams.items()}
        if index + 1 == len(layers):
            return {k: (torch.zeros_like(pre[()]) if v is None else v.expand_as(pre[()]))
                    for k, v in pre.items()}
        sigma = layers[index + 1].jet(pre[()], plan.top)
        streams = {k: _compose(plan.terms[k], sigma, pre) for k in order}
    raise AssertionError("unreachable: a supported body ends with a Linear layer")


def compose(sigma: list[Tensor], pre: dict[Key, Tensor], plan: Streams) -> dict[Key, Tensor]:
    """The streams of σ(y) from those of y (``pre``) and σ's derivatives ``sigma`` at y: Faà di
    Bruno, as between two layers (an output map such as softplus after the last layer)."""
    return {k: _compose(plan.terms[k], sigma, pre) for k in plan.keys}


def _compose(terms, sigma: list[Tensor], pre: dict[Key, Tensor | None]) -> Tensor | None:
    total = None
    for count, j, factors in terms:
        if any(pre[f] is None for f in factors):
            continue
        term = sigma[j]
        for f in factors:
            term = term * pre[f]
        if count != 1:
            term = count * term
        total = term if total is None else total + term
    return total

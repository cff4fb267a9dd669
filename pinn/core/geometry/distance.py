"""Exact Dirichlet data on a shape: distance functions joined by R-functions, and transfinite
interpolation of data that differ between pieces (Sukumar & Srivastava 2022).

A piece made of curves with ADFs φ_1, …, φ_k (each ≥ 0 in the shape and normalised to first
order, :mod:`pinn.core.geometry.curves`) has the R-equivalence

    φ = (φ_1⁻¹ + … + φ_k⁻¹)⁻¹ = Π φ_j / Σ_i Π_{j≠i} φ_j,

which vanishes exactly on the piece and is again normalised to first order (near curve i,
φ = φ_i + O(φ_i²)). With Dirichlet pieces P_1, …, P_m carrying data g_1, …, g_m, the network's
output is

    u = g + φ N,   φ the R-equivalence of all the pieces' ADFs,
    g = Σ_i w_i g_i,   w_i = φ_i⁻¹ / Σ_j φ_j⁻¹ = Π_{j≠i} φ_j / Σ_k Π_{j≠k} φ_j,

so that on P_i (φ_i = 0) w_i = 1, every other weight is 0, and u = g_i whatever N is. The product
forms are the ones evaluated: they are finite on the pieces, where the reciprocals are not. Where
two pieces meet (or two curves of one piece, at a polygon's corner) both forms are 0/0: there φ
is 0 and g the mean of the data that meet.
"""
from __future__ import annotations

import torch

Tensor = torch.Tensor


def _all_but_one(values: list[Tensor]) -> list[Tensor]:
    """Π_{j≠i} v_j for each i (by prefix and suffix products: no division, finite where a v_j is 0)."""
    count = len(values)
    prefix, suffix = [torch.ones_like(values[0])], [torch.ones_like(values[0])]
    for v in values[:-1]:
        prefix.append(prefix[-1] * v)
    for v in values[:0:-1]:
        suffix.append(suffix[-1] * v)
    return [prefix[i] * suffix[count - 1 - i] for i in range(count)]


def _safe_ratio(numerator: Tensor, denominator: Tensor, fallback: Tensor) -> Tensor:
    """numerator / denominator, and ``fallback`` where the denominator is 0 (with finite gradients:
    the quotient is never formed there)."""
    zero = denominator == 0
    return torch.where(zero, fallback, numerator / torch.where(zero, torch.ones_like(denominator), denominator))


def equivalence(values: list[Tensor]) -> Tensor:
    """The R-equivalence (φ_1⁻¹ + … + φ_k⁻¹)⁻¹ of ADFs, as Π φ_j / Σ_i Π_{j≠i} φ_j; 0 where two
    of them vanish (a polygon's corner)."""
    if len(values) == 1:
        return values[0]
    others = _all_but_one(values)
    return _safe_ratio(others[0] * values[0], sum(others), torch.zeros_like(values[0]))


def piece_distance(curves, x: Tensor) -> Tensor:
    """The ADF of a piece (its curves joined by :func:`equivalence`) at points x, (N, 1)."""
    return equivalence([c.distance(x) for c in curves])


def transfinite(distances: list[Tensor], data: list[Tensor]) -> Tensor:
    """g = Σ w_i g_i with w_i = Π_{j≠i} φ_j / Σ_k Π_{j≠k} φ_j (module docstring)."""
    if len(distances) == 1:
        return data[0]
    others = _all_but_one(distances)
    on = [(d == 0).to(d.dtype) for d in distances]  # where pieces meet, their data's mean
    meeting = sum(z * g for z, g in zip(on, data)) / torch.clamp(sum(on), min=1)
    return _safe_ratio(sum(w * g for w, g in zip(others, data)), sum(others), meeting)

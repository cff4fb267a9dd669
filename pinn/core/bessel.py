"""Bessel functions of the first kind J₀ and J₁ for the expression language (``besselj0``,
``besselj1``), written with torch operations so that autograd differentiates them to any order
(torch.special has their values, to only about 4e-7 near x = 5 in float64, and no derivatives):

* |x| < 12: the power series  J₀ = Σ (−1)^k (x²/4)^k / (k!)²,  J₁ = (x/2) Σ (−1)^k (x²/4)^k / (k! (k+1)!),
  summed by Horner's rule in x²/4 (its largest term at |x| = 12 is about 4·10³: at most about 1e-12
  lost to cancellation);
* |x| ≥ 12: Hankel's expansion  J_ν = √(2/(π x)) (P cos χ − Q sin χ),  χ = x − (ν/2 + 1/4) π,
  P = Σ (−1)^k a_{2k}/x^{2k},  Q = Σ (−1)^k a_{2k+1}/x^{2k+1},
  a_k = Π_{j=1..k} (4ν² − (2j − 1)²) / (k! 8^k), to :data:`HANKEL_TERMS` terms.

Measured against scipy.special on [−30, 30]: at most 1.6e-12 (J₀) and 2.0e-12 (J₁), at the
switch (tests/test_user_problems.py).
"""
from __future__ import annotations

import math

import torch

Tensor = torch.Tensor
SWITCH = 12.0
SERIES_TERMS = 60  # at |x| = 12 the 60th term is below 1e-70
HANKEL_TERMS = 16


def _series(quarter: Tensor, first: int) -> Tensor:
    """Σ_k (−1)^k q^k / (k! (k + first)!) by Horner's rule in q = x²/4."""
    total = torch.ones_like(quarter)
    for k in range(SERIES_TERMS, 0, -1):
        total = 1 - quarter * total / (k * (k + first))
    return total / math.factorial(first)


def _hankel(x: Tensor, order: int) -> Tensor:
    mu = 4 * order * order
    coefficients, a = [], 1.0
    for k in range(2 * HANKEL_TERMS):
        coefficients.append(a)
        a *= (mu - (2 * k + 1) ** 2) / ((k + 1) * 8)
    inverse = 1 / x
    p = sum((-1) ** k * coefficients[2 * k] * inverse ** (2 * k) for k in range(HANKEL_TERMS))
    q = sum((-1) ** k * coefficients[2 * k + 1] * inverse ** (2 * k + 1) for k in range(HANKEL_TERMS))
    chi = x - (order / 2 + 0.25) * math.pi
    return torch.sqrt(2 / (math.pi * x)) * (p * torch.cos(chi) - q * torch.sin(chi))


def _bessel(x: Tensor, order: int) -> Tensor:
    size = x.abs()
    near = torch.clamp(x, -SWITCH, SWITCH)  # each branch sees only its own range: no overflow, no NaN
    series = _series(near * near / 4, order) * (near / 2) ** order
    far = _hankel(torch.clamp(size, min=SWITCH), order) * (torch.sign(x) if order % 2 else 1)
    return torch.where(size < SWITCH, series, far)


def besselj0(x: Tensor) -> Tensor:
    return _bessel(x, 0)


def besselj1(x: Tensor) -> Tensor:
    return _bessel(x, 1)

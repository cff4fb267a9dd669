"""Classical references for evolution problems on a periodic interval: a Fourier pseudo-spectral
solver with ETDRK4 time stepping, and Burgers' equation by the Cole–Hopf formula.

**ETDRK4** (Cox & Matthews 2002, in the stable form of Kassam & Trefethen 2005) solves

    u_t = L u + N(u),   x ∈ [a, a + P) periodic,

with L diagonal in Fourier space (diffusion: −D k²) integrated exactly and N(u) by a fourth-order
exponential Runge–Kutta step. The φ-function coefficients are evaluated by the contour-integral
mean over M = 32 points of a circle around each h·L (no cancellation for small h·L). A solution is
read off at any x by trigonometric interpolation, which is exact for the discrete solution.

**Cole–Hopf** (Burgers u_t + u u_x = ν u_xx, u(x, 0) = −sin πx; Basdevant et al. 1986):

    u(x, t) = −∫ sin π(x − η) f(x − η) e^{−η²/(4νt)} dη / ∫ f(x − η) e^{−η²/(4νt)} dη,
    f(y) = exp(−cos(πy) / (2πν)),

with η = √(4νt) z both integrals are Gauss–Hermite sums over z. f spans e^{±1/(2πν)} (e^{±50}
at ν = 0.01/π), so the sums are taken with the largest exponent factored out.
"""
from __future__ import annotations

import math

import numpy as np

CONTOUR_POINTS = 32


def etdrk4(u0, nonlinear, diffusion: float, lower: float, period: float, modes: int, step: float,
           times) -> np.ndarray:
    """u at each of ``times`` (ascending, from 0; each a multiple of ``step``) on the ``modes``
    equispaced nodes lower + P j/modes: solves u_t = D u_xx + N(u), N = ``nonlinear(u, k, û)`` given
    u on the nodes, the wavenumbers k and û = rfft(u); returns N's rfft. A system of m fields
    gives ``diffusion`` as m numbers and ``u0`` m rows, and gets (times, m, modes/2 + 1)."""
    x = lower + period * np.arange(modes) / modes
    k = 2 * np.pi / period * np.arange(modes // 2 + 1)
    linear = -np.asarray(diffusion, dtype=np.float64)[..., None] * k ** 2  # (K,), or (m, K) for m fields
    h = step
    e, e2 = np.exp(h * linear), np.exp(h * linear / 2)
    roots = np.exp(1j * np.pi * (np.arange(1, CONTOUR_POINTS + 1) - 0.5) / CONTOUR_POINTS)
    lr = h * linear[..., None] + roots
    q = h * np.real(np.mean((np.exp(lr / 2) - 1) / lr, axis=-1))
    f1 = h * np.real(np.mean((-4 - lr + np.exp(lr) * (4 - 3 * lr + lr ** 2)) / lr ** 3, axis=-1))
    f2 = h * np.real(np.mean((2 + lr + np.exp(lr) * (-2 + lr)) / lr ** 3, axis=-1))
    f3 = h * np.real(np.mean((-4 - 3 * lr - lr ** 2 + np.exp(lr) * (4 - lr)) / lr ** 3, axis=-1))
    n_hat = lambda v: nonlinear(np.fft.irfft(v, modes), k, v)
    v = np.fft.rfft(u0(x))
    out, now = [], 0
    for target in times:
        steps = round(target / h)
        if abs(steps * h - target) > 1e-9 * max(1.0, target):
            raise ValueError(f"time {target} is not a multiple of the step {h}")
        for _ in range(steps - now):
            nv = n_hat(v)
            a = e2 * v + q * nv
            na = n_hat(a)
            b = e2 * v + q * na
            nb = n_hat(b)
            c = e2 * a + q * (2 * nb - nv)
            nc = n_hat(c)
            v = e * v + nv * f1 + 2 * (na + nb) * f2 + nc * f3
        now = steps
        out.append(v.copy())
    return np.array(out)


def interpolate(coefficients: np.ndarray, lower: float, period: float, modes: int, x) -> np.ndarray:
    """The trigonometric interpolant of rfft ``coefficients`` (rows: times) at points ``x``."""
    x = np.asarray(x, dtype=np.float64).reshape(-1)
    k = np.arange(modes // 2 + 1)
    weight = np.full(k.shape, 2.0)
    weight[0] = 1.0
    if modes % 2 == 0:
        weight[-1] = 1.0  # the Nyquist mode: its cosine only (real part of the product below)
    basis = np.exp(1j * 2 * np.pi / period * np.outer(x - lower, k))  # (points, modes)
    return np.real(coefficients @ (weight * basis).T) / modes


def burgers_cole_hopf(x, t, nu: float, nodes: int = 200) -> np.ndarray:
    """Burgers with u₀ = −sin πx (module docstring) at points (x, t); t = 0 gives u₀."""
    x, t = (np.asarray(v, dtype=np.float64).reshape(-1) for v in (x, t))
    z, w = np.polynomial.hermite.hermgauss(nodes)
    out = -np.sin(np.pi * x)
    later = t > 0
    y = x[later, None] - np.sqrt(4 * nu * t[later, None]) * z[None, :]
    exponent = -np.cos(np.pi * y) / (2 * np.pi * nu)
    weights = w[None, :] * np.exp(exponent - exponent.max(axis=1, keepdims=True))
    out[later] = -(weights * np.sin(np.pi * y)).sum(axis=1) / weights.sum(axis=1)
    return out


def burgers_nonlinear(u, k, _):
    """−(u²/2)_x in Fourier space, the top third of the modes removed (the 2/3 rule: the product's
    aliases then fall on modes that are dropped) and the Nyquist mode's derivative zero."""
    product = np.fft.rfft(u * u)
    product[2 * len(k) // 3:] = 0
    return -0.5j * k * product


def allen_cahn_nonlinear(u, k, _):
    """5u − 5u³ in Fourier space."""
    return np.fft.rfft(5 * u - 5 * u ** 3)


def spectral_on_grid(u0, nonlinear, diffusion, lower: float, period: float, modes: int, step: float,
                     x, t) -> np.ndarray:
    """The ETDRK4 solution at points (x, t) whose times lie on a grid of multiples of ``step``:
    (N,) for one field, (N, m) for m fields (``diffusion`` and ``u0``'s rows as in :func:`etdrk4`)."""
    x, t = (np.asarray(v, dtype=np.float64).reshape(-1) for v in (x, t))
    times = np.unique(t)
    snapshots = etdrk4(u0, nonlinear, diffusion, lower, period, modes, step, times)
    out = np.empty((len(x), *snapshots.shape[1:-1]))
    for i, time in enumerate(times):
        rows = t == time
        out[rows] = interpolate(snapshots[i:i + 1], lower, period, modes, x[rows])[0].T
    return out


def step_for(times, largest: float) -> float:
    """The largest step at most ``largest`` that divides the smallest gap between ``times``, so that
    every time is reached exactly."""
    unique = np.unique(times)
    spacing = float(np.diff(unique).min()) if len(unique) > 1 else largest
    return spacing / math.ceil(spacing / largest - 1e-9)

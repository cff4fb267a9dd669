"""Collocation points in a box: grid, uniform random and scrambled Sobol, plus boundary sides."""
from __future__ import annotations

import warnings

import numpy as np
import torch
from scipy.stats import qmc

SAMPLERS = ("grid", "uniform", "sobol")
ADAPTIVE = "adaptive"  # a training option, not a point set: Sobol to start, then redrawn (pinn.method.losses)


def unit_samples(n: int, dim: int, method: str, seed: int) -> np.ndarray:
    """n points in the open unit cube [0, 1]^dim (grid: a tensor grid of about n points)."""
    if method == "grid":
        per_axis = max(1, round(n ** (1.0 / dim)))
        axis = np.arange(1, per_axis + 1) / (per_axis + 1)  # interior nodes, as x_i = i/(n+1)
        mesh = np.meshgrid(*([axis] * dim), indexing="ij")
        return np.stack([m.ravel() for m in mesh], axis=1)
    if method == "uniform":
        return np.random.default_rng(seed).random((n, dim))
    if method == "sobol":
        sampler = qmc.Sobol(dim, scramble=True, seed=seed)
        with warnings.catch_warnings():  # balance properties need n = 2^m; other n are still fine
            warnings.simplefilter("ignore", UserWarning)
            return sampler.random(n)
    raise ValueError(f"unknown sampler {method!r}; expected one of {SAMPLERS}")


def in_box(lower, upper, n: int, method: str, seed: int, dtype, device) -> torch.Tensor:
    """n collocation points inside the box [lower, upper] (one entry per coordinate)."""
    lo = np.asarray(lower, dtype=np.float64)
    hi = np.asarray(upper, dtype=np.float64)
    pts = lo + (hi - lo) * unit_samples(n, len(lo), method, seed)
    return torch.as_tensor(pts, dtype=dtype, device=device)


def on_side(lower, upper, dim: int, value: float, n: int, method: str, seed: int, dtype,
            device) -> torch.Tensor:
    """Points on the face x_dim = value of the box (in 1D: the single point itself)."""
    d = len(lower)
    if d == 1:
        return torch.full((1, 1), float(value), dtype=dtype, device=device)
    others = [i for i in range(d) if i != dim]
    face = in_box([lower[i] for i in others], [upper[i] for i in others], n, method, seed, dtype, device)
    column = torch.full((face.shape[0], 1), float(value), dtype=dtype, device=device)
    return torch.cat([face[:, :dim], column, face[:, dim:]], dim=1)


def test_grid(lower, upper, per_axis, dtype=torch.float64) -> torch.Tensor:
    """A closed tensor grid with ``per_axis`` nodes along each axis (a number, or one per axis;
    endpoints included), in "ij" order: the last axis varies fastest."""
    counts = per_axis if isinstance(per_axis, (tuple, list)) else [per_axis] * len(lower)
    axes = [torch.linspace(lo, hi, n, dtype=dtype) for lo, hi, n in zip(lower, upper, counts)]
    return torch.stack([m.reshape(-1) for m in torch.meshgrid(*axes, indexing="ij")], dim=1)


def describe(point, names="xyz") -> str:
    """A point in words for messages: ``x = 0.5`` or ``(x, t) = (0.5, 1)``; ``names`` are the axes'."""
    values = point.tolist() if hasattr(point, "tolist") else list(point)
    names = tuple(names)[:len(values)]
    text = ", ".join(f"{v:.6g}" for v in values)
    return f"{names[0]} = {text}" if len(names) == 1 else f"({', '.join(names)}) = ({text})"

"""Obstacle-problem scores and figures: constraint violation, complementarity and the contact set.

On the test grid, with r = −Δu − f of the PINN and the gap u − ψ:

* ``max_violation`` = max (ψ − u)⁺;
* ``complementarity`` = mean |r (u − ψ)|;
* the **predicted contact set** is where the obstacle pushes: r ≥ λ*/2, with λ* = −Δψ − f the
  value r takes on the exact contact set (by autograd on ψ; points with λ* ≤ 0 cannot be in
  contact). The PINN's r is a smoothed step from λ* to 0 across the free boundary, and half-way
  marks the step without the bias a gap threshold (u − ψ ≤ τ) has: the gap grows only
  quadratically, so τ = 1e-4 would shift a free boundary of the parabola problem by 1e-2;
* ``contact_iou`` = |P ∩ E| / |P ∪ E| of the predicted and exact contact sets on the grid;
* ``free_boundary_error``: 1D, the largest distance between the predicted contact interval's ends
  (located between grid points by linear interpolation of r − λ*/2) and the exact ones; 2D, for
  a problem whose contact set is a disc (``free_boundary`` a radius), the error of the contact
  radius √(area / π) against the exact radius; for any other 2D contact set (an expression
  problem's, from its exact solution), the Hausdorff distance between the two sets' boundaries on
  the test grid (each boundary: the set's grid points with a 4-neighbour outside it), which
  resolves the free boundary to about one grid spacing. On a shape the sets are the test mesh's
  nodes, ``contact_iou`` weighs them by their quadrature weights and a set's boundary is its nodes
  that share a triangle with a node outside it.
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.tri import Triangulation
from scipy.spatial import cKDTree

from pinn.app.shape_report import outline


def _crossing(x: np.ndarray, s: np.ndarray, inside: int, outside: int) -> float:
    """Where s (>= 0 at ``inside``, < 0 at ``outside``) crosses zero, linearly between the two."""
    if not np.isfinite(s[outside]):
        return float(x[inside])
    t = s[inside] / (s[inside] - s[outside])
    return float(x[inside] + t * (x[outside] - x[inside]))


def contact_sets(problem, ev):
    """(predicted, exact or None, s = r − λ*/2) on the evaluation's test points."""
    x = torch.from_numpy(ev.x)
    multiplier = problem.multiplier(x).numpy().ravel()
    s = np.where(multiplier > 0, ev.residual - multiplier / 2, -np.inf)
    exact = problem.exact_contact(x)
    return s >= 0, None if exact is None else exact.numpy(), s


def metrics(problem, ev) -> dict:
    x = torch.from_numpy(ev.x)
    gap = ev.u - problem.obstacle(x).numpy().ravel()
    out = {"max_violation": float(max(0.0, (-gap).max())),
           "complementarity": float(np.mean(np.abs(ev.residual * gap)))}
    predicted, exact, s = contact_sets(problem, ev)
    if exact is None:
        return out
    weights = problem.domain.test_weights if ev.triangles is not None else np.ones(len(predicted))
    union = weights[np.logical_or(predicted, exact)].sum()
    out["contact_iou"] = float(weights[np.logical_and(predicted, exact)].sum() / union) if union else 1.0
    if not predicted.any():
        out["free_boundary_error"] = None  # no contact predicted: nothing to compare
    elif problem.domain.dim == 1:
        order = np.argsort(ev.x[:, 0])
        xs, s_sorted, hits = ev.x[order, 0], s[order], np.flatnonzero(predicted[order])
        first, last = hits[0], hits[-1]
        lo = _crossing(xs, s_sorted, first, max(first - 1, 0)) if first > 0 else float(xs[0])
        hi = _crossing(xs, s_sorted, last, min(last + 1, len(xs) - 1)) if last < len(xs) - 1 else float(xs[-1])
        a, b = problem.free_boundary
        out["free_boundary_error"] = max(abs(lo - a), abs(hi - b))
    elif problem.free_boundary is not None:
        spacing = [np.diff(np.unique(ev.x[:, i]))[0] for i in range(2)]
        radius = math.sqrt(predicted.sum() * spacing[0] * spacing[1] / math.pi)
        out["contact_radius"] = radius
        out["free_boundary_error"] = abs(radius - problem.free_boundary)
    elif exact.any():
        edge = (lambda inside: _mesh_edge(ev.x, inside, ev.triangles)) if ev.triangles is not None else \
            (lambda inside: _grid_edge(ev.x, inside))
        out["free_boundary_error"] = _boundary_distance(edge(predicted), edge(exact))
    return out


def _grid_edge(x: np.ndarray, inside: np.ndarray) -> np.ndarray:
    """Points of a set on a 2D tensor grid that have a 4-neighbour outside it."""
    nx, ny = len(np.unique(x[:, 0])), len(np.unique(x[:, 1]))
    grid = inside.reshape(nx, ny)  # the test grid is ordered x-major (sampling.test_grid)
    padded = np.pad(grid, 1, constant_values=True)  # the domain's edge is no free boundary
    interior = (padded[:-2, 1:-1] & padded[2:, 1:-1] & padded[1:-1, :-2] & padded[1:-1, 2:])
    return x[(grid & ~interior).reshape(-1)]


def _mesh_edge(x: np.ndarray, inside: np.ndarray, triangles: np.ndarray) -> np.ndarray:
    """Nodes of a set on a triangulation that share a triangle with a node outside it."""
    mixed = triangles[inside[triangles].any(axis=1) & ~inside[triangles].all(axis=1)]
    nodes = np.unique(mixed)
    return x[nodes[inside[nodes]]]


def _boundary_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Hausdorff distance between two sets' boundary points."""
    if len(a) == 0 or len(b) == 0:
        return float("nan")
    return float(max(cKDTree(b).query(a)[0].max(), cKDTree(a).query(b)[0].max()))


def _shade(ax, x: np.ndarray, mask: np.ndarray, **style):
    """Shade the x-intervals where ``mask`` holds."""
    edges = np.flatnonzero(np.diff(np.concatenate([[0], mask.astype(int), [0]])))
    for start, stop in zip(edges[::2], edges[1::2]):
        ax.axvspan(x[start], x[stop - 1], **style)
        style.pop("label", None)


def figure_1d(problem, ev, title: str):
    """u, ψ and the reference with both contact sets shaded; the error; the gap u − ψ."""
    x = ev.x[:, 0]
    psi = problem.obstacle(torch.from_numpy(ev.x)).numpy().ravel()
    predicted, exact, _ = contact_sets(problem, ev)
    fig, axes = plt.subplots(3, 1, figsize=(7, 8), sharex=True)
    ax = axes[0]
    if exact is not None:
        _shade(ax, x, exact, color="gray", alpha=0.25, label="exact contact")
    _shade(ax, x, predicted, facecolor="none", edgecolor="tab:orange", hatch="//", label="predicted contact")
    ax.plot(x, psi, color="tab:green", ls="--", lw=1.2, label="obstacle ψ")
    if ev.reference is not None:
        ax.plot(x, ev.reference, color="black", lw=2.5, alpha=0.35, label=ev.metrics["reference"])
    ax.plot(x, ev.u, color="tab:blue", lw=1.2, label="PINN")
    ax.set_ylabel("u(x)")
    ax.legend(loc="best", fontsize=8)
    if ev.reference is not None:
        axes[1].semilogy(x, np.maximum(np.abs(ev.u - ev.reference), 1e-16), color="tab:red")
        axes[1].set_ylabel("|u − u_ref|")
    gap = ev.u - psi
    axes[2].plot(x, gap, color="tab:purple")
    axes[2].axhline(0, color="black", lw=0.8)
    axes[2].set_yscale("symlog", linthresh=1e-6)
    axes[2].set_ylabel("u − ψ (< 0: violated)")
    axes[2].set_xlabel("x")
    axes[0].set_title(title)
    for a in axes:
        a.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def figure_2d(problem, ev, title: str):
    """The predicted contact set on the grid (a shape's triangles), with the exact free boundary
    drawn on it."""
    predicted, exact, _ = contact_sets(problem, ev)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    if ev.triangles is not None:
        mesh = Triangulation(ev.x[:, 0], ev.x[:, 1], ev.triangles)
        ax.tripcolor(mesh, predicted.astype(float), shading="gouraud", cmap="Oranges", vmin=0, vmax=1.6)
        if exact is not None and exact.any() and not exact.all():
            ax.tricontour(mesh, exact.astype(float), levels=[0.5], colors="black", linewidths=1.2)
            ax.plot([], [], color="black", lw=1.2, label="exact free boundary")
        outline(ax, problem.domain)
        ax.legend(loc="upper right", fontsize=7)
    else:
        xs, ys = np.unique(ev.x[:, 0]), np.unique(ev.x[:, 1])
        grid = predicted.reshape(len(xs), len(ys)).T
        ax.imshow(grid, origin="lower", extent=(xs[0], xs[-1], ys[0], ys[-1]), cmap="Oranges", vmin=0, vmax=1.6)
    if isinstance(problem.free_boundary, float):
        angle = np.linspace(0, 2 * np.pi, 400)
        r = problem.free_boundary
        ax.plot(r * np.cos(angle), r * np.sin(angle), color="black", lw=1.2, label=f"exact r* = {r:.4f}")
        ax.legend(loc="upper right", fontsize=8)
    radius = ev.metrics.get("contact_radius")
    ax.set_title(title + (f"\npredicted contact set (r ≈ {radius:.4f})" if radius else "\npredicted contact set"),
                 fontsize=9)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    fig.tight_layout()
    return fig


def alpha_figure(history, title: str):
    """The learnable penalty slope α against step (PReLU)."""
    fig, ax = plt.subplots(figsize=(7, 3.5))
    ax.plot(history.steps, history.terms["alpha"], color="tab:blue")
    for start in history.stage_starts:
        ax.axvline(start, color="gray", ls="--", lw=0.8)
    ax.set_xlabel("step")
    ax.set_ylabel("PReLU penalty α")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig

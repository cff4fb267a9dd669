"""Metrics against the reference solution, and the figures of a run folder.

Errors are measured on a closed tensor grid (1001 points in 1D, 200 x 200 in 2D), in float64:

    rel_l2 = ||u - u*||_2 / ||u*||_2,   max_abs_error = max |u - u*|,

and the PDE residual's root mean square on the same grid (``residual_rms``), which is available
even without a reference.
"""
from __future__ import annotations

from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # files only: no display is needed or wanted
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from . import sampling  # noqa: E402
from .diff import Field  # noqa: E402


@dataclass
class Evaluation:
    x: np.ndarray          # (N, d) test points
    u: np.ndarray          # (N,) prediction
    exact: np.ndarray | None
    residual: np.ndarray   # (N,) PDE residual of the prediction
    metrics: dict


def evaluate(problem, model, device, dtype) -> Evaluation:
    domain = problem.domain
    x = sampling.test_grid(domain.lower, domain.upper, sampling.default_test_points(domain.dim))
    x = x.to(device=device, dtype=dtype).requires_grad_(True)
    with torch.enable_grad():
        u = model(x)
        residual = problem.residual(x, Field(x, u))
    u_np = u.detach().double().cpu().numpy().ravel()
    metrics = {"residual_rms": float(np.sqrt(np.mean(residual.detach().double().cpu().numpy() ** 2)))}
    exact = None
    if problem.has_exact:
        exact = problem.exact(x.detach().double().cpu()).numpy().ravel()
        error = u_np - exact
        metrics = {"rel_l2": float(np.linalg.norm(error) / np.linalg.norm(exact)),
                   "max_abs_error": float(np.abs(error).max()), **metrics}
    return Evaluation(x.detach().double().cpu().numpy(), u_np, exact,
                      residual.detach().double().cpu().numpy().ravel(), metrics)


def _title(problem, activation: str, metrics: dict) -> str:
    error = f"rel L2 {metrics['rel_l2']:.2e}" if "rel_l2" in metrics else \
        f"residual rms {metrics['residual_rms']:.2e}"
    return f"{problem.title()} — {activation} — {error}"


def _for_log_axis(values: np.ndarray) -> np.ndarray:
    """|values| floored at 1e-6 of their maximum: exact zeros (hard boundary data) would otherwise
    stretch a log axis down to 1e-300 and flatten everything else."""
    magnitude = np.abs(values)
    return np.maximum(magnitude, max(magnitude.max(), 1e-300) * 1e-6)


def solution_figure(problem, ev: Evaluation, activation: str):
    """1D: PINN and reference solutions; below, the pointwise error (or residual) on a log scale."""
    x = ev.x[:, 0]
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(7, 6.5), sharex=True,
                                      gridspec_kw={"height_ratios": [3, 2]})
    if ev.exact is not None:
        top.plot(x, ev.exact, color="black", lw=2.5, alpha=0.35, label="exact")
    top.plot(x, ev.u, color="tab:blue", lw=1.2, label="PINN")
    top.set_ylabel("u(x)")
    top.legend()
    top.set_title(_title(problem, activation, ev.metrics))
    if ev.exact is not None:
        bottom.semilogy(x, _for_log_axis(ev.u - ev.exact), color="tab:red")
        bottom.set_ylabel("|u − u_exact|")
    else:
        bottom.semilogy(x, _for_log_axis(ev.residual), color="tab:red")
        bottom.set_ylabel("|PDE residual|")
    bottom.set_xlabel("x")
    for ax in (top, bottom):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def loss_figure(history, title: str):
    """Each loss term against step on a log scale, with the stage boundaries marked."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for name, values in history.terms.items():
        ax.semilogy(history.steps, values, label=name)
    for start, stage in zip(history.stage_starts, history.stages):
        ax.axvline(start, color="gray", ls="--", lw=0.8)
        ax.annotate(stage.optimizer, (start, 1), xycoords=("data", "axes fraction"),
                    xytext=(3, -12), textcoords="offset points", color="gray")
    ax.set_xlabel("step (Adam step or L-BFGS iteration)")
    ax.set_ylabel("loss term (unweighted)")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig

"""Figures on a shape's test mesh: the PINN and the reference as colour on the triangles (nothing
outside the shape), the error on a log scale, and the boundary pieces drawn and named."""
from __future__ import annotations

import numpy as np
from matplotlib.tri import Triangulation

from pinn.app.report import Evaluation, _for_log_axis, figure_title, plt

OUTLINE_POINTS = 400  # per curve


def _outline(ax, domain):
    """Each boundary piece as a line, labelled by its name."""
    for k, piece in enumerate(domain.sides()):
        for j, curve in enumerate(piece.curves):
            xy = curve.at(np.linspace(0.0, 1.0, OUTLINE_POINTS))
            ax.plot(xy[:, 0], xy[:, 1], color=f"C{k}", lw=1.4, label=piece.name if j == 0 else None)
    ax.set_aspect("equal")
    ax.set_xlabel(domain.names[0])
    ax.set_ylabel(domain.names[1])


def figures(problem, ev: Evaluation, activation: str) -> dict:
    """``solution.png`` (the PINN, and the reference beside it) and ``error.png`` (log10 of
    |u − u_ref|, or of |residual| without a reference)."""
    mesh = Triangulation(ev.x[:, 0], ev.x[:, 1], ev.triangles)
    title = figure_title(problem, activation, ev.metrics)
    label = ev.metrics["reference"].replace("_", " ")
    panels = [("PINN u", ev.u)] + ([(f"reference ({label})", ev.reference)] if ev.reference is not None else [])
    low, high = min(v.min() for _, v in panels), max(v.max() for _, v in panels)
    solution, axes = plt.subplots(1, len(panels), figsize=(5.4 * len(panels), 4.8), squeeze=False)
    for ax, (name, values) in zip(axes[0], panels):
        image = ax.tripcolor(mesh, values, shading="gouraud", cmap="viridis", vmin=low, vmax=high)
        ax.tricontour(mesh, values, levels=12, colors="white", linewidths=0.5)
        _outline(ax, problem.domain)
        ax.set_title(name)
        solution.colorbar(image, ax=ax, shrink=0.85)
    axes[0][0].legend(loc="upper right", fontsize=7, title="boundary", title_fontsize=7)
    solution.suptitle(title, fontsize=10)
    solution.tight_layout()
    error, ax = plt.subplots(figsize=(5.8, 5.0))
    values = np.abs(ev.u - ev.reference) if ev.reference is not None else np.abs(ev.residual)
    image = ax.tripcolor(mesh, np.log10(_for_log_axis(values)), shading="gouraud", cmap="magma")
    _outline(ax, problem.domain)
    error.colorbar(image, ax=ax, shrink=0.85, label="log10 " + ("|u − u_ref|" if ev.reference is not None
                                                                 else "|PDE residual|"))
    ax.set_title(title, fontsize=9)
    error.tight_layout()
    return {"solution.png": solution, "error.png": error}

"""Figures on a shape's test mesh: the PINN and the reference as colour on the triangles (nothing
outside the shape), the error on a log scale, and the boundary pieces drawn and named; with time,
snapshots at four times (a system's fields, one row each, are drawn by pinn.app.system_report)."""
from __future__ import annotations

import numpy as np
from matplotlib.tri import Triangulation

from pinn.app.report import Evaluation, _for_log_axis, figure_title, plt

OUTLINE_POINTS = 400  # per curve


def outline(ax, domain):
    """Each boundary piece as a line, labelled by its name."""
    for k, piece in enumerate(domain.sides()):
        for j, curve in enumerate(piece.parts):
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
        outline(ax, problem.domain)
        ax.set_title(name)
        solution.colorbar(image, ax=ax, shrink=0.85)
    axes[0][0].legend(loc="upper right", fontsize=7, title="boundary", title_fontsize=7)
    solution.suptitle(title, fontsize=10)
    solution.tight_layout()
    error, ax = plt.subplots(figsize=(5.8, 5.0))
    values = np.abs(ev.u - ev.reference) if ev.reference is not None else np.abs(ev.residual)
    image = ax.tripcolor(mesh, np.log10(_for_log_axis(values)), shading="gouraud", cmap="magma")
    outline(ax, problem.domain)
    error.colorbar(image, ax=ax, shrink=0.85, label="log10 " + ("|u − u_ref|" if ev.reference is not None
                                                                 else "|PDE residual|"))
    ax.set_title(title, fontsize=9)
    error.tight_layout()
    return {"solution.png": solution, "error.png": error}


SNAPSHOTS = 4


def space_time_figures(problem, ev: Evaluation, activation: str) -> dict:
    """A shape × time: ``solution.png``, the snapshots of :func:`snapshots`."""
    return {"solution.png": snapshots(problem, ev, activation, "u", ev.u, ev.reference)}


def snapshots(problem, ev: Evaluation, activation: str, name: str, values, reference):
    """One field on a shape × time (the test set time-major: every node at one time, then the
    next), a column per snapshot time: the PINN, the reference, log10 of the error (or of the
    residual without a reference)."""
    nodes = len(ev.x) // len(np.unique(ev.x[:, 2]))
    times = ev.x[::nodes, 2]
    mesh = Triangulation(ev.x[:nodes, 0], ev.x[:nodes, 1], ev.triangles)
    label = ev.metrics["reference"].replace("_", " ")
    rows = [(f"PINN {name}", values)] + ([(f"reference ({label})", reference)] if reference is not None else [])
    low, high = min(v.min() for _, v in rows), max(v.max() for _, v in rows)
    error = np.abs(values - reference) if reference is not None else np.abs(ev.residual)
    logged = np.log10(_for_log_axis(error))
    picks = np.linspace(0, len(times) - 1, SNAPSHOTS).round().astype(int)
    fig, axes = plt.subplots(len(rows) + 1, SNAPSHOTS, figsize=(3.6 * SNAPSHOTS, 3.3 * (len(rows) + 1)), squeeze=False)
    for column, k in enumerate(picks):
        block = slice(k * nodes, (k + 1) * nodes)
        for row, (title, v) in enumerate(rows):
            image = axes[row][column].tripcolor(mesh, v[block], shading="gouraud", cmap="viridis", vmin=low, vmax=high)
            axes[row][column].set_title(f"{title}, t = {times[k]:.3g}", fontsize=9)
        image_error = axes[-1][column].tripcolor(mesh, logged[block], shading="gouraud", cmap="magma",
                                                 vmin=np.nanmin(logged), vmax=np.nanmax(logged))
        axes[-1][column].set_title((f"log10 |{name} − {name}_ref|" if reference is not None else "log10 |residual|")
                                   + f", t = {times[k]:.3g}", fontsize=9)
        for ax in axes[:, column]:
            outline(ax, problem.domain)
            if column:
                ax.set_ylabel("")
    fig.colorbar(image, ax=axes[:-1, :].ravel().tolist(), shrink=0.8)
    fig.colorbar(image_error, ax=axes[-1, :].ravel().tolist(), shrink=0.8)
    fig.suptitle(figure_title(problem, activation, ev.metrics), fontsize=10)
    return fig

"""Figures in a 3D body: three slices through the centre of its bounding box (x, y and z fixed in
turn), each a row for the PINN, the reference and log10 of the error (or of the residual without
a reference). A slice point's value is the inverse-square-distance mean of its :data:`NEIGHBOURS`
nearest test nodes (a Delaunay point location in the test mesh, whose interior nodes are a cubic
lattice, degenerates to a brute-force search: 17 s per 5000 points, against 0.02 s); a slice point
outside the body is left blank, so a hole shows as a hole."""
from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree

from pinn.app.report import Evaluation, _for_log_axis, figure_title, plt

SLICE_POINTS = 161  # per axis of a slice
NEIGHBOURS = 4


def _planes(domain):
    """[(fixed axis, its value, the slice's points (SLICE_POINTS², 3), the other two axes)]."""
    bounds = domain.shape.bounds
    centre = [(lo + hi) / 2 for lo, hi in bounds]
    found = []
    for axis in range(3):
        across = [k for k in range(3) if k != axis]
        a, b = (np.linspace(*bounds[k], SLICE_POINTS) for k in across)
        grid = np.empty((SLICE_POINTS, SLICE_POINTS, 3))
        grid[..., axis] = centre[axis]
        grid[..., across[0]], grid[..., across[1]] = np.meshgrid(a, b, indexing="xy")
        found.append((axis, centre[axis], grid.reshape(-1, 3), across))
    return found


def slices(problem, ev: Evaluation, activation: str, name: str, values, reference):
    """One field on a body: a column per slice, rows PINN, reference, log10 of the error."""
    domain = problem.domain
    tree = cKDTree(ev.x)
    error = np.abs(values - reference) if reference is not None else np.abs(ev.residual)
    label = ev.metrics["reference"].replace("_", " ")
    rows = [(f"PINN {name}", values, False)] + \
        ([(f"reference ({label})", reference, False)] if reference is not None else []) + \
        [((f"log10 |{name} − {name}_ref|" if reference is not None else "log10 |residual|"), error, True)]
    planes = _planes(domain)
    fig, axes = plt.subplots(len(rows), 3, figsize=(4.2 * 3, 3.7 * len(rows)), squeeze=False)
    low, high = min(np.min(v) for _, v, log in rows if not log), max(np.max(v) for _, v, log in rows if not log)
    for column, (axis, value, points, across) in enumerate(planes):
        inside = domain.holds(points)
        gaps, nearest = tree.query(points, k=NEIGHBOURS)
        weights = 1 / np.maximum(gaps, 1e-12) ** 2
        weights /= weights.sum(axis=1, keepdims=True)
        bounds = domain.shape.bounds
        extent = (*bounds[across[0]], *bounds[across[1]])
        for row, (title, v, log) in enumerate(rows):
            shown = np.sum(weights * (np.log10(_for_log_axis(v)) if log else v)[nearest], axis=1)
            shown = np.where(inside, shown, np.nan).reshape(SLICE_POINTS, SLICE_POINTS)
            ax = axes[row][column]
            image = ax.imshow(shown, origin="lower", extent=extent, aspect="equal",
                              cmap="magma" if log else "viridis", **({} if log else {"vmin": low, "vmax": high}))
            ax.set_title(f"{title}, {domain.names[axis]} = {value:.3g}", fontsize=9)
            ax.set_xlabel(domain.names[across[0]])
            ax.set_ylabel(domain.names[across[1]])
            fig.colorbar(image, ax=ax, shrink=0.8)
    fig.suptitle(figure_title(problem, activation, ev.metrics), fontsize=10)
    fig.tight_layout()
    return fig


def figures(problem, ev: Evaluation, activation: str) -> dict:
    """``solution.png``: :func:`slices` of u."""
    return {"solution.png": slices(problem, ev, activation, "u", ev.u, ev.reference)}

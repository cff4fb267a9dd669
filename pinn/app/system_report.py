"""A system of PDEs scored and drawn field by field.

Metrics (``metrics.json``): for each field f, ``fields.f.rel_l2`` = ‖f − f*‖₂ / ‖f*‖₂ and
``fields.f.max_abs_error`` on the test grid; for each declared vector V = (f₁, …, f_m),
``vectors.V.rel_l2`` = ‖V − V*‖ / ‖V*‖ (Euclidean over points and components);
``residual_rms_by_equation``; and, so that a bar or a summary reads one number, ``rel_l2`` and
``max_abs_error`` are the worst field's (named in ``worst_field``). A field whose exact
values are all zero is scored by its root-mean-square error instead (``rms_error``). The
problem's ``singular_points`` (where the solution has no value) are left out of every score.
On a shape the norms are by quadrature on its test mesh, and the residuals are scored at the
nodes off the boundary (as for one field, :func:`pinn.app.report.evaluate`).
"""
from __future__ import annotations

import numpy as np
import torch
from matplotlib.tri import Triangulation

from pinn.app import body_report, shape_report
from pinn.app.report import (Evaluation, figure_title, plt, test_points, _for_log_axis, _numpy, _relative_or_absolute,
                             _rms)


def _score(approx: np.ndarray, exact: np.ndarray, weights: np.ndarray | None) -> dict:
    return {**_relative_or_absolute("rel_l2", approx, exact, weights), "max_abs_error": float(np.abs(approx - exact).max())}


def _defined(problem, x: np.ndarray) -> np.ndarray:
    """Which test points are scored: all but the problem's ``singular_points``."""
    kept = np.ones(len(x), dtype=bool)
    for point in problem.singular_points:
        kept &= ~np.all(np.isclose(x, np.asarray(point, dtype=float), rtol=0.0, atol=1e-12), axis=1)
    return kept


def evaluate(problem, model, device, dtype, kind: str, rows) -> Evaluation:
    """Every field, every equation's residual and the scores above on the test grid."""
    x = test_points(problem).to(device=device, dtype=dtype).requires_grad_(True)
    with torch.enable_grad():
        fields = problem.field_of(x, model(x))
        residuals = {name: _numpy(r) for name, r in problem.residual(x, fields).items()}
    predictions = {f: _numpy(fields[f].value) for f in problem.fields}
    kept = _defined(problem, x.detach().double().cpu().numpy())
    weights = None if problem.domain.test_weights is None else problem.domain.test_weights[kept]
    inside = kept if problem.domain.test_interior is None else kept & problem.domain.test_interior
    inside_weights = None if weights is None else problem.domain.test_weights[inside]
    if inside_weights is None:
        overall = float(np.sqrt(np.mean(np.concatenate([r[inside] for r in residuals.values()]) ** 2)))
    else:  # on a mesh: the mean over the equations of r², by quadrature over the nodes
        overall = _rms(np.sqrt(sum(r[inside] ** 2 for r in residuals.values()) / len(residuals)), inside_weights)
    metrics = {"residual_rms": overall,
               "residual_rms_by_equation": {name: _rms(r[inside], inside_weights) for name, r in residuals.items()}}
    references = {}
    if rows is not None:
        references = {f: rows[0][:, j] for j, f in enumerate(problem.fields) if not np.isnan(rows[0][:, j]).all()}
        scores = {f: _score(predictions[f][kept], references[f][kept], weights) for f in references}
        vectors = {name: _score(np.stack([predictions[f][kept] for f in parts]),
                                np.stack([references[f][kept] for f in parts]), weights)
                   for name, parts in problem.vectors.items() if all(f in references for f in parts)}
        relative = {f: s for f, s in scores.items() if "rel_l2" in s}
        worst = max(relative, key=lambda f: relative[f]["rel_l2"]) if relative else None
        if worst is not None:
            metrics = {"rel_l2": relative[worst]["rel_l2"], "max_abs_error": relative[worst]["max_abs_error"],
                       "worst_field": worst, **metrics}
        metrics.update({"fields": scores, **({"vectors": vectors} if vectors else {})})
    metrics["reference"] = kind
    first = problem.fields[0]
    magnitude = np.sqrt(sum(r ** 2 for r in residuals.values()))
    return Evaluation(x.detach().double().cpu().numpy(), predictions[first], references.get(first), magnitude,
                      metrics, fields=predictions, references=references, residuals=residuals,
                      triangles=problem.domain.test_triangles, tetrahedra=problem.domain.test_tetrahedra)


def figures(problem, ev: Evaluation, activation: str) -> dict:
    """``solution.png``: a row per field — the PINN, the reference, log10 of the error (or of
    the residual magnitude without a reference); ``streamlines.png`` for each declared 2D vector
    of a steady 2D problem: its streamlines over its magnitude, beside the reference's. In 1D,
    each field against its reference and the error on a log scale; on a shape × time,
    ``solution_f.png`` per field f, snapshots at four times; in a 3D body, ``solution_f.png`` per
    field f, three slices."""
    if ev.tetrahedra is not None:
        return {f"solution_{f}.png": body_report.slices(problem, ev, activation, f, values, ev.references.get(f))
                for f, values in ev.fields.items()}
    if problem.domain.dim == 1:
        return {"solution.png": _curves(problem, ev, figure_title(problem, activation, ev.metrics))}
    if ev.triangles is not None and problem.domain.time_dim is not None:  # a shape × time: snapshots per field
        return {f"solution_{f}.png": shape_report.snapshots(problem, ev, activation, f, values, ev.references.get(f))
                for f, values in ev.fields.items()}
    kept = _defined(problem, ev.x)
    title = figure_title(problem, activation, ev.metrics)
    if ev.triangles is not None:  # a shape: colour on its triangles, the pieces drawn
        mesh = Triangulation(ev.x[:, 0], ev.x[:, 1], ev.triangles)

        def on_mesh(ax, v, log=False, **style):
            return ax.tripcolor(mesh, np.log10(_for_log_axis(v)) if log else v, shading="gouraud", **style)

        def outlined(ax):
            if ax.axison:
                shape_report.outline(ax, problem.domain)
        return {"solution.png": _field_rows(ev, title, kept, on_mesh, outlined, (4.6, 3.9))}
    names = ("x", "t") if problem.domain.time_dim is not None else problem.domain.names
    xs, ys = np.unique(ev.x[:, 0]), np.unique(ev.x[:, 1])
    grid = lambda v: np.where(kept, v, np.nan).reshape(len(xs), len(ys)).T  # a singular point blank
    extent = (xs[0], xs[-1], ys[0], ys[-1])

    def draw(ax, v, log=False, **style):
        return ax.imshow(np.log10(_for_log_axis(grid(v))) if log else grid(v), origin="lower", extent=extent,
                         aspect="auto", **style)

    def dress(ax):
        ax.set_xlabel(names[0])
        ax.set_ylabel(names[1])
    fig = _field_rows(ev, title, kept, draw, dress, (4.4, 3.6))
    drawn = {"solution.png": fig}
    vectors = {name: parts for name, parts in problem.vectors.items() if len(parts) == 2}
    if problem.domain.time_dim is None and problem.domain.dim == 2 and vectors:
        drawn["streamlines.png"] = _streamlines(ev, vectors, grid, xs, ys, names, title)
    return drawn


def _field_rows(ev: Evaluation, title: str, kept: np.ndarray, draw, dress, size: tuple[float, float]):
    """A row per field: the PINN, the reference, log10 of the error (or of the residual magnitude
    without a reference). ``draw(ax, values, log=False, **style)`` colours one panel (on a grid
    or on a shape's triangles), ``dress(ax)`` labels it; ``size`` is one panel's (width, height)."""
    columns = 3 if ev.references else 2
    fig, axes = plt.subplots(len(ev.fields), columns, figsize=(size[0] * columns, size[1] * len(ev.fields)),
                             squeeze=False)
    for row, (f, values) in zip(axes, ev.fields.items()):
        reference = ev.references.get(f)
        label = ev.metrics["reference"].replace("_", " ")
        panels = [(f"PINN {f}", values)] + ([(f"{label} {f}", reference)] if reference is not None else [])
        low, high = _colour_limits([v[kept] for _, v in panels], clip=not kept.all())
        for ax, (name, v) in zip(row, panels):
            image = draw(ax, v, cmap="viridis", vmin=low, vmax=high)
            ax.set_title(name)
            fig.colorbar(image, ax=ax, shrink=0.85)
        error = np.abs(values - reference) if reference is not None else ev.residual
        score = ev.metrics.get("fields", {}).get(f, {}).get("rel_l2")
        image = draw(row[-1], error, log=True, cmap="magma")
        row[-1].set_title((f"log10 |{f} − {label}|" + (f" (rel L2 {score:.2e})" if score is not None else ""))
                          if reference is not None else "log10 |residuals|")
        fig.colorbar(image, ax=row[-1], shrink=0.85)
        for ax in row[len(panels):-1]:  # a field without a reference: no middle panel
            ax.axis("off")
        for ax in row:
            dress(ax)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.35 / fig.get_figheight()))  # room for the title above the rows
    return fig


def _colour_limits(arrays, clip: bool) -> tuple[float, float]:
    """The range of ``arrays``; with ``clip`` (a problem with singular points, where a field such
    as the cavity's pressure grows without bound) their 1st to 99th percentile, so that the rest
    of the field keeps its colours."""
    values = np.concatenate(arrays)
    return tuple(np.percentile(values, [1, 99])) if clip else (values.min(), values.max())


def _curves(problem, ev: Evaluation, title: str):
    x = ev.x[:, 0]
    fig, axes = plt.subplots(2, 1, figsize=(7.5, 6.5), sharex=True)
    source = ev.metrics.get("reference", "reference")
    for f, values in ev.fields.items():
        line, = axes[0].plot(x, values, lw=1.2, label=f"PINN {f}")
        if f in ev.references:
            axes[0].plot(x, ev.references[f], color=line.get_color(), lw=2.5, alpha=0.35, label=f"{source} {f}")
            axes[1].semilogy(x, _for_log_axis(values - ev.references[f]), color=line.get_color(), label=f)
    if not ev.references:
        axes[1].semilogy(x, _for_log_axis(ev.residual), color="tab:red", label="|residuals|")
    axes[1].set_ylabel("|error|" if ev.references else "|residuals|")
    axes[1].set_xlabel(problem.domain.names[0])
    for ax in axes:
        ax.legend(loc="best", fontsize=8)
        ax.grid(alpha=0.3)
    axes[0].set_title(title, fontsize=10)
    fig.tight_layout()
    return fig


def _streamlines(ev: Evaluation, vectors: dict, grid, xs, ys, names, title: str):
    label = ev.metrics["reference"].replace("_", " ")
    sources = [("PINN", ev.fields)] + ([(label, ev.references)] if ev.references else [])
    fig, axes = plt.subplots(len(vectors), len(sources), figsize=(5.2 * len(sources), 4.4 * len(vectors)),
                             squeeze=False)
    for row, (name, (a, b)) in zip(axes, vectors.items()):
        for ax, (source, values) in zip(row, sources):
            if a not in values or b not in values:
                continue
            u, v = grid(values[a]), grid(values[b])
            speed = np.hypot(u, v)
            image = ax.imshow(speed, origin="lower", extent=(xs[0], xs[-1], ys[0], ys[-1]), cmap="viridis")
            ax.streamplot(xs, ys, u, v, color="white", density=1.2, linewidth=0.6, arrowsize=0.7)
            ax.set_title(f"{source} {name}: |({a}, {b})| and streamlines")
            ax.set_xlabel(names[0])
            ax.set_ylabel(names[1])
            fig.colorbar(image, ax=ax, shrink=0.85)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig

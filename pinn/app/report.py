"""Metrics against the reference solution, and the figures of a run folder.

Errors are measured on a closed tensor grid (1001 points in 1D, 201 x 201 in 2D), in float64:

    rel_l2 = ||u - u*||_2 / ||u*||_2,   max_abs_error = max |u - u*|,

and the PDE residual's root mean square on the same grid (``residual_rms``), which is available
even without a reference. On a space–time domain the grid is 201 x-nodes × 101 times, and
``rel_l2_final_time`` is the relative error at the last time alone.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import matplotlib

matplotlib.use("Agg")  # files only: no display is needed or wanted
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from pinn.core.errors import ConfigError, PinnError  # noqa: E402
from pinn.core.field import Field  # noqa: E402
from pinn.problems.references import fem
from pinn.problems.references.bvp import OWN, reference_derivatives


@dataclass
class Evaluation:
    x: np.ndarray                 # (N, d) test points
    u: np.ndarray                 # (N,) prediction
    reference: np.ndarray | None  # (N,) reference solution, if any
    residual: np.ndarray          # (N,) PDE residual of the prediction
    metrics: dict
    derivatives: list = field(default_factory=list)            # 1D: [u', u'', ...] of the PINN
    reference_derivatives: list = field(default_factory=list)  # 1D: the same of the reference
    partials: dict = field(default_factory=dict)  # the residual's derivatives of u by name (u_x, u_xy)
    # a system (pinn.app.system_report): each field's prediction and reference, each equation's residual
    fields: dict = field(default_factory=dict)
    references: dict = field(default_factory=dict)
    residuals: dict = field(default_factory=dict)
    triangles: np.ndarray | None = None  # a shape's test mesh (the points are its nodes); None on a grid
    tetrahedra: np.ndarray | None = None  # a 3D body's test mesh


def _numpy(t: torch.Tensor) -> np.ndarray:
    return t.detach().double().cpu().numpy().ravel()


@dataclass
class Findings:
    """What a problem reports beyond the common metrics (:mod:`pinn.app.findings`): entries for
    metrics.json, lines for the terminal summary, and figures by file name."""

    metrics: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    figures: dict = field(default_factory=dict)


def _rel_l2(approx: np.ndarray, reference: np.ndarray, weights: np.ndarray | None = None) -> float:
    """‖approx − reference‖ / ‖reference‖: over the grid's points, or by quadrature ``weights``
    (a shape's test mesh)."""
    if weights is None:
        return float(np.linalg.norm(approx - reference) / np.linalg.norm(reference))
    return float(np.sqrt(np.sum(weights * (approx - reference) ** 2) / np.sum(weights * reference ** 2)))


def _rms(values: np.ndarray, weights: np.ndarray | None = None) -> float:
    """The root mean square over the grid's points, or by quadrature ``weights``."""
    if weights is None:
        return float(np.sqrt(np.mean(values ** 2)))
    return float(np.sqrt(np.sum(weights * values ** 2) / np.sum(weights)))


def _relative_or_absolute(name: str, approx: np.ndarray, reference: np.ndarray,
                          weights: np.ndarray | None = None) -> dict:
    """``{name: rel L2}``, or where the reference is 0 there (a relative error is then infinite
    and says nothing) the root-mean-square error under ``rms_error`` in place of ``rel_l2``; by
    quadrature ``weights`` on a shape's test mesh."""
    if np.linalg.norm(reference) > 0:
        return {name: _rel_l2(approx, reference, weights)}
    return {name.replace("rel_l2", "rms_error"): _rms(approx - reference, weights)}


def test_points(problem) -> torch.Tensor:
    """The closed test grid of the problem's box, float64 on the CPU."""
    return problem.domain.test_grid()


def derivative_count(problem) -> int:
    """How many of u, u', u'', ... are scored: up to u'' (or the order − 1 if lower) in 1D."""
    return min(3, problem.order + 1) if problem.domain.dim == 1 else 1


def reference_on_grid(problem, kind: str) -> list[np.ndarray] | None:
    """The reference ``kind`` (resolved) and its scored derivatives on the test grid, or None.

    Computed before training, so that a reference that cannot be had (solve_bvp does not
    converge, an ``exact`` that is NaN or infinite somewhere) stops the run before it trains;
    raises ConfigError then."""
    x = test_points(problem)
    try:
        if problem.is_system:  # each field's values, (N, k); NaN in a column the reference does not give
            rows = ([problem.exact(x).detach().numpy()] if kind == "exact" else
                    [problem.reference_values(x.numpy())] if kind in OWN else None)
        else:
            rows = reference_derivatives(problem, kind, x, derivative_count(problem))
    except PinnError as e:
        raise ConfigError(f"problem.reference: {e}; choose another reference, or none to train "
                          f"without one") from None
    if rows is None:
        return None
    columns = rows[0].reshape(len(x), -1)
    # a system's own reference may leave a field out (all NaN: the cavity's pressure); nothing else may
    given = columns[:, ~np.isnan(columns).all(axis=0)] if problem.is_system and kind in OWN else columns
    if not np.isfinite(given).all():
        bad = ~np.isfinite(given).all(axis=1)
        point = ", ".join(f"{v:.6g}" for v in x[int(np.argmax(bad))].tolist())
        source = "problem.exact" if kind == "exact" else "problem.reference"
        raise ConfigError(f"{source}: the {kind} solution is {rows[0][bad][0]} at ({point}), {int(bad.sum())} of "
                          f"{bad.size} test points; a reference must be finite on the whole domain")
    return rows


def evaluate(problem, model, device, dtype, kind: str, rows: list[np.ndarray] | None) -> Evaluation:
    """Score ``model`` on the test grid against the reference ``rows`` of kind ``kind`` (from
    :func:`reference_on_grid`).

    In 1D the derivatives u', ..., up to u'' (or the problem's order − 1 if lower) are compared too:
    ``rel_l2_du`` and ``rel_l2_d2u`` in the metrics.
    """
    x = test_points(problem).to(device=device, dtype=dtype).requires_grad_(True)
    count = derivative_count(problem)
    with torch.enable_grad():
        u = Field(x, model(x))
        residual = problem.residual(x, u)
        derivatives = [_numpy(u.d(*[0] * k)) for k in range(1, count)] if problem.domain.dim == 1 else []
        names = problem.domain.names
        partials = {"u_" + "".join(names[i] for i in key): _numpy(u.d(*key)) for key in sorted(u.requested) if key}
    weights, inside = problem.domain.test_weights, problem.domain.test_interior
    scored = _numpy(residual) if inside is None else _numpy(residual)[inside]
    metrics = {"residual_rms": _rms(scored, weights if inside is None else weights[inside])}
    u_np = _numpy(u.value)
    ref, ref_derivatives = (rows[0], rows[1:]) if rows is not None else (None, [])
    if ref is not None:
        error = u_np - ref
        metrics = {"rel_l2": _rel_l2(u_np, ref, weights), "max_abs_error": float(np.abs(error).max()), **metrics}
        for name, approx, exact in zip(("rel_l2_du", "rel_l2_d2u"), derivatives, ref_derivatives):
            metrics.update(_relative_or_absolute(name, approx, exact))
        time = problem.domain.time_dim
        if time is not None:
            final = np.isclose(x.detach().cpu().double().numpy()[:, time], problem.domain.bounds[time][1])
            metrics.update(_relative_or_absolute("rel_l2_final_time", u_np[final], ref[final]))
    metrics["reference"] = kind
    if kind == fem.NAME:  # how far the reference itself may be off: its two meshes' difference
        metrics["reference_mesh_difference"] = fem.solve_on_shape(problem, problem.fem_form).difference
    return Evaluation(x.detach().double().cpu().numpy(), u_np, ref, _numpy(residual), metrics,
                      derivatives, ref_derivatives, partials, triangles=problem.domain.test_triangles,
                      tetrahedra=problem.domain.test_tetrahedra)


GENERALISATION = 10  # test residual ÷ training residual above which a run is said to fit only its points


def generalisation_gap(problem, final_terms: dict, metrics: dict) -> str | None:
    """A warning where the PDE residual on the test set is far above the residual the training
    ended with: the network then satisfies the equation at its collocation points but not between
    them, and a small loss says nothing about the error. Shipped configs measure 0.93–2.4 (the
    L-shape's corner); the notched plate with exact data on too few points, 660. Obstacle problems
    are left out: their test residual includes the contact set, where the equation need not hold."""
    names = [n for n in (metrics.get("residual_rms_by_equation") or {"residual": None}) if n in final_terms]
    test = metrics.get("residual_rms")
    if problem.has_constraints or not names or test is None:
        return None
    trained = float(np.sqrt(np.mean([final_terms[n] for n in names])))
    if not test > GENERALISATION * trained:
        return None
    return (f"the PDE residual on the test set (rms {test:.3g}) is {test / max(trained, 1e-300):.0f} times the one "
            f"training ended with ({trained:.3g}): the network fits the equation at its collocation points but not "
            f"between them, so the loss says little about the error; give more interior points "
            f"(training.points.interior), or look at error.png")


def figure_title(problem, activation: str, metrics: dict) -> str:
    error = f"rel L2 {metrics['rel_l2']:.2e}" if "rel_l2" in metrics else \
        f"residual rms {metrics['residual_rms']:.2e}"
    return f"{problem.title()} — {activation} — {error}"


def _for_log_axis(values: np.ndarray) -> np.ndarray:
    """|values| floored at 1e-6 of their maximum: exact zeros (hard boundary data) would otherwise
    stretch a log axis down to 1e-300 and flatten everything else. NaN (a point left out) stays."""
    magnitude = np.abs(values)
    return np.maximum(magnitude, max(np.nanmax(magnitude), 1e-300) * 1e-6)


def solution_figure(problem, ev: Evaluation, activation: str):
    """1D: PINN against the reference, the pointwise error (or residual) on a log scale, and the
    derivatives u' and u'' against the reference's (fluxes matter to users of these problems)."""
    x = ev.x[:, 0]
    label = ev.metrics["reference"].replace("_", " ")
    panels = 2 + len(ev.derivatives)
    fig, axes = plt.subplots(panels, 1, figsize=(7, 2.4 * panels + 0.8), sharex=True)
    curves = [("u(x)", ev.u, ev.reference)] + [
        (f"u{chr(39) * k}(x)", d, ev.reference_derivatives[k - 1] if ev.reference_derivatives else None)
        for k, d in enumerate(ev.derivatives, start=1)]
    for ax, (name, approx, ref) in zip([axes[0], *axes[2:]], curves):
        if ref is not None:
            ax.plot(x, ref, color="black", lw=2.5, alpha=0.35, label=label)
        ax.plot(x, approx, color="tab:blue", lw=1.2, label="PINN")
        ax.set_ylabel(name)
        ax.legend(loc="best", fontsize=8)
    error_axis = axes[1]
    if ev.reference is not None:
        error_axis.semilogy(x, _for_log_axis(ev.u - ev.reference), color="tab:red")
        error_axis.set_ylabel(f"|u − u_{label.split()[0]}|")
    else:
        error_axis.semilogy(x, _for_log_axis(ev.residual), color="tab:red")
        error_axis.set_ylabel("|PDE residual|")
    axes[0].set_title(figure_title(problem, activation, ev.metrics))
    axes[-1].set_xlabel("x")
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return fig


def heatmaps_2d(problem, ev: Evaluation, activation: str) -> dict:
    """2D: ``solution.png`` (the PINN, and the reference beside it) and ``error.png``
    (|u − u_ref|, or |residual| without a reference), as heatmaps on the test grid."""
    xs, ys = np.unique(ev.x[:, 0]), np.unique(ev.x[:, 1])
    extent = (xs[0], xs[-1], ys[0], ys[-1])
    as_grid = lambda v: v.reshape(len(xs), len(ys)).T
    label = ev.metrics["reference"].replace("_", " ")
    panels = [("PINN u", ev.u)] + ([(f"reference ({label})", ev.reference)] if ev.reference is not None else [])
    solution, axes = plt.subplots(1, len(panels), figsize=(5.2 * len(panels), 4.6), squeeze=False)
    low, high = min(p.min() for _, p in panels), max(p.max() for _, p in panels)
    for ax, (name, values) in zip(axes[0], panels):
        image = ax.imshow(as_grid(values), origin="lower", extent=extent, cmap="viridis", vmin=low, vmax=high)
        ax.contour(as_grid(values), levels=12, origin="lower", extent=extent, colors="white", linewidths=0.5)
        ax.set_title(name)
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        solution.colorbar(image, ax=ax, shrink=0.85)
    solution.suptitle(figure_title(problem, activation, ev.metrics), fontsize=10)
    solution.tight_layout()
    error, ax = plt.subplots(figsize=(5.6, 4.8))
    values = np.abs(ev.u - ev.reference) if ev.reference is not None else np.abs(ev.residual)
    image = ax.imshow(np.log10(_for_log_axis(as_grid(values))), origin="lower", extent=extent, cmap="magma")
    error.colorbar(image, ax=ax, shrink=0.85, label="log10 " + ("|u − u_ref|" if ev.reference is not None
                                                                 else "|PDE residual|"))
    ax.set_title(figure_title(problem, activation, ev.metrics), fontsize=9)
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    error.tight_layout()
    return {"solution.png": solution, "error.png": error}


def space_time_figures(problem, ev: Evaluation, activation: str) -> dict:
    """1D space × time: ``solution.png`` (heatmaps of the PINN, the reference and the error over
    (x, t)) and ``snapshots.png`` (u(x) at five times against the reference)."""
    xs, ts = np.unique(ev.x[:, 0]), np.unique(ev.x[:, 1])
    as_grid = lambda v: v.reshape(len(xs), len(ts)).T  # rows: times, so t runs up the picture
    extent = (xs[0], xs[-1], ts[0], ts[-1])
    label = ev.metrics["reference"].replace("_", " ")
    title = figure_title(problem, activation, ev.metrics)
    panels = [("PINN u(x, t)", ev.u)] + ([(f"reference ({label})", ev.reference)] if ev.reference is not None else [])
    low, high = min(p.min() for _, p in panels), max(p.max() for _, p in panels)
    solution, axes = plt.subplots(1, len(panels) + 1, figsize=(4.6 * (len(panels) + 1), 4.2), squeeze=False)
    for ax, (name, values) in zip(axes[0], panels):
        image = ax.imshow(as_grid(values), origin="lower", extent=extent, aspect="auto", cmap="RdBu_r",
                          vmin=low, vmax=high)
        ax.set_title(name)
        solution.colorbar(image, ax=ax, shrink=0.85)
    errors = np.abs(ev.u - ev.reference) if ev.reference is not None else np.abs(ev.residual)
    image = axes[0][-1].imshow(np.log10(_for_log_axis(as_grid(errors))), origin="lower", extent=extent,
                               aspect="auto", cmap="magma")
    axes[0][-1].set_title("log10 |u − u_ref|" if ev.reference is not None else "log10 |PDE residual|")
    solution.colorbar(image, ax=axes[0][-1], shrink=0.85)
    for ax in axes[0]:
        ax.set_xlabel("x")
        ax.set_ylabel("t")
    solution.suptitle(title, fontsize=10)
    solution.tight_layout()
    snapshots, axes = plt.subplots(1, 5, figsize=(17, 3.4), sharey=True)
    for ax, index in zip(axes, np.linspace(0, len(ts) - 1, 5).round().astype(int)):
        rows = ev.x[:, 1] == ts[index]
        if ev.reference is not None:
            ax.plot(xs, ev.reference[rows], color="black", lw=2.5, alpha=0.35, label=label)
        ax.plot(xs, ev.u[rows], color="tab:blue", lw=1.2, label="PINN")
        ax.set_title(f"t = {ts[index]:.3g}")
        ax.set_xlabel("x")
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("u(x, t)")
    axes[0].legend(loc="best", fontsize=8)
    snapshots.suptitle(title, fontsize=10)
    snapshots.tight_layout()
    return {"solution.png": solution, "snapshots.png": snapshots}


def loss_figure(history, title: str, terms=None):
    """Each loss term (all recorded ones unless ``terms`` is given) against step on a log scale,
    with the stage boundaries marked."""
    fig, ax = plt.subplots(figsize=(7, 4))
    for name in terms or history.terms:
        ax.semilogy(history.steps, history.terms[name], label=name)
    for start, stage in zip(history.stage_starts, history.stages):
        ax.axvline(start, color="gray", ls="--", lw=0.8)
        ax.annotate(stage.optimizer, (start, 1), xycoords=("data", "axes fraction"),
                    xytext=(3, -12), textcoords="offset points", color="gray")
    ax.set_xlabel("step (Adam step or quasi-Newton iteration)")
    ax.set_ylabel("loss term (unweighted)")
    ax.set_title(title)
    ax.legend()
    ax.grid(alpha=0.3, which="both")
    fig.tight_layout()
    return fig

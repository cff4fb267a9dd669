"""What an inverse problem's run folder says about its learnt coefficients.

``findings(plan, history, title)`` → :class:`pinn.app.report.Findings`: each parameter's value, standard
error, 95 % interval and (where the true value is known) its error and whether the interval covers
it (:mod:`pinn.method.uncertainty`), for metrics.json and the terminal; the identifiability warnings; and
two figures: ``parameters.png`` (each parameter against step, its interval and true value) and
``data.png`` (the measurements with ±σ bars, the fitted u and the true solution where known; in 2D
the measured against the fitted values and where the measurements lie).
"""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.tri import Triangulation

from pinn.app import data as datafile
from pinn.app import shape_report
from pinn.app.inverse_schema import noise_levels
from pinn.app.report import Findings
from pinn.method import uncertainty


def findings(plan, history, title: str, say=None) -> Findings:
    trainables, loss, data = plan.trainables, plan.loss, plan.cfg.data
    if say is not None:
        say(f"computing the learnt parameters' 95 % intervals (a Jacobian of {loss.batch.x.shape[0]} physics rows "
            f"and {loss.measured[0].shape[0]} measurements)")
    result = uncertainty.identify(trainables, loss, noise_levels(data), say, data.measurements.fields)
    lines = []
    for name, e in result.estimates.items():
        line = (f"{name} = {e.value:.6g} ± {e.standard_error:.2g} (standard error); 95 % interval "
                f"[{e.interval[0]:.6g}, {e.interval[1]:.6g}]")
        if e.exact is not None:
            inside = "inside" if e.interval[0] <= e.exact <= e.interval[1] else "OUTSIDE"
            off = f"{abs(e.value - e.exact) / abs(e.exact):.2%}" if e.exact else f"{abs(e.value):.3g}"
            line += f"; true {e.exact:g}: {off} off, {inside} the interval"
        lines.append(line)
    noise = "estimated from the misfit" if result.noise_estimated else "as given"
    levels = (", ".join(f"{f} {level:.3g}" for f, level in result.noise.items()) if isinstance(result.noise, dict)
              else f"{result.noise:.3g}")
    lines.append(f"noise sigma = {levels} ({noise}; {result.degrees_of_freedom} degrees of freedom); "
                 f"data misfit rms {result.data_rms:.3g}")
    drawn = fields_data_figure if plan.problem.is_system else data_figure
    figures = {"parameters.png": lambda: parameters_figure(history, result, title),
               "data.png": lambda: drawn(plan, result, title)}
    warnings = result.warnings() + _unexplained(loss, trainables, data.measurements)
    if result.noise_estimated:  # the noise level is known only now
        levels = list(result.noise.values()) if isinstance(result.noise, dict) else result.noise
        warnings += datafile.contradictions(data.measurements, levels, plan.problem.domain.names)
    lines += [f"warning: {warning}" for warning in warnings]
    metrics = {**result.metrics(), "identification_warnings": warnings}
    narrow = [name for name, e in result.estimates.items() if not e.interval[1] - e.interval[0] > 0]
    if narrow:  # noisy data never pin a value down exactly: the computation failed, silently
        metrics["implausible"] = [f"the 95 % interval of {', '.join(narrow)} has zero width, which no finite "
                                  f"number of noisy measurements can give"]
    return Findings(metrics, lines, figures)


UNEXPLAINED = 0.25  # of the measurements' variance left in the misfit: the fit does not follow the data


def _unexplained(loss, trainables, measured) -> list[str]:
    """Fields whose fitted values leave more than ``UNEXPLAINED`` of the measurements' variance
    unexplained (R² < 0.75): the physics at the learnt values does not reach the data, and the
    intervals, computed at a point that does not fit, mean nothing. The Lorenz example with its
    data weighed as one-field problems are ended at R² < 0 with β 74 % off; fitted, R² > 0.999."""
    with torch.no_grad():
        left = loss.data_misfit(trainables).double().square().mean(dim=0).cpu().numpy()
    spread = measured.values.var(axis=0)
    poor = [(f, unexplained / variance) for f, unexplained, variance in zip(measured.fields, left, spread)
            if variance > 0 and unexplained > UNEXPLAINED * variance]
    if not poor:
        return []
    shares = ", ".join(f"{f} {share:.0%} (R² = {1 - share:.2f})" for f, share in poor)
    return [f"the fit leaves much of the measurements' variance unexplained: {shares}; the equations at the "
            f"learnt values do not reach the data, and the intervals mean little. Weigh the data more "
            f"(training.weights.data), start the parameters nearer, or train longer"]


def parameters_figure(history, result, title: str):
    """Each learnt parameter against step, on a log axis where it is positive, with its final 95 %
    interval as a band and its true value where known."""
    names = list(result.estimates)
    fig, axes = plt.subplots(len(names), 1, figsize=(7, 2.8 * len(names) + 0.6), squeeze=False)
    for ax, name in zip(axes[:, 0], names):
        e = result.estimates[name]
        values = np.asarray(history.terms[name])
        ax.plot(history.steps, values, color="tab:blue", lw=1.4, label=f"{name} (learnt)")
        if all(np.isfinite(e.interval)):
            ax.axhspan(*e.interval, color="tab:blue", alpha=0.15, label="95 % interval at the end")
        if e.exact is not None:
            ax.axhline(e.exact, color="black", ls="--", lw=1, label=f"true {e.exact:g}")
        if (values > 0).all() and e.interval[0] > 0 and np.isfinite(e.interval[1]):
            ax.set_yscale("log")
        for start, stage in zip(history.stage_starts, history.stages):
            ax.axvline(start, color="gray", ls=":", lw=0.8)
            ax.annotate(stage.optimizer, (start, 1), xycoords=("data", "axes fraction"), xytext=(3, -12),
                        textcoords="offset points", color="gray")
        ax.set_ylabel(name)
        ax.legend(loc="best", fontsize=8)
        ax.grid(alpha=0.3, which="both")
    axes[-1, 0].set_xlabel("step (Adam step or quasi-Newton iteration)")
    axes[0, 0].set_title(title, fontsize=9)
    fig.tight_layout()
    return fig


def data_figure(plan, result, title: str):
    """1D: the measurements (±σ), the fitted u and the true solution; 2D: fitted against measured
    values, and the measurement points over the fitted u (on a shape: its triangles, at the final
    time with time; in a 3D body: the points seen along z, coloured by the fitted u)."""
    measured = plan.cfg.data.measurements
    truth = plan.truth if plan.truth is not None and plan.truth.has_exact else None
    domain = plan.problem.domain
    grid = domain.test_grid()
    with torch.no_grad():
        fitted = plan.loss.data_misfit(plan.trainables).reshape(-1).double().cpu().numpy() + measured.u
        u = plan.model(grid.to(device=plan.device, dtype=plan.dtype)).double().cpu().numpy().ravel()
    sigma = result.noise
    if domain.dim == 1:
        fig, ax = plt.subplots(figsize=(7, 4.2))
        x = grid[:, 0].numpy()
        if truth is not None:
            ax.plot(x, truth.exact(grid).detach().numpy().ravel(), color="black", lw=2.5, alpha=0.35,
                    label="true solution")
        ax.plot(x, u, color="tab:blue", lw=1.3, label="PINN (fitted)")
        ax.errorbar(measured.x[:, 0], measured.u, yerr=sigma, fmt="o", ms=3.5, color="tab:red", capsize=2,
                    label=f"measurements (±σ = {sigma:.2g})")
        ax.set_xlabel(domain.names[0])
        ax.set_ylabel("u")
        ax.legend(loc="best", fontsize=8)
        ax.grid(alpha=0.3)
        ax.set_title(title, fontsize=9)
        fig.tight_layout()
        return fig
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6))
    lo, hi = min(measured.u.min(), fitted.min()), max(measured.u.max(), fitted.max())
    left.plot([lo, hi], [lo, hi], color="gray", lw=1)
    left.errorbar(measured.u, fitted, xerr=sigma, fmt="o", ms=3.5, color="tab:red", capsize=2)
    left.set_xlabel("measured u (±σ)")
    left.set_ylabel("PINN u at the same point")
    left.grid(alpha=0.3)
    if domain.test_tetrahedra is not None:  # a body: the points seen along z, coloured by the PINN's u there
        image = right.scatter(measured.x[:, 0], measured.x[:, 1], c=fitted, s=14, cmap="viridis",
                              edgecolors="tab:red", linewidths=0.6, label="measurement points (seen along z)")
    elif domain.test_triangles is not None:  # a shape: its triangles (at the final time, with time)
        nodes = len(grid) // (len(np.unique(grid[:, 2].numpy())) if domain.time_dim is not None else 1)
        mesh = Triangulation(grid[-nodes:, 0].numpy(), grid[-nodes:, 1].numpy(), domain.test_triangles)
        image = right.tripcolor(mesh, u[-nodes:], shading="gouraud", cmap="viridis")
        shape_report.outline(right, domain)
    else:
        xs, ys = np.unique(grid[:, 0].numpy()), np.unique(grid[:, 1].numpy())
        image = right.imshow(u.reshape(len(xs), len(ys)).T, origin="lower", extent=(xs[0], xs[-1], ys[0], ys[-1]),
                             cmap="viridis")
    if domain.test_tetrahedra is None:
        right.scatter(measured.x[:, 0], measured.x[:, 1], s=12, c="tab:red", edgecolors="white", linewidths=0.5,
                      label="measurement points")
    fig.colorbar(image, ax=right, shrink=0.85, label="PINN u")
    right.set_xlabel(domain.names[0])
    right.set_ylabel(domain.names[1])
    right.legend(loc="upper right", fontsize=8)
    fig.suptitle(title, fontsize=9)
    fig.tight_layout()
    return fig


def fields_data_figure(plan, result, title: str):
    """A system's measurements, one panel per measured field: on an interval, the measurements
    (±σ), the fitted field and the true one (exact or reference); otherwise fitted against
    measured values."""
    measured, domain = plan.cfg.data.measurements, plan.problem.domain
    with torch.no_grad():
        fitted = plan.loss.data_misfit(plan.trainables).double().cpu().numpy() + measured.values
    columns = [plan.problem.fields.index(f) for f in measured.fields]
    fig, axes = plt.subplots(len(columns), 1, figsize=(7, 2.6 * len(columns) + 0.6), squeeze=False)
    if domain.dim == 1:
        grid = domain.test_grid()
        with torch.no_grad():
            output = plan.model(grid.to(device=plan.device, dtype=plan.dtype)).double().cpu().numpy()
        rows = plan.reference_rows[0].reshape(len(grid), -1) if plan.reference_rows else None
    for j, (ax, f, column) in enumerate(zip(axes[:, 0], measured.fields, columns)):
        sigma = result.noise[f]
        if domain.dim == 1:
            x = grid[:, 0].numpy()
            if rows is not None:
                ax.plot(x, rows[:, column], color="black", lw=2.5, alpha=0.35, label=f"true {f}")
            ax.plot(x, output[:, column], color="tab:blue", lw=1.3, label=f"PINN {f} (fitted)")
            ax.errorbar(measured.x[:, 0], measured.values[:, j], yerr=sigma, fmt="o", ms=3, color="tab:red",
                        capsize=2, label=f"measurements (±σ = {sigma:.2g})")
            ax.set_ylabel(f)
            ax.legend(loc="best", fontsize=8)
        else:
            lo, hi = min(measured.values[:, j].min(), fitted[:, j].min()), max(measured.values[:, j].max(),
                                                                               fitted[:, j].max())
            ax.plot([lo, hi], [lo, hi], color="gray", lw=1)
            ax.errorbar(measured.values[:, j], fitted[:, j], xerr=sigma, fmt="o", ms=3.5, color="tab:red", capsize=2)
            ax.set_xlabel(f"measured {f} (±σ)")
            ax.set_ylabel(f"PINN {f} at the same point")
        ax.grid(alpha=0.3)
    if domain.dim == 1:
        axes[-1, 0].set_xlabel(domain.names[0])
    axes[0, 0].set_title(title, fontsize=9)
    fig.tight_layout()
    return fig

"""``pinn compare``: one obstacle config solved with every barrier penalty and formulation asked for.

Writes, in the comparison folder, one run folder per (formulation, penalty) — a formulation that
uses no penalty (fischer-burmeister) runs once, in a folder of its own name — and

* ``comparison.csv`` and ``comparison.md`` — one row per run: μ (the last stage's), rel L2, max
  error, max violation of u ≥ ψ, complementarity, free-boundary error, contact IoU, PReLU's final
  α, training seconds; for an option also the largest price error at the spots, the exercise-
  boundary error and the largest Δ error (:mod:`pinn.app.option_report`);
* ``comparison.png`` — one panel per formulation, the error |u − u_ref| of each penalty along x
  (in 2D along the line y = 0, on a space–time domain at the final time), so that bias and its
  location can be seen side by side.
"""
from __future__ import annotations

import csv
import dataclasses
from io import StringIO
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np

from pinn import problems
from pinn.app.config import Named, RunConfig
from pinn.app.progress import Progress
from pinn.app.run import solve
from pinn.core import files
from pinn.core.errors import ConfigError, DivergenceError
from pinn.core.params import did_you_mean
from pinn.method import constraints, penalties

COLUMNS = ("formulation", "penalty", "mu", "rel_l2", "max_abs_error", "max_violation", "complementarity",
           "free_boundary_error", "contact_iou", "alpha", "train_seconds", "status")
OPTION_COLUMNS = ("max_price_error", "exercise_boundary_error", "max_delta_error")  # where a run has them


def parse_list(text: str, allowed, option: str) -> list[str]:
    names = [t.strip() for t in text.split(",") if t.strip()]
    if not names:
        raise ConfigError(f"{option}: got {text!r}; expected a comma-separated list of {', '.join(allowed)}")
    for name in names:
        if name not in allowed:
            raise ConfigError(f"{option}: got {name!r}; expected a comma-separated list of "
                              f"{', '.join(allowed)}{did_you_mean(name, allowed)}")
    return names


def variant(cfg: RunConfig, formulation: str, penalty: str) -> RunConfig:
    """``cfg`` with another formulation and penalty (the config's own penalty keeps its params)."""
    own = cfg.constraint.penalty
    params = own.params if own.name == penalty else penalties.resolve_params(penalty, {})
    constraint = dataclasses.replace(cfg.constraint, formulation=formulation, penalty=Named(penalty, params))
    return dataclasses.replace(cfg, name=f"{cfg.name}-{formulation}-{penalty}", constraint=constraint)


def compare(cfg: RunConfig, penalty_names, formulation_names, out_dir: Path, progress: Progress | None = None):
    """Solve every (formulation, penalty) pair; returns the table rows (dicts keyed by COLUMNS)."""
    if cfg.constraint is None:
        raise ConfigError(f"compare: {cfg.problem.type} has no inequality constraint; compare needs an "
                          f"obstacle problem (tent1d, parabola1d, radial2d, american_put)")
    progress = progress or Progress()
    rows, curves = [], {}
    for formulation in formulation_names:
        uses_penalty = constraints.FORMULATIONS[formulation].uses_penalty
        for penalty in penalty_names if uses_penalty else penalty_names[:1]:
            run = variant(cfg, formulation, penalty)
            label = penalty if uses_penalty else constraints.NO_PENALTY
            progress.line(f"== {formulation} / {label}")
            row = {"formulation": formulation, "penalty": label}
            folder = f"{formulation}-{penalty}" if uses_penalty else formulation
            try:
                result = solve(run, out_dir=out_dir / folder, progress=progress)
            except DivergenceError:
                rows.append({**row, "status": "diverged"})
                continue
            m = result.metrics
            rows.append({**row, **{k: m.get(k) for k in (*COLUMNS[2:-1], *OPTION_COLUMNS) if k in m},
                         "status": "ok"})
            curves[formulation, label] = _error_line(result)
    files.write_text(out_dir / "comparison.csv", _csv(rows))
    files.write_text(out_dir / "comparison.md", markdown(rows, cfg))
    domain = problems.build_from(cfg.problem).domain
    figure = _figure(curves, formulation_names, cfg, domain.dim, domain.time_dim is not None)
    files.write_figure(out_dir / "comparison.png", figure)
    plt.close(figure)
    return rows


def _error_line(result):
    """(x, |u − u_ref|) along x (2D: on the line y = 0; space–time: at the final time) from a
    finished run's evaluation."""
    ev, domain = result.evaluation, result.problem.domain
    if ev.reference is None:
        return None
    line = domain.bounds[1][1] if domain.time_dim is not None else 0.0
    rows = np.isclose(ev.x[:, 1], line) if ev.x.shape[1] == 2 else slice(None)
    return ev.x[rows, 0], np.abs(ev.u - ev.reference)[rows]


def _cell(value) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2e}" if value != 0 else "0"
    return str(value)


def _columns(rows) -> tuple[str, ...]:
    """COLUMNS and the option's, less those no row has a value for (a price has no contact IoU)."""
    optional = ("free_boundary_error", "contact_iou", "alpha", *OPTION_COLUMNS)
    shown = lambda c: c not in optional or any(row.get(c) is not None for row in rows)
    return tuple(c for c in (*COLUMNS[:-2], *OPTION_COLUMNS, *COLUMNS[-2:]) if shown(c))


def markdown(rows, cfg: RunConfig) -> str:
    columns = _columns(rows)
    header = "| " + " | ".join(c.replace("_", " ") for c in columns) + " |"
    lines = [f"Comparison on `{cfg.problem.type}` ({cfg.network.activation.name} "
             f"{'x'.join(map(str, cfg.network.layers))}; mu: the last stage's)", "",
             header, "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(_cell(row.get(c)) for c in columns) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def _csv(rows) -> str:
    buffer = StringIO()
    writer = csv.DictWriter(buffer, fieldnames=_columns(rows), extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def _figure(curves, formulation_names, cfg: RunConfig, dim: int, time: bool):
    fig, axes = plt.subplots(1, len(formulation_names), figsize=(5 * len(formulation_names), 4),
                             squeeze=False, sharey=True)
    for ax, formulation in zip(axes[0], formulation_names):
        for (shown, penalty), curve in curves.items():
            if shown == formulation and curve is not None:
                ax.semilogy(curve[0], np.maximum(curve[1], 1e-16), lw=1.1, label=penalty)
        ax.set_title(formulation)
        ax.set_xlabel("x" if dim == 1 else "x (at the final time)" if time else "x (on the line y = 0)")
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    axes[0][0].set_ylabel("|u − u_ref|")
    fig.suptitle(f"{cfg.problem.type}: error by penalty and formulation", fontsize=11)
    fig.tight_layout()
    return fig


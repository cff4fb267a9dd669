"""The lid-driven cavity's own report: the centreline profiles u(0.5, y) and v(x, 0.5) of the
PINN against Ghia, Ghia & Shin's table (1982) and the finite-difference reference, with the
largest deviation from the table (``ghia_max_deviation`` in metrics.json)."""
from __future__ import annotations

import numpy as np
import torch

from pinn.app.report import Findings, plt
from pinn.problems.references import cavity


def _line(model, points: np.ndarray, column: int) -> np.ndarray:
    x = torch.as_tensor(points, dtype=next(model.parameters()).dtype, device=next(model.parameters()).device)
    with torch.no_grad():
        return model(x)[:, column].double().cpu().numpy()


def cavity_report(problem, model, evaluation, title: str) -> Findings:
    s = np.linspace(0.0, 1.0, 201)
    u_line = np.column_stack([np.full_like(s, 0.5), s])
    v_line = np.column_stack([s, np.full_like(s, 0.5)])
    u_ghia = _line(model, np.column_stack([np.full_like(cavity.GHIA_Y, 0.5), cavity.GHIA_Y]), 0)
    v_ghia = _line(model, np.column_stack([cavity.GHIA_X, np.full_like(cavity.GHIA_X, 0.5)]), 1)
    deviation = {"u": float(np.abs(u_ghia - cavity.GHIA_U).max()), "v": float(np.abs(v_ghia - cavity.GHIA_V).max())}
    reference = problem.reference_values(np.vstack([u_line, v_line]))
    figure, (left, right) = plt.subplots(1, 2, figsize=(11, 4.6))
    left.plot(reference[:len(s), 0], s, color="black", lw=2.5, alpha=0.35, label="finite differences")
    left.plot(_line(model, u_line, 0), s, color="tab:blue", lw=1.2, label="PINN")
    left.plot(cavity.GHIA_U, cavity.GHIA_Y, "o", mfc="none", color="tab:red", label="Ghia et al. 1982")
    left.set_xlabel("u(0.5, y)")
    left.set_ylabel("y")
    right.plot(s, reference[len(s):, 1], color="black", lw=2.5, alpha=0.35, label="finite differences")
    right.plot(s, _line(model, v_line, 1), color="tab:blue", lw=1.2, label="PINN")
    right.plot(cavity.GHIA_X, cavity.GHIA_V, "o", mfc="none", color="tab:red", label="Ghia et al. 1982")
    right.set_xlabel("x")
    right.set_ylabel("v(x, 0.5)")
    for ax in (left, right):
        ax.grid(alpha=0.3)
        ax.legend(loc="best", fontsize=8)
    figure.suptitle(title, fontsize=10)
    figure.tight_layout()
    line = (f"centrelines against Ghia et al. (1982), 17 points each: max |u − u_Ghia| {deviation['u']:.2e}, "
            f"max |v − v_Ghia| {deviation['v']:.2e}")
    return Findings({"ghia_max_deviation": deviation}, [line], {"centrelines.png": figure})

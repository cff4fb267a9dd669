"""What a run of an American option (:mod:`pinn.problems.american`) reports beyond the common metrics, in S and
calendar terms (τ is the time to expiry; calendar time t = T − τ):

* ``prices``: V at the spots S the config lists, at τ = T, against the reference;
* ``greeks``: Δ = ∂V/∂S, Γ = ∂²V/∂S² and Θ = ∂V/∂t = −V_τ (per year) at the spots, from the
  network by autograd, against the reference's (spline derivatives in S, central differences
  between its τ levels);
* ``exercise_boundary``: S*(τ) at the reference's 100 τ levels. The PINN's is located as the
  obstacle problems' free boundary is (:mod:`pinn.app.contact`): walking in from the end deep in the
  money (a put's lower end, a call's upper one), where the residual falls through half of
  λ* = ω(qS − rK), the value it takes where the option is exercised (a gap threshold would be
  biased: the gap grows quadratically); the reference's by the
  gap and smooth pasting (:func:`pinn.problems.references.black_scholes.contact_boundary`).
  ``exercise_boundary_error`` is max |ΔS*|/K over τ ≥ 5 % of T (at shorter times S* moves as
  √(τ ln τ) and a grid of 100 levels does not resolve it);
* ``rel_l2_window``: rel L2 over the test grid's points with S in ``window``.

Figures: ``option.png`` (V(S) at four τ with the payoff; S*(τ) and its error), ``greeks.png``.
"""
from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import torch

from pinn.app import report
from pinn.app.report import Findings
from pinn.core.field import Field
from pinn.problems.references.black_scholes import AmericanGrid

BOUNDARY_FROM = 0.05   # exercise_boundary_error counts τ ≥ BOUNDARY_FROM · T
BOUNDARY_NODES = 2001  # x nodes per τ level on which the PINN's boundary is located
# A trained price may miss a no-arbitrage bound by its own error (the shipped put: 3.4e-4 at most,
# 3.4e-6 K); 1e-3 K (a tenth of a dollar at K = 100) is 300 times that, far below a wrong answer
# (the σ = 4, T = 40 call on a short schedule: V > S by 4.2e3)
NO_ARBITRAGE_TOL = 1e-3


def _network_values(problem, model, x: np.ndarray, tau: np.ndarray) -> dict[str, np.ndarray]:
    """V, V_x, V_xx, V_τ and the residual R[V] at points (x, τ), float64 numpy."""
    parameter = next(model.parameters())
    points = torch.tensor(np.stack([x, tau], axis=1), dtype=parameter.dtype, device=parameter.device)
    points.requires_grad_(True)
    with torch.enable_grad():
        u = Field(points, model(points))
        found = {"V": u.value, "V_x": u.d(0), "V_xx": u.d(0, 0), "V_tau": u.d(1),
                 "residual": problem.residual(points, u)}
    return {k: v.detach().double().cpu().numpy().ravel() for k, v in found.items()}


def _greeks(values: dict, s: np.ndarray) -> dict[str, np.ndarray]:
    return {"delta": values["V_x"] / s, "gamma": (values["V_xx"] - values["V_x"]) / s ** 2,
            "theta": -values["V_tau"]}


def network_boundary(problem, model, taus: np.ndarray) -> np.ndarray:
    """S*(τ) of the network at each τ: walking in from the end deep in the money (exercised by
    construction) towards the strike, where R[V] first falls below λ*/2 (linear between nodes);
    NaN where that end is not in contact. One evaluation on the grid of all τ and
    BOUNDARY_NODES x-nodes."""
    option = problem.option
    x = np.linspace(problem.bounds[1] if option.call else problem.bounds[0], 0.0, BOUNDARY_NODES)
    grid_x, grid_tau = np.meshgrid(x, taus)
    residual = _network_values(problem, model, grid_x.ravel(), grid_tau.ravel())["residual"].reshape(grid_x.shape)
    s = option.K * np.exp(x)
    found = []
    for above in residual - option.omega * (option.q * s - option.r * option.K) / 2:
        outside = np.flatnonzero(above < 0)
        if len(outside) == 0:
            found.append(s[-1])
        elif outside[0] == 0:
            found.append(float("nan"))
        else:
            i = outside[0]
            a, b = above[i - 1], above[i]
            found.append(option.K * math.exp(x[i - 1] + a / (a - b) * (x[i] - x[i - 1])))
    return np.array(found, dtype=float)


def option_report(problem, model, evaluation, title: str):
    """The :class:`pinn.app.report.Findings` of an American option run."""
    option, grid = problem.option, problem.reference_grid()
    spots = np.array(problem.params["spots"], dtype=float)
    x_spots = np.log(spots / option.K)
    at_expiry = np.full_like(x_spots, option.T)
    values = _network_values(problem, model, x_spots, at_expiry)
    greeks = _greeks(values, spots)
    reference = grid.at(x_spots, at_expiry)
    reference_greeks = grid.greeks(x_spots, option.T)
    prices = [{"S": float(s), "V": float(v), "V_ref": float(vr), "error": float(v - vr)}
              for s, v, vr in zip(spots, values["V"], reference)]
    table = [{"S": float(s), **{f"{name}{suffix}": float(source[name][i])
                                for name in ("delta", "gamma", "theta")
                                for suffix, source in (("", greeks), ("_ref", reference_greeks))}}
             for i, s in enumerate(spots)]
    taus = grid.tau[1:]
    boundary = network_boundary(problem, model, taus)
    boundary_ref = grid.exercise_boundary()
    counted = taus >= BOUNDARY_FROM * option.T - 1e-12
    boundary_error = float(np.nanmax(np.abs(boundary - boundary_ref)[counted]) / option.K) \
        if grid.exercised_early and np.isfinite(boundary[counted]).all() else None
    metrics = {"prices": prices, "max_price_error": float(np.max(np.abs([p["error"] for p in prices]))),
               "greeks": table,
               "max_delta_error": float(np.max(np.abs(greeks["delta"] - reference_greeks["delta"]))),
               "exercise_boundary_error": boundary_error,
               "exercise_boundary": {"tau": taus.tolist(), "S": boundary.tolist(), "S_ref": boundary_ref.tolist()},
               **_window_l2(problem, evaluation)}
    violations = no_arbitrage_violations(problem, evaluation)
    if violations:
        metrics["implausible"] = violations
    lines = [f"prices at τ = T = {option.T:g} (time to expiry), against the {evaluation.metrics['reference']} "
             "reference:",
             "       S          V      V_ref      error      Δ    Δ_ref"]
    lines += [f"  {p['S']:8.2f} {p['V']:10.5f} {p['V_ref']:10.5f} {p['error']:+10.2e} {g['delta']:+.4f} "
              f"{g['delta_ref']:+.4f}" for p, g in zip(prices, table)]
    bound = ("n/a (never exercised early: " + ("q = 0" if option.call else "r = 0") + ")" if not grid.exercised_early
             else "n/a (no contact found)" if boundary_error is None else f"{boundary_error:.2e} K")
    lines.append(f"exercise boundary S*(τ): max error {bound} for τ ≥ {BOUNDARY_FROM:g} T; "
                 f"rel L2 over S in [{problem.params['window'][0]:g}, {problem.params['window'][1]:g}]: "
                 f"{metrics.get('rel_l2_window', float('nan')):.3e}")
    figures = {"option.png": _option_figure(problem, model, grid, taus, boundary, boundary_ref, title),
               "greeks.png": _greeks_figure(problem, model, grid, title)}
    return Findings(metrics, lines, figures)


def no_arbitrage_violations(problem, evaluation, tolerance: float = NO_ARBITRAGE_TOL) -> list[str]:
    """What no option can be worth, found on the test grid: below its payoff or the European
    option (early exercise is a right, never a duty), above K (a put) or S (a call). Each bound
    broken by more than ``tolerance``·K is one line: the bound, by how much, and where."""
    option = problem.option
    x, tau, v = evaluation.x[:, 0], evaluation.x[:, 1], evaluation.u.reshape(-1)
    s = option.K * np.exp(x)
    european = option.european(torch.from_numpy(x)[:, None], torch.from_numpy(tau)[:, None]).numpy().ravel()
    bounds = [("below its payoff", option.payoff(x) - v), ("below the European option's price", european - v),
              ("above S (a call is never worth more than the asset)" if option.call else
               "above K (a put is never worth more than its strike)", v - (s if option.call else option.K))]
    found = []
    for what, excess in bounds:
        worst = int(np.argmax(excess))
        if excess[worst] > tolerance * option.K:
            found.append(f"the price is {what} by {excess[worst]:.4g} at S = {s[worst]:.6g}, τ = {tau[worst]:.4g} "
                         f"(V = {v[worst]:.6g}): no option can be worth that; train longer, or check the setup")
    return found


def _window_l2(problem, evaluation) -> dict:
    if evaluation.reference is None:
        return {}
    s = problem.option.K * np.exp(evaluation.x[:, 0])
    lo, hi = problem.params["window"]
    chosen = (s >= lo * (1 - 1e-12)) & (s <= hi * (1 + 1e-12))
    error = evaluation.u[chosen] - evaluation.reference[chosen]
    return {"rel_l2_window": float(np.linalg.norm(error) / np.linalg.norm(evaluation.reference[chosen]))}


def _window_line(problem) -> np.ndarray:
    lo, hi = problem.params["window"]
    lo = max(lo, problem.option.K * math.exp(problem.bounds[0]))
    hi = min(hi, problem.option.K * math.exp(problem.bounds[1]))
    return np.linspace(lo, hi, 401)


def _option_figure(problem, model, grid: AmericanGrid, taus, boundary, boundary_ref, title):
    option = problem.option
    s = _window_line(problem)
    x = np.log(s / option.K)
    fig, axes = plt.subplots(1, 3, figsize=(16, 4.6))
    ax = axes[0]
    ax.plot(s, option.payoff(x), color="black", lw=1, label=f"payoff max({'S − K' if option.call else 'K − S'}, 0)")
    for fraction, color in zip((0.1, 0.25, 0.5, 1.0), ("tab:blue", "tab:orange", "tab:green", "tab:red")):
        tau = np.full_like(x, fraction * option.T)
        ax.plot(s, _network_values(problem, model, x, tau)["V"], color=color,
                label=f"PINN, τ = {fraction * option.T:g}")
        ax.plot(s, grid.at(x, tau), color="black", ls=":", lw=1.2)
    ax.set(xlabel="spot S", ylabel=f"{'call' if option.call else 'put'} value V",
           title="V(S) at four times to expiry (dotted: reference)")
    ax.legend(fontsize=8)
    ax = axes[1]
    ax.plot(option.T - taus, boundary_ref, color="black", lw=2.5, alpha=0.35, label="reference")
    ax.plot(option.T - taus, boundary, color="tab:red", label="PINN")
    ax.set(xlabel="calendar time t = T − τ (years)", ylabel="exercise boundary S*",
           title=f"early exercise {'above' if option.call else 'below'} S*(t)")
    ax.legend(fontsize=8)
    ax = axes[2]
    ax.semilogy(taus, np.maximum(np.abs(boundary - boundary_ref) / option.K, 1e-8), color="tab:red")
    ax.axvline(BOUNDARY_FROM * option.T, color="gray", ls="--", lw=1, label=f"scored from τ = {BOUNDARY_FROM:g} T")
    ax.axhline(5e-3, color="gray", ls=":", lw=1, label="0.5 % of K")
    ax.legend(fontsize=8)
    ax.set(xlabel="time to expiry τ", ylabel="|S* − S*_ref| / K", title="exercise-boundary error")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def _greeks_figure(problem, model, grid: AmericanGrid, title):
    option = problem.option
    s = _window_line(problem)
    x = np.log(s / option.K)
    values = _network_values(problem, model, x, np.full_like(x, option.T))
    greeks, reference = _greeks(values, s), grid.greeks(x, option.T)
    fig, axes = plt.subplots(2, 3, figsize=(15, 7), sharex=True)
    for column, (name, label) in enumerate((("delta", "Δ = ∂V/∂S"), ("gamma", "Γ = ∂²V/∂S²"),
                                            ("theta", "Θ = ∂V/∂t (per year)"))):
        axes[0][column].plot(s, reference[name], color="black", lw=2.5, alpha=0.35, label="reference")
        axes[0][column].plot(s, greeks[name], color="tab:red", label="PINN (autograd)")
        axes[0][column].set(title=f"{label} at τ = T", ylabel=label)
        axes[0][column].legend(fontsize=8)
        axes[1][column].semilogy(s, np.maximum(np.abs(greeks[name] - reference[name]), 1e-12), color="tab:red")
        axes[1][column].set(xlabel="spot S", ylabel="|PINN − reference|")
    fig.suptitle(title)
    fig.tight_layout()
    return fig


def score_model(problem, model) -> dict:
    """The common and the option metrics of any model of V(x, τ) (an expression twin's, trained
    without a reference) against ``problem``'s reference, on its test grid and spots."""
    parameter = next(model.parameters())
    rows = report.reference_on_grid(problem, problem.reference_name)
    evaluation = report.evaluate(problem, model, parameter.device, parameter.dtype, problem.reference_name, rows)
    findings = option_report(problem, model, evaluation, problem.title())
    for figure in findings.figures.values():
        plt.close(figure)
    return {**evaluation.metrics, **findings.metrics}

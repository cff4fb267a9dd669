"""The American put: the Black–Scholes variational inequality, an obstacle problem in time.

In log-price x = ln(S/K) and time to expiry τ (the domain's time axis ``t``), V(x, τ) solves

    min( V_τ − ½σ² V_xx − (r − q − ½σ²) V_x + r V ,  V − ψ ) = 0,   ψ = K max(1 − eˣ, 0),

with V(x, 0) = ψ: the complementarity problem of :mod:`pinn.constraints` with R[V] the
Black–Scholes operator and the payoff as obstacle. Log-price makes the operator's coefficients
constant (in S, ½σ²S² V_SS spans orders of magnitude over the domain) and spreads the region near
the strike, where everything happens, evenly.

**Output transform.** The payoff's kink at the strike smooths only as √τ (V_Eu(K, τ) ≈ Kσ√(τ/2π)),
which no smooth network times a power of τ represents, and which collocation points never see (a
network left to itself settles at V = ψ with a tiny loss). The European put V_Eu has exactly that
singular part in closed form and solves the same PDE, so it is the problem's base solution
(:mod:`problems.evolution_transform`) and the network carries only the early-exercise premium
V − V_Eu, which is bounded by (rK − qS)τ (measured: premium/τ ≤ 2.75 for K = 100, r = q = 0.05):

    V = V_Eu + (1 − ξ) P(τ) + (τ/T) · 4ξ(1 − ξ) · N(x, τ),   ξ = (x − x₀)/(x₁ − x₀),

where P(τ) = V(x₀, τ) − V_Eu(x₀, τ) is the premium at the lower end. V = ψ at τ = 0, V = K − S
at x₀ and V = V_Eu at x₁ hold exactly; the loss is the complementarity residual alone.

**Truncation.** x₀ = ln(S_min/K) with S_min at most the perpetual put's exercise boundary S*_∞
(a lower bound of S*(τ) for every τ when r > 0), so V = K − S holds there exactly; x₁ = ln(S_max/K)
with S_max = K e^{5σ√T}, where the premium is below 1e-8 (measured 1.7e-9 at τ = 1 for the
shipped case) and V = V_Eu. The reference (:mod:`problems.black_scholes`) is computed on a wider
grid, so the truncation is part of the measured error.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch

from pinn.domains import SpaceTime, interval
from pinn.errors import ParamError
from pinn.params import Param, non_negative, positive

from .base import LowerObstacle, Problem
from .black_scholes import AmericanPutGrid, Option
from .conditions import Dirichlet

Tensor = torch.Tensor
REFERENCE_WIDTH = 8     # the reference grid spans x = ±8σ√T (and the problem's domain)
FAR_FIELD = 5           # S_max = K e^{5σ√T} by default
REFERENCE_GRID = (3200, 1600)  # intervals × steps of the coarse solve: 1.5 s; S = K case 1e-6 off


class AmericanPut(Problem):
    """An American put: min(V_τ − L V, V − max(K − S, 0)) = 0 in x = ln(S/K) and τ ∈ [0, T]."""

    name = "american_put"
    summary = ("American put: Black-Scholes variational inequality in x = ln(S/K) and time to expiry; "
               "Crank-Nicolson penalty reference")
    parameters_spec = {
        "K": positive("float", default=100.0, doc="strike"),
        "r": non_negative("float", default=0.05, doc="risk-free rate (continuous, per year)"),
        "q": non_negative("float", default=0.05, doc="dividend yield (continuous, per year)"),
        "sigma": positive("float", default=0.25, doc="volatility (per √year)"),
        "T": positive("float", default=1.0, doc="time to expiry in years"),
        "S_min": Param(None, "float", lambda v: v > 0, "a number > 0",
                       "lower end of the domain in S (default: min(perpetual boundary, K/2))"),
        "S_max": Param(None, "float", lambda v: v > 0, "a number > 0",
                       "upper end of the domain in S (default K e^{5σ√T})"),
        "spots": Param((80.0, 90.0, 100.0, 110.0, 120.0), "floats",
                       lambda v: all(s > 0 for s in v), "a list of numbers > 0",
                       "spot prices S at which prices and Greeks are reported (at τ = T)"),
        "window": Param((50.0, 150.0), "floats", lambda v: len(v) == 2 and 0 < v[0] < v[1],
                        "two numbers 0 < lo < hi", "the S range of rel_l2_window"),
    }
    order = 2
    has_constraints = True
    reference_name = "crank-nicolson"

    def __init__(self, **params):
        super().__init__(**params)
        p = self.params
        self.option = Option(p["K"], p["r"], p["q"], p["sigma"], p["T"])
        spread = p["sigma"] * math.sqrt(p["T"])
        s_min = p["S_min"] or min(self.option.perpetual_boundary() or 0.5, 0.5) * p["K"]
        s_max = p["S_max"] or p["K"] * math.exp(FAR_FIELD * spread)
        self.bounds = (math.log(s_min / p["K"]), math.log(s_max / p["K"]))
        if not s_min < p["K"] < s_max:
            key, value = ("S_min", s_min) if s_min >= p["K"] else ("S_max", s_max)
            raise ParamError(key, value, f"S_min < K = {p['K']:g} < S_max (the domain must hold the strike)")
        outside = [spot for spot in p["spots"] if not s_min <= spot <= s_max]
        if outside:
            raise ParamError("spots", list(p["spots"]), f"spot prices within the domain [S_min, S_max] = "
                                                          f"[{s_min:.6g}, {s_max:.6g}]")
        perpetual = self.option.perpetual_boundary() * p["K"]
        if p["r"] > 0 and s_min > perpetual:
            self.notes = [f"problem: S_min = {s_min:g} is above the perpetual exercise boundary {perpetual:.6g}, "
                          f"so V = K - S there is exact only while S*(τ) > S_min; leave S_min out for the default "
                          f"min(S*_∞, K/2)"]

    @property
    def domain(self) -> SpaceTime:
        return SpaceTime(interval(*self.bounds), (0.0, self.option.T))

    def title(self) -> str:
        p = self.params
        return f"american_put(K={p['K']:g}, r={p['r']:g}, q={p['q']:g}, sigma={p['sigma']:g}, T={p['T']:g})"

    def residual(self, x, u):
        o = self.option
        return u.d(1) - 0.5 * o.sigma ** 2 * u.d(0, 0) - (o.r - o.q - 0.5 * o.sigma ** 2) * u.d(0) + o.r * u.value

    def obstacle(self, x: Tensor) -> Tensor:
        return self.option.payoff(x[:, :1])

    def constraints(self):
        return [LowerObstacle(self.obstacle)]

    def multiplier(self, x: Tensor) -> Tensor:
        """R[ψ] = rK − qS below the strike: what the residual equals where the put is exercised."""
        s = self.option.K * torch.exp(x[:, :1])
        return torch.where(s < self.option.K, self.option.r * self.option.K - self.option.q * s, torch.zeros_like(s))

    def exact_contact(self, x):
        return None

    def lower_end(self, p: Tensor) -> Tensor:
        """V at x₀: K − S (exercised; exact when S_min is below the perpetual boundary)."""
        o, x, tau = self.option, p[:, :1], p[:, 1:]
        s = torch.exp(x)
        return o.K * torch.maximum(1 - s, torch.exp(-o.r * tau) - s * torch.exp(-o.q * tau))

    def european(self, p: Tensor) -> Tensor:
        return self.option.european_put(p[:, :1], p[:, 1:])

    def boundary_conditions(self):
        d = self.domain
        return [Dirichlet(d.initial(), self.obstacle), Dirichlet(d.side(0, "lower"), self.lower_end),
                Dirichlet(d.side(0, "upper"), self.european)]

    def base_solution(self, p: Tensor) -> Tensor:
        """The European put: the payoff at τ = 0 and its √τ smoothing, in closed form."""
        return self.european(p)

    def findings(self, model, evaluation, title):
        from .american_report import option_report
        return option_report(self, model, evaluation, title)

    def reference_grid(self) -> AmericanPutGrid:
        return _reference(self.option, self.bounds)

    def reference_values(self, points: np.ndarray) -> np.ndarray:
        return self.reference_grid().at(points[:, 0], points[:, 1])


@lru_cache(maxsize=4)
def _reference(option: Option, bounds: tuple[float, float]) -> AmericanPutGrid:
    """Cached per process: validation and scoring ask for the same grid (1.5 s)."""
    spread = REFERENCE_WIDTH * option.sigma * math.sqrt(option.T)
    return AmericanPutGrid.solve(option, (min(-spread, bounds[0]), max(spread, bounds[1])), *REFERENCE_GRID)

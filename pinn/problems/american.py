"""American options: the Black–Scholes variational inequality, an obstacle problem in time.

Written below for the put; the call on a dividend-paying asset (``american_call``) is its mirror
image: payoff K max(eˣ − 1, 0), exercised above S*(τ), the far field at low S and the exercised
end at S_max = max(S*_∞, 2K).

In log-price x = ln(S/K) and time to expiry τ (the domain's time axis ``t``), V(x, τ) solves

    min( V_τ − ½σ² V_xx − (r − q − ½σ²) V_x + r V ,  V − ψ ) = 0,   ψ = K max(1 − eˣ, 0),

with V(x, 0) = ψ: the complementarity problem of :mod:`pinn.method.constraints` with R[V] the
Black–Scholes operator and the payoff as obstacle. Log-price makes the operator's coefficients
constant (in S, ½σ²S² V_SS spans orders of magnitude over the domain) and spreads the region near
the strike, where everything happens, evenly.

**Output transform.** The payoff's kink at the strike smooths only as √τ (V_Eu(K, τ) ≈ Kσ√(τ/2π)),
which no smooth network times a power of τ represents, and which collocation points never see (a
network left to itself settles at V = ψ with a tiny loss). The European put V_Eu has exactly that
singular part in closed form and solves the same PDE, so it is the problem's base solution
(:mod:`pinn.problems.evolution_transform`) and the network carries only the early-exercise premium
V − V_Eu, which is bounded by (rK − qS)τ (measured: premium/τ ≤ 2.75 for K = 100, r = q = 0.05):

    V = V_Eu + (1 − ξ) P(τ) + (τ/T) · 4ξ(1 − ξ) · N(x, τ),   ξ = (x − x₀)/(x₁ − x₀),

where P(τ) = V(x₀, τ) − V_Eu(x₀, τ) is the premium at the lower end. V = ψ at τ = 0, V = K − S
at x₀ and V = V_Eu at x₁ hold exactly; the loss is the complementarity residual alone.

**Truncation.** x₀ = ln(S_min/K) with S_min at most the perpetual put's exercise boundary S*_∞
(a lower bound of S*(τ) for every τ when r > 0), so V = K − S holds there exactly; x₁ = ln(S_max/K)
with S_max = K e^{5σ√T}, where the premium is below 1e-8 (measured 1.7e-9 at τ = 1 for the
shipped case) and V = V_Eu. The reference (:mod:`pinn.problems.references.black_scholes`) is computed on a wider
grid, so the truncation is part of the measured error.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import torch

from pinn.core.domains import SpaceTime, interval
from pinn.core.errors import ParamError
from pinn.core.params import Param
from pinn.problems.base import LowerObstacle, Problem
from pinn.problems.conditions import Dirichlet
from pinn.problems.references.black_scholes import AmericanGrid, NotSettled, Option
from pinn.problems.references.bvp import ReferenceError

Tensor = torch.Tensor
REFERENCE_WIDTH = 8     # the reference grid spans x = ±8σ√T (and the problem's domain)
FAR_FIELD = 5           # S_max = K e^{5σ√T} by default
REFERENCE_GRID = (3200, 1600)  # intervals × steps of the coarse solve: 1.5 s; S = K case 1e-6 off
RESOLVED_CELLS = 25     # grid cells across σ√T, the width of the payoff's smoothed kink, at the least


class AmericanOption(Problem):
    """An American option: min(V_τ − L V, V − ψ) = 0 in x = ln(S/K) and τ ∈ [0, T] (ω = −1 for a put,
    +1 for a call: ψ = K max(ω(eˣ − 1), 0))."""

    call = False
    parameters_spec = {
        "K": Param(100.0, "float", lambda v: 1e-6 <= v <= 1e12, "a strike in [1e-6, 1e12]", "strike"),
        "r": Param(0.05, "float", lambda v: 0 <= v <= 1, "a rate in [0, 1] per year",
                   "risk-free rate (continuous, per year)"),
        "q": Param(0.05, "float", lambda v: 0 <= v <= 1, "a yield in [0, 1] per year",
                   "dividend yield (continuous, per year)"),
        "sigma": Param(0.25, "float", lambda v: 0 < v <= 5, "a volatility in (0, 5] per √year",
                       "volatility (per √year)"),
        "T": Param(1.0, "float", lambda v: 0 < v <= 50, "a time to expiry in (0, 50] years",
                   "time to expiry in years"),
        "S_min": Param(None, "float", lambda v: v > 0, "a number > 0",
                       "lower end of the domain in S (default: see pinn.problems.american)"),
        "S_max": Param(None, "float", lambda v: v > 0, "a number > 0",
                       "upper end of the domain in S (default: see pinn.problems.american)"),
        "spots": Param(None, "floats", lambda v: all(s > 0 for s in v), "a list of numbers > 0",
                       "spot prices S at which prices and Greeks are reported (at τ = T; default: "
                       "0.8, 0.9, 1, 1.1 and 1.2 times K)"),
        "window": Param(None, "floats", lambda v: len(v) == 2 and 0 < v[0] < v[1],
                        "two numbers 0 < lo < hi", "the S range of rel_l2_window and of the figures "
                                                   "(default: [K/2, 3K/2] within the domain)"),
    }
    order = 2
    has_constraints = True
    reference_name = "crank-nicolson"

    def __init__(self, **params):
        super().__init__(**params)
        p = self.params
        self.option = Option(p["K"], p["r"], p["q"], p["sigma"], p["T"], call=self.call)
        w, far = self.option.omega, FAR_FIELD * p["sigma"] * math.sqrt(p["T"])
        perpetual = self.option.perpetual_boundary()
        exercised = 0 < perpetual < math.inf
        # the end deep in the money (low S for a put) and the one far out of it
        in_the_money = w * max(w * math.log(perpetual), math.log(2)) if exercised else w * far
        default = sorted((p["K"] * math.exp(in_the_money), p["K"] * math.exp(-w * far)))
        s_min, s_max = p["S_min"] or default[0], p["S_max"] or default[1]
        self.bounds = (math.log(s_min / p["K"]), math.log(s_max / p["K"]))
        if not s_min < p["K"] < s_max:
            key, value = ("S_min", s_min) if s_min >= p["K"] else ("S_max", s_max)
            raise ParamError(key, value, f"S_min < K = {p['K']:g} < S_max (the domain must hold the strike)")
        if p["spots"] is None:
            self.params = p = {**p, "spots": tuple(f * p["K"] for f in (0.8, 0.9, 1.0, 1.1, 1.2))}
        outside = [spot for spot in p["spots"] if not s_min <= spot <= s_max]
        if outside:
            raise ParamError("spots", list(p["spots"]), f"spot prices within the domain [S_min, S_max] = "
                                                          f"[{s_min:.6g}, {s_max:.6g}]")
        window = p["window"]
        if window is None:
            self.params = p = {**p, "window": (max(p["K"] / 2, s_min), min(1.5 * p["K"], s_max))}
        elif not (s_min * (1 - 1e-12) <= window[0] and window[1] <= s_max * (1 + 1e-12)):
            raise ParamError("window", list(window), f"an S range within the domain [S_min, S_max] = "
                                                     f"[{s_min:.6g}, {s_max:.6g}]")
        cell = (lambda lo, hi: (hi - lo) / REFERENCE_GRID[0])(*_reference_bounds(self.option, self.bounds))
        if p["sigma"] * math.sqrt(p["T"]) < RESOLVED_CELLS * cell:
            shortest = (RESOLVED_CELLS * cell / p["sigma"]) ** 2
            raise ParamError("T", p["T"], f"a time to expiry whose price the reference resolves: the payoff's kink "
                                          f"smooths over sigma*sqrt(T) = {p['sigma'] * math.sqrt(p['T']):.2g} in ln S, "
                                          f"less than {RESOLVED_CELLS} cells of the reference grid ({cell:.2g}); "
                                          f"T >= {shortest:.2g} here")
        key, given = ("S_max", s_max) if self.call else ("S_min", s_min)
        if exercised and p[key] is not None and w * math.log(given / p["K"]) < w * math.log(perpetual) - 1e-12:
            self.notes = [f"problem: {key} = {given:g} is short of the perpetual exercise boundary "
                          f"{perpetual * p['K']:.6g}, so V = {'S - K' if self.call else 'K - S'} there is exact only "
                          f"while S*(τ) is beyond it; leave {key} out for the default"]

    @property
    def domain(self) -> SpaceTime:
        return SpaceTime(interval(*self.bounds), (0.0, self.option.T))

    def title(self) -> str:
        p = self.params
        return f"{self.name}(K={p['K']:g}, r={p['r']:g}, q={p['q']:g}, sigma={p['sigma']:g}, T={p['T']:g})"

    def residual(self, x, u):
        o = self.option
        return u.d(1) - 0.5 * o.sigma ** 2 * u.d(0, 0) - (o.r - o.q - 0.5 * o.sigma ** 2) * u.d(0) + o.r * u.value

    def obstacle(self, x: Tensor) -> Tensor:
        return self.option.payoff(x[:, :1])

    def constraints(self):
        return [LowerObstacle(self.obstacle)]

    def multiplier(self, x: Tensor) -> Tensor:
        """R[ψ] = ω(qS − rK) in the money: what the residual equals where the option is exercised."""
        o = self.option
        s = o.K * torch.exp(x[:, :1])
        return torch.where(o.omega * (s - o.K) > 0, o.omega * (o.q * s - o.r * o.K), torch.zeros_like(s))

    def exact_contact(self, x):
        return None

    def in_the_money_end(self, p: Tensor) -> Tensor:
        """V deep in the money: ω(S − K) where exercised (exact beyond the perpetual boundary),
        else the forward value (:meth:`pinn.problems.references.black_scholes.Option.deep_in_the_money`)."""
        return self.option.deep_in_the_money(p[:, :1], p[:, 1:])

    def european(self, p: Tensor) -> Tensor:
        return self.option.european(p[:, :1], p[:, 1:])

    def boundary_conditions(self):
        d = self.domain
        lower, upper = (self.european, self.in_the_money_end) if self.call else (self.in_the_money_end, self.european)
        return [Dirichlet(d.initial(), self.obstacle), Dirichlet(d.side(0, "lower"), lower),
                Dirichlet(d.side(0, "upper"), upper)]

    def base_solution(self, p: Tensor) -> Tensor:
        """The European option: the payoff at τ = 0 and its √τ smoothing, in closed form."""
        return self.european(p)

    def reference_grid(self) -> AmericanGrid:
        return _reference(self.option, self.bounds)

    def reference_values(self, points: np.ndarray) -> np.ndarray:
        return self.reference_grid().at(points[:, 0], points[:, 1])


class AmericanPut(AmericanOption):
    """An American put, ψ = max(K − S, 0). Default domain: S_min = min(S*_∞, K/2) (V = K − S there),
    S_max = K e^{5σ√T} (V = the European put there); with r = 0 (never exercised early) S_min = K e^{−5σ√T}."""

    name = "american_put"
    summary = ("American put: Black-Scholes variational inequality in x = ln(S/K) and time to expiry; "
               "Crank-Nicolson penalty reference")


class AmericanCall(AmericanOption):
    """An American call on a dividend-paying asset, ψ = max(S − K, 0): the mirror image of the put.
    Default domain: S_min = K e^{−5σ√T} (V = the European call), S_max = max(S*_∞, 2K) (V = S − K);
    with q = 0 it is never exercised early (it is the European call) and S_max = K e^{5σ√T}."""

    name = "american_call"
    summary = ("American call with dividends: Black-Scholes variational inequality in x = ln(S/K) and "
               "time to expiry; Crank-Nicolson penalty reference")
    call = True


def _reference_bounds(option: Option, bounds: tuple[float, float]) -> tuple[float, float]:
    spread = REFERENCE_WIDTH * option.sigma * math.sqrt(option.T)
    return min(-spread, bounds[0]), max(spread, bounds[1])


@lru_cache(maxsize=4)
def _reference(option: Option, bounds: tuple[float, float]) -> AmericanGrid:
    """Cached per process: validation and scoring ask for the same grid (1.5 s). An option never
    exercised early is the European one, in closed form."""
    wide = _reference_bounds(option, bounds)
    if not 0 < option.perpetual_boundary() < math.inf:
        return AmericanGrid.european(option, wide, REFERENCE_GRID[0])
    try:
        return AmericanGrid.solve(option, wide, *REFERENCE_GRID)
    except NotSettled as e:
        raise ReferenceError(f"the Crank-Nicolson reference of {option} cannot be trusted: {e}") from None

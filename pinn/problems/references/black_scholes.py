"""Black–Scholes pricing in log-price: European options in closed form and American ones by
penalised Crank–Nicolson finite differences, the classical reference of :mod:`pinn.problems.american`.

With x = ln(S/K) and τ the time to expiry, an option's value V(x, τ) solves

    V_τ = L V := ½σ² V_xx + (r − q − ½σ²) V_x − r V,   V(x, 0) = ψ(x) = K max(ω(eˣ − 1), 0)

(ω = −1 for a put, +1 for a call), an American one the variational inequality
min(V_τ − L V, V − ψ) = 0. The log grid makes the operator's coefficients constant and puts the
strike on a node (the payoff's kink at x = 0). At the grid's ends the option is worth its
deep-in-the-money value on one side and 0 on the other.

The finite-difference reference (Forsyth & Vetzal 2002, "Quadratic convergence for valuing
American options using a penalty method"): central differences on a uniform x grid with 0 a node,
Crank–Nicolson in τ with a Rannacher start (the first two steps as four implicit Euler half steps,
which damp the kink's high frequencies that Crank–Nicolson alone would carry), and at each step
the penalty iteration

    [I − θΔτ L + P(V)] V = [I + (1 − θ)Δτ L] Vⁿ + P(V) ψ,   P_ii = 1/tol where V_i < ψ_i, else 0,

repeated until P stops changing. The solution on (M, N) and (2M, 2N) intervals is combined by
Richardson extrapolation, V_R = V_2 + (V_2 − V_1)/3 on the coarse nodes.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from scipy.interpolate import CubicSpline
from scipy.linalg import solve_banded

Tensor = torch.Tensor
PENALTY_TOL = 1e-9     # V may sit below ψ by about (rK − qS)·tol in contact: 1e-7 at K = 100
RANNACHER_STEPS = 2    # Crank–Nicolson steps replaced by two implicit Euler half steps each
MAX_ITERATIONS = 50    # penalty iterations at one step: more is a failure, not a longer wait


class NotSettled(ArithmeticError):
    """The penalty iteration did not settle at some step: the reference cannot be trusted."""


@dataclass(frozen=True)
class Option:
    """A put (or, with ``call``, a call) struck at K, expiring in T years; rate r, dividend yield
    q, volatility σ. ω = −1 for a put and +1 for a call below."""

    K: float
    r: float
    q: float
    sigma: float
    T: float
    call: bool = False

    @property
    def omega(self) -> int:
        return 1 if self.call else -1

    def european(self, x: Tensor, tau: Tensor) -> Tensor:
        """The Black–Scholes European price ωK(e^{x−qτ} N(ωd₁) − e^{−rτ} N(ωd₂)) at S = K eˣ and
        time to expiry τ (a torch function, so autograd gives its Greeks); the payoff at τ = 0."""
        held = tau > 0
        tau_held = torch.where(held, tau, torch.ones_like(tau))  # the unused branch stays finite, as do its gradients
        s = self.sigma * torch.sqrt(tau_held)
        d1 = (x + (self.r - self.q + 0.5 * self.sigma ** 2) * tau_held) / s
        d2 = d1 - s
        w = self.omega
        price = w * self.K * (torch.exp(x - self.q * tau_held) * torch.special.ndtr(w * d1)
                              - torch.exp(-self.r * tau_held) * torch.special.ndtr(w * d2))
        return torch.where(held, price, self.payoff(x))

    def payoff(self, x):
        """K max(ω(eˣ − 1), 0) (torch or numpy)."""
        if isinstance(x, Tensor):
            return self.K * torch.relu(self.omega * (torch.exp(x) - 1))
        return self.K * np.maximum(self.omega * (np.exp(x) - 1), 0.0)

    def deep_in_the_money(self, x, tau):
        """max(ω(S − K), ω(S e^{−qτ} − K e^{−rτ})) (torch or numpy): the option deep in the money,
        where it is exercised (ω(S − K) once S is beyond S*(τ), which holds for every τ beyond the
        perpetual boundary) or, where early exercise never pays, worth its forward value."""
        lib = torch if isinstance(x, Tensor) else np
        s = lib.exp(x)
        forward = s * lib.exp(-self.q * tau) - lib.exp(-self.r * tau)
        return self.K * lib.maximum(self.omega * (s - 1), self.omega * forward)

    def perpetual_boundary(self) -> float:
        """S*_∞/K, the perpetual option's exercise boundary, which bounds S*(τ) for every τ (below
        for a put, above for a call): γ solves ½σ²γ(γ − 1) + (r − q)γ − r = 0 (the root < 0 for a
        put, > 1 for a call) and S*_∞ = K γ/(γ − 1). A put with r ≤ 0 (a call with q ≤ 0) is never
        exercised early: 0 (∞)."""
        if (self.q if self.call else self.r) <= 0:
            return math.inf if self.call else 0.0
        a, b, c = 0.5 * self.sigma ** 2, self.r - self.q - 0.5 * self.sigma ** 2, -self.r
        gamma = (-b + self.omega * math.sqrt(b * b - 4 * a * c)) / (2 * a)
        return gamma / (gamma - 1)


def _tridiagonal(option: Option, h: float, n: int):
    """Coefficients (lower, diagonal, upper) of L on interior nodes of a grid with spacing h."""
    a = 0.5 * option.sigma ** 2 / h ** 2
    b = (option.r - option.q - 0.5 * option.sigma ** 2) / (2 * h)
    return np.full(n, a - b), np.full(n, -2 * a - option.r), np.full(n, a + b)


def _crank_nicolson(option: Option, x: np.ndarray, steps: int, keep_every: int) -> np.ndarray:
    """V on the nodes x at τ = 0, keep_every·Δτ, ..., T: shape (len(x), steps/keep_every + 1)."""
    h = x[1] - x[0]
    lower, diagonal, upper = _tridiagonal(option, h, len(x) - 2)
    payoff = option.payoff(x)
    inner = payoff[1:-1]
    v = payoff.copy()
    kept = [v.copy()]
    dt = option.T / steps
    plan = [(dt / 2, 1.0)] * (2 * RANNACHER_STEPS) + [(dt, 0.5)] * (steps - RANNACHER_STEPS)
    tau = 0.0
    done_steps = 0.0
    for step, theta in plan:
        tau += step
        explicit = v[1:-1] + (1 - theta) * step * (lower * v[:-2] + diagonal * v[1:-1] + upper * v[2:])
        far = option.deep_in_the_money(x[-1 if option.call else 0], tau)
        ends = (0.0, far) if option.call else (far, 0.0)
        explicit[0] += theta * step * lower[0] * ends[0]
        explicit[-1] += theta * step * upper[-1] * ends[1]
        band = np.zeros((3, len(inner)))
        band[0, 1:] = -theta * step * upper[:-1]
        band[2, :-1] = -theta * step * lower[1:]
        base = 1 - theta * step * diagonal
        active = v[1:-1] < inner
        # Forsyth–Vetzal: repeat until the active set repeats. A node at the edge of contact can make
        # it cycle through a few sets for ever (the put's default case did at 3 % of its steps, r = q = 0
        # at every step); then the nodes of every set in the cycle are held, which ends it.
        seen = []
        for _ in range(MAX_ITERATIONS):
            band[1] = base + active / PENALTY_TOL
            guess = solve_banded((1, 1), band, explicit + active * inner / PENALTY_TOL)
            now_active = guess < inner
            if np.array_equal(now_active, active):
                break
            cycle = next((i for i, earlier in enumerate(seen) if np.array_equal(now_active, earlier)), None)
            if cycle is not None:
                active = np.logical_or.reduce([*seen[cycle:], active])
                band[1] = base + active / PENALTY_TOL
                guess = solve_banded((1, 1), band, explicit + active * inner / PENALTY_TOL)
                break
            seen.append(active)
            active = now_active
        else:
            raise NotSettled(f"the penalty iteration did not settle in {MAX_ITERATIONS} iterations at "
                             f"τ = {tau:.3g} (of T = {option.T:g})")
        v = np.concatenate([[ends[0]], guess, [ends[1]]])
        done_steps += step / dt
        if abs(done_steps - round(done_steps)) < 1e-9 and round(done_steps) % keep_every == 0:
            kept.append(v.copy())
    return np.stack(kept, axis=1)


@dataclass
class AmericanGrid:
    """The Richardson-extrapolated American option on nodes x (log-price) and levels tau."""

    option: Option
    x: np.ndarray
    tau: np.ndarray
    values: np.ndarray  # (len(x), len(tau))

    @classmethod
    def solve(cls, option: Option, bounds: tuple[float, float], intervals: int = 1600, steps: int = 800,
              levels: int = 100) -> "AmericanGrid":
        """On x ∈ bounds widened to put 0 on a node; ``intervals`` × ``steps`` for the coarse solve
        (the fine one doubles both). ``levels`` must divide ``steps``: the τ levels kept."""
        lo, hi = bounds
        h = (hi - lo) / intervals
        lo, hi = math.floor(lo / h) * h, math.ceil(hi / h) * h
        nodes = int(round((hi - lo) / h))
        coarse_x = lo + h * np.arange(nodes + 1)
        fine_x = lo + h / 2 * np.arange(2 * nodes + 1)
        coarse = _crank_nicolson(option, coarse_x, steps, steps // levels)
        fine = _crank_nicolson(option, fine_x, 2 * steps, 2 * steps // levels)[::2]
        return cls(option, coarse_x, np.linspace(0.0, option.T, levels + 1), fine + (fine - coarse) / 3)

    @classmethod
    def european(cls, option: Option, bounds: tuple[float, float], intervals: int = 1600,
                 levels: int = 100) -> "AmericanGrid":
        """The option where early exercise never pays (a put with r = 0, a call with q = 0): the
        American price is the European one, in closed form on the same nodes and levels."""
        x = np.linspace(*bounds, intervals + 1)
        tau = np.linspace(0.0, option.T, levels + 1)
        values = option.european(torch.from_numpy(x)[:, None], torch.from_numpy(tau)[None, :])
        return cls(option, x, tau, values.numpy())

    @property
    def exercised_early(self) -> bool:
        return 0 < self.option.perpetual_boundary() < math.inf

    def level(self, tau: float) -> int:
        """The index of the kept level τ (which must be one)."""
        index = int(round(tau / self.option.T * (len(self.tau) - 1)))
        if abs(self.tau[index] - tau) > 1e-9 * self.option.T:
            raise ValueError(f"τ = {tau} is not a kept level of the reference")
        return index

    def at(self, x: np.ndarray, tau: np.ndarray) -> np.ndarray:
        """V at points (x, τ): a cubic spline in x on the two kept levels around τ, linear in τ
        between them (exact in τ at the levels; the test grid and the price spots are levels)."""
        x, tau = np.asarray(x, float).ravel(), np.asarray(tau, float).ravel()
        position = np.clip(tau / self.option.T * (len(self.tau) - 1), 0, len(self.tau) - 1)
        below = np.minimum(np.floor(position).astype(int), len(self.tau) - 2)
        weight = position - below
        out = np.empty_like(x)
        for k in np.unique(below):
            chosen = below == k
            spline = CubicSpline(self.x, self.values[:, k:k + 2], axis=0)
            pair = spline(x[chosen])
            out[chosen] = (1 - weight[chosen]) * pair[:, 0] + weight[chosen] * pair[:, 1]
        return out

    def greeks(self, x: np.ndarray, tau: float) -> dict[str, np.ndarray]:
        """Δ = V_S, Γ = V_SS and Θ = ∂V/∂t = −V_τ (per year of calendar time) at level τ, from the
        cubic spline in x: Θ by the PDE, −L V where the put is held and 0 where it is exercised
        (a difference between τ levels would be first order at τ = T)."""
        o = self.option
        spline = CubicSpline(self.x, self.values[:, self.level(tau)])
        s = o.K * np.exp(x)
        v, v_x, v_xx = spline(x), spline(x, 1), spline(x, 2)
        held = v - o.payoff(x) > PENALTY_TOL * o.K * 100
        operator = 0.5 * o.sigma ** 2 * v_xx + (o.r - o.q - 0.5 * o.sigma ** 2) * v_x - o.r * v
        return {"delta": v_x / s, "gamma": (v_xx - v_x) / s ** 2, "theta": np.where(held, -operator, 0.0)}

    def exercise_boundary(self) -> np.ndarray:
        """S*(τ) at each kept level τ > 0 (:func:`contact_boundary` on the grid values; a call's
        is found on the mirrored grid, its exercise region lying above the strike); NaN where the
        option is never exercised early."""
        o = self.option
        if not self.exercised_early:
            return np.full(len(self.tau) - 1, np.nan)  # no exercise region: no boundary to invent
        found = []
        for k in range(1, len(self.tau)):
            gap = np.clip(self.values[:, k] - o.payoff(self.x), 0, None) / o.K
            found.append(-contact_boundary(-self.x[::-1], gap[::-1]) if o.call else contact_boundary(self.x, gap))
        return o.K * np.exp(np.array(found))


def contact_boundary(x: np.ndarray, gap: np.ndarray, floor: float = 1e-6) -> float:
    """x* for one τ, the exercise region lying below it (x ascending, gap = (V − ψ)/K ≥ 0): the
    largest x below the strike with gap ≤ floor, refined by smooth pasting: beyond x* the gap
    grows as ½(V − ψ)_xx (x − x*)², so √gap is linear in x there and a line through √gap at the
    first two nodes above ``floor`` meets zero at x*. NaN without contact."""
    touching = np.nonzero((x < 0) & (gap <= floor))[0]
    if len(touching) == 0:
        return float("nan")
    first = touching[-1] + 1
    x1, x2 = x[first], x[first + 1]
    g1, g2 = math.sqrt(gap[first]), math.sqrt(gap[first + 1])
    if g2 <= g1:
        return float(x1)
    return float(x1 - g1 * (x2 - x1) / (g2 - g1))

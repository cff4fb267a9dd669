"""Exact initial and boundary data for space–time problems, and periodic sides.

On a space–time domain (x in [a, b], t in [t₀, t₁], s = (t − t₀)/(t₁ − t₀)) with initial data
u(x, t₀) = u₀(x), optionally u_t(x, t₀) = v₀(x), and Dirichlet data g_a(t), g_b(t) at the ends
E ⊂ {a, b}, the network represents

    u = A(x, t) + s^p · D(x) · N(x, t),

    A = u₀(x) + (t − t₀) v₀(x) + ℓ(x, t) − ℓ(x, t₀) − (t − t₀) ℓ_t(x, t₀),

with p the number of initial conditions (1, or 2 with a rate), ℓ the linear interpolant in x of
the end data (constant with one end, absent with none), and D the 1D distance factor of
:meth:`pinn.problems.base.Problem.hard_dirichlet` (1 without Dirichlet ends). Then u(x, t₀) = u₀,
u_t(x, t₀) = v₀ and, where the data are compatible (u₀(a) = g_a(t₀), v₀(a) = g_a'(t₀)),
u(a, t) = g_a(t) for every weight vector. Incompatible data get no transform: the conditions stay
as loss terms, and :func:`initial_data_mismatches` says why before training.

**A base solution.** Initial data with a kink (an option's payoff) smooth only as √(t − t₀) under
a second-order equation, which no smooth N times s^p represents, and the collocated residual
never sees the kink itself: the network can settle at u ≈ u₀ with a tiny loss. Where the problem
gives a known function B(x, t) with the same initial data and the same singular behaviour (the
European price under an American one: ``Problem.base_solution``), the transform is applied to
the remainder, u = B + A[data − B] + s^p D N: the network carries only u − B. Without one, a kink
in u₀ is refused before training unless forced (:func:`initial_kinks`, ``pinn.app.plan.check_problem``).

A periodic pair of sides is exact through the network's input map (Fourier features in that
coordinate, :mod:`pinn.core.network`), so :class:`pinn.problems.conditions.Periodic` is never a loss term.
"""
from __future__ import annotations

import torch

from pinn.core.network import HardDirichlet
from pinn.problems.conditions import BoundaryCondition, Derivative, Dirichlet

COMPATIBLE = 1e-9  # |u₀(a) − g_a(t₀)| above this (relative) leaves the data as loss terms
KINK_CELLS = 4096  # u₀ is probed for kinks on this many cells (and half as many)
KINK = 1e-2        # a slope jump above this fraction of max |u₀'| counts as a kink


def initial_conditions(problem) -> tuple[BoundaryCondition | None, BoundaryCondition | None]:
    """(u(x, t₀) = u₀, u_t(x, t₀) = v₀) among the problem's conditions; None where not given."""
    start = problem.domain.initial()
    on = [bc for bc in problem.conditions if bc.side == start]
    value = next((bc for bc in on if isinstance(bc, Dirichlet)), None)
    rate = next((bc for bc in on if isinstance(bc, Derivative) and bc.order == 1), None)
    return value, rate


def space_time_transform(problem):
    """(HardDirichlet, covered conditions) for a 1D-space problem with u₀ given, else None
    (module docstring)."""
    domain = problem.domain
    if len(domain.space_dims) != 1:
        return None
    value, rate = initial_conditions(problem)
    if value is None:
        return None
    (a, b), (t0, t1) = domain.bounds
    ends = {bc.side.value: bc for bc in problem.conditions if isinstance(bc, Dirichlet) and bc.side.dim == 0}
    if not _compatible(value, rate, ends, t0):
        return None
    length, duration, power = b - a, t1 - t0, 1 + (rate is not None)
    zero = lambda p: torch.zeros_like(p[:, :1])
    base = problem.base_solution or zero
    u0 = lambda p: value.value(p) - base(p)
    v0 = (lambda p: rate.value(p) - _time_derivative(base, p)) if rate is not None else zero

    def at_time(p, t):
        return torch.cat([p[:, :1], torch.full_like(p[:, :1], t)], dim=1)

    def ends_interpolant(p):
        if not ends:
            return zero(p)
        on_end = lambda end: torch.cat([torch.full_like(p[:, :1], end), p[:, 1:]], dim=1)
        data = {end: bc.value(on_end(end)) - base(on_end(end)) for end, bc in ends.items()}
        if len(data) == 1:
            return next(iter(data.values()))
        return data[a] + (data[b] - data[a]) * (p[:, :1] - a) / length

    rates = ({end: _rate(bc.value, end, t0) - _rate(base, end, t0) for end, bc in ends.items()}
             if rate is not None else {})

    def slope(p):  # ℓ_t(x, t₀): the interpolant of the ends' rates g'(t₀), linear in x
        if len(rates) < 2:
            return torch.full_like(p[:, :1], next(iter(rates.values()), 0.0))
        return rates[a] + (rates[b] - rates[a]) * (p[:, :1] - a) / length

    def lift(p):
        elapsed = p[:, 1:] - t0
        start = at_time(p, t0)
        correction = ends_interpolant(p) - ends_interpolant(start) - elapsed * slope(p)
        return base(p) + u0(start) + elapsed * v0(start) + correction

    p_a, p_b = int(a in ends), int(b in ends)
    peak = (p_a / (p_a + p_b)) ** p_a * (p_b / (p_a + p_b)) ** p_b if ends else 1.0

    def distance(p):
        x, s = p[:, :1], (p[:, 1:] - t0) / duration
        return s ** power * ((x - a) / length) ** p_a * ((b - x) / length) ** p_b / peak

    covered = [value, *([rate] if rate is not None else []), *ends.values()]
    return HardDirichlet(lift, distance), covered


def _time_derivative(fn, p):
    """∂fn/∂t at points p (time the last column) by autograd, differentiable in p where p is part
    of a graph (the lift is differentiated again); 0 where fn does not depend on t."""
    inner = p if p.requires_grad else p.detach().requires_grad_(True)
    with torch.enable_grad():
        values = fn(inner)
        g = torch.autograd.grad(values.sum(), inner, create_graph=True, allow_unused=True)[0] \
            if values.requires_grad else None
    return torch.zeros_like(values) if g is None else g[:, -1:]


def _rate(fn, end: float, t0: float) -> float:
    """∂fn/∂t at (end, t₀) (0 for data constant in time)."""
    return float(_time_derivative(fn, torch.tensor([[end, t0]], dtype=torch.float64)))


def _compatible(value, rate, ends, t0) -> bool:
    """Whether u₀ (and v₀) agree with the end data at t₀ (else an exact transform cannot hold both)."""
    for end, bc in ends.items():
        point = torch.tensor([[end, t0]], dtype=torch.float64)
        data = float(bc.value(point))
        mismatch = abs(float(value.value(point)) - data)
        if rate is not None:
            mismatch = max(mismatch, abs(float(rate.value(point)) - _rate(bc.value, end, t0)))
        if mismatch > COMPATIBLE * (1 + abs(data)):
            return False
    return True


def initial_kinks(problem) -> list[str]:
    """A kink in u₀ − B (B the base solution, else 0) under an equation of order ≥ 2, in words.

    Slopes over cells of width h: where u₀ is smooth, slopes two cells apart differ by about
    2h max |u₀''| and halve with h; across a kink they differ by the jump c at every h. So a kink
    is a largest difference above KINK · max |u₀'| that does not halve when h does."""
    value, _ = initial_conditions(problem) if problem.domain.time_dim is not None else (None, None)
    if value is None or len(problem.domain.space_dims) != 1 or problem.order < 2:
        return []
    (a, b), (t0, _) = problem.domain.bounds
    base = problem.base_solution

    def slope_jumps(cells):
        x = torch.linspace(a, b, cells + 1, dtype=torch.float64)[:, None]
        p = torch.cat([x, torch.full_like(x, t0)], dim=1)
        u = (value.value(p) - (base(p) if base is not None else 0)).detach().reshape(-1)
        slopes = (u[1:] - u[:-1]) * cells / (b - a)
        return (slopes[2:] - slopes[:-2]).abs(), float(slopes.abs().max())

    coarse, _ = slope_jumps(KINK_CELLS // 2)
    fine, steepest = slope_jumps(KINK_CELLS)
    jump = float(fine.max())
    if not (jump > KINK * steepest and jump > 0.6 * float(coarse.max())):
        return []
    where = a + (int(fine.argmax()) + 2) * (b - a) / KINK_CELLS
    width = f"√(t − {t0:g})" if t0 else "√t"
    return [f"problem: the initial value u(x, {t0:g}) has a kink near x = {where:.4g} (its slope jumps by about "
            f"{jump:.3g}). A second-order equation smooths it over a layer of width ~{width} that a "
            f"smooth network times t cannot follow, and collocation points never see the kink itself: the "
            f"network can settle near u(x, {t0:g}) with a tiny loss and a wrong solution. Give a base "
            f"solution with the same kink (problem.base; for an option, the European price: README, "
            f"American options) so that the network learns only the smooth remainder. Use --force to train "
            f"anyway"]


def initial_data_mismatches(problem) -> list[str]:
    """Where initial data disagree with the Dirichlet ends at t₀ (then no exact transform: they
    stay loss terms) or across a periodic pair of sides, in words. A value that differs across
    periodic sides cannot be held by a periodic network with u₀ exact (the run would be wrong); a
    derivative that jumps is kept at all times by u = u₀ + t·N, where the PDE would smooth it
    within a thin layer: said, so that a user knows where the error sits."""
    found = []
    value, rate = initial_conditions(problem) if problem.domain.time_dim is not None else (None, None)
    if value is not None and len(problem.domain.space_dims) == 1:
        t0 = problem.domain.initial().value
        ends = {bc.side.value: bc for bc in problem.conditions if isinstance(bc, Dirichlet) and bc.side.dim == 0}
        for end, bc in ends.items():
            if not _compatible(value, rate, {end: bc}, t0):
                found.append(f"problem: the initial data and the boundary condition {bc} disagree at "
                             f"{problem.domain.describe([end, t0])}; they cannot both hold exactly there, so "
                             f"both are trained as loss terms (and the solution jumps at that corner)")
    for axis, (lower, upper) in problem.periodic_axes().items():
        for bc in initial_conditions(problem):
            if bc is None:
                continue
            t0 = problem.domain.initial().value
            ends = torch.tensor([[lower, t0], [upper, t0]], dtype=torch.float64, requires_grad=True)
            with torch.enable_grad():
                values = bc.value(ends)
                derivative = (torch.autograd.grad(values.sum(), ends, allow_unused=True)[0]
                              if values.requires_grad else None)
            values = values.detach()
            jump = float(values[0] - values[1])
            what = "u(x, t0)" if isinstance(bc, Dirichlet) else "u_t(x, t0)"
            if abs(jump) > COMPATIBLE * (1 + float(values.abs().max())):
                found.append(f"problem: the initial data {what} differ across the periodic sides "
                             f"{problem.domain.side(axis, 'lower')} and {problem.domain.side(axis, 'upper')} "
                             f"({float(values[0]):.6g} and "
                             f"{float(values[1]):.6g}); a periodic solution cannot take them")
            elif derivative is not None and abs(float(derivative[0, axis] - derivative[1, axis])) > 1e-6:
                found.append(f"problem: the derivative of the initial data {what} jumps by "
                             f"{float(derivative[0, axis] - derivative[1, axis]):.6g} across the periodic "
                             f"sides; the exact initial condition keeps that kink at all times, where the "
                             f"equation would smooth it in a thin layer at the sides")
    return found

"""A reference for systems of ordinary differential equations with every value given at one time:
``scipy.integrate.solve_ivp`` (DOP853) on the explicit form, found by Newton's method.

A system on an interval whose k equations differentiate each of its k fields once, with a Dirichlet
value of every field at the same end t₀, is an initial value problem

    R(t, y, y') = 0,   y(t₀) = y₀,

written as y' = F(t, y), where F(t, y) solves R(t, y, ·) = 0 by Newton's method from y' = 0 with
the Jacobian ∂R/∂y' by autograd (one step when R is affine in y', as in every explicit ODE;
``NEWTON_STEPS`` at most, to ``NEWTON_TOL``). A singular ∂R/∂y' (an equation without a
derivative: a differential-algebraic system) is refused, not integrated.
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.integrate import solve_ivp

from pinn.core.errors import PinnError
from pinn.problems.conditions import Dirichlet
from pinn.problems.ode import KnownDerivatives

TOLERANCE = 1e-12    # solve_ivp's rtol and atol: the reference is far below any PINN's error
NEWTON_STEPS = 20
NEWTON_TOL = 1e-13   # |R| relative to 1 + |y'| at which y' is taken as found
SOLVE_IVP = "solve_ivp"


class IvpError(PinnError):
    """The initial value problem could not be integrated."""

    exit_code = 1


def unready(problem) -> str | None:
    """Why ``problem`` is not an initial value problem this reference integrates, or None."""
    if not problem.is_system or problem.domain.dim != 1 or problem.domain.time_dim is not None:
        return "it is not a system of ordinary differential equations on an interval"
    if len(problem.equations) != len(problem.fields):
        return f"it has {len(problem.equations)} equations for {len(problem.fields)} fields"
    if problem.order != 1:
        return f"its order is {problem.order}; the reference integrates first-order systems"
    conditions = problem.conditions
    starts = {bc.side.value for bc in conditions if isinstance(bc, Dirichlet)}
    given = sorted(bc.field for bc in conditions if isinstance(bc, Dirichlet))
    if len(conditions) != len(problem.fields) or len(starts) != 1 or given != sorted(problem.fields):
        return "its conditions are not one value of each field at the same end of the interval"
    return None


def _state(fields, y, slope) -> dict:
    return {f: KnownDerivatives({(): y[j].reshape(1, 1), (0,): slope[j].reshape(1, 1)}) for j, f in enumerate(fields)}


def _rates(problem, t: float, y: np.ndarray) -> np.ndarray:
    """y' = F(t, y): the root of R(t, y, ·) by Newton's method from 0."""
    fields, equations = problem.fields, problem.equations
    x = torch.tensor([[t]], dtype=torch.float64)
    state = torch.as_tensor(y, dtype=torch.float64)
    residual = lambda slope: torch.cat([r.reshape(-1) for r in problem.residual(x, _state(fields, state, slope))
                                        .values()])
    slope = torch.zeros(len(fields), dtype=torch.float64)
    for _ in range(NEWTON_STEPS):
        r = residual(slope)
        if float(r.abs().max()) <= NEWTON_TOL * (1 + float(slope.abs().max())):
            return slope.numpy()
        jacobian = torch.autograd.functional.jacobian(residual, slope)
        if torch.linalg.matrix_rank(jacobian) < len(fields):
            raise IvpError(f"the equations ({', '.join(equations)}) do not determine every field's rate at "
                           f"t = {t:g} (∂R/∂y' is singular): a differential-algebraic system has no solve_ivp "
                           f"reference")
        slope = slope - torch.linalg.solve(jacobian, r)
    raise IvpError(f"the rates y' solving the equations at t = {t:g} were not found in {NEWTON_STEPS} Newton steps")


def solve(problem, t: np.ndarray) -> np.ndarray:
    """Every field at the times ``t`` (any order), shape (len(t), k)."""
    conditions = {bc.field: bc for bc in problem.conditions}
    start = next(iter(conditions.values())).side.value
    (lo, hi), = problem.domain.bounds
    end = hi if start == lo else lo
    at_start = torch.tensor([[start]], dtype=torch.float64)
    y0 = [float(conditions[f].value(at_start)) for f in problem.fields]
    times = np.unique(t)
    solution = solve_ivp(lambda s, y: _rates(problem, s, y), (start, end), y0, method="DOP853", dense_output=True,
                         rtol=TOLERANCE, atol=TOLERANCE)
    if not solution.success:
        raise IvpError(f"solve_ivp did not reach t = {end:g}: {solution.message}")
    values = solution.sol(times).T
    return values[np.searchsorted(times, t)]

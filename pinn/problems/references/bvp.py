"""Reference solutions: the exact one, ``scipy.integrate.solve_bvp`` on the first-order system,
or, for obstacle problems, finite differences with a primal-dual active set (``fd-active-set``,
:mod:`pinn.problems.references.active_set`).

The first two return u and its derivatives u', ..., u^(n-1) at given points, so that the run
folder can score and plot fluxes as well as values; the active-set reference returns u only.
"""
from __future__ import annotations

import numpy as np
import torch
from scipy.integrate import solve_bvp

from pinn.core.errors import ConfigError, PinnError
from pinn.core.field import Field
from pinn.problems.ode import KnownDerivatives
from pinn.problems.references import active_set, fem

SOLVE_BVP_TOL = 1e-8         # relative residual of the collocation solution (the issue asks <= 1e-8)
SOLVE_BVP_MAX_NODES = 200_000
FD_ACTIVE_SET = "fd-active-set"
OWN = ("cole-hopf", "etdrk4", "crank-nicolson", "fd-vorticity", "solve_ivp")  # references a problem computes itself
KINDS = ("auto", "exact", "solve_bvp", FD_ACTIVE_SET, fem.NAME, *OWN, "none")


class ReferenceError(PinnError):
    """The reference could not be computed (solve_bvp failed to converge)."""

    exit_code = 1


def exact_derivatives(problem, x: torch.Tensor, count: int) -> list[np.ndarray]:
    """[u*, u*', ...] (``count`` entries) of the exact solution, by autograd on its torch form."""
    x = x.detach().to(torch.float64).requires_grad_(True)
    with torch.enable_grad():
        field = Field(x, problem.exact(x))
        return [field.d(*[0] * k).detach().numpy().ravel() for k in range(count)]


def solve_bvp_derivatives(problem, x: torch.Tensor, count: int) -> list[np.ndarray]:
    """[u, u', ...] from solve_bvp on Y' = (Y_1, ..., F(x, Y)), tolerance SOLVE_BVP_TOL."""
    n = problem.order
    (lo, hi), = problem.domain.bounds
    conditions = problem.conditions
    if len(conditions) != n:
        raise ReferenceError(f"solve_bvp needs {n} boundary conditions for {problem.title()}, "
                             f"the problem has {len(conditions)}")

    def rhs(t, y):
        t_ = torch.from_numpy(t)[:, None]
        lower = [torch.from_numpy(row)[:, None] for row in y]
        return np.vstack([y[1:], problem.highest(t_, lower).numpy().reshape(1, -1)])

    def boundary(ya, yb):
        values = []
        for bc in conditions:
            y = ya if bc.side.value == lo else yb
            state = KnownDerivatives.along_x([torch.tensor([[v]], dtype=torch.float64) for v in y])
            values.append(float(bc.residual(torch.tensor([[bc.side.value]], dtype=torch.float64), state)))
        return np.array(values)

    mesh = np.linspace(lo, hi, 201)
    guess = problem.reference_guess(torch.from_numpy(mesh)[:, None]).numpy()
    solution = solve_bvp(rhs, boundary, mesh, guess, tol=SOLVE_BVP_TOL, bc_tol=SOLVE_BVP_TOL,
                         max_nodes=SOLVE_BVP_MAX_NODES)
    if not solution.success:
        raise ReferenceError(f"solve_bvp did not converge for {problem.title()}: {solution.message}")
    points = x.detach().to(torch.float64).numpy().ravel()
    states = solution.sol(points)
    highest = problem.highest(torch.from_numpy(points)[:, None],
                              [torch.from_numpy(row)[:, None] for row in states]).numpy().ravel()
    return [*states, highest][:count]


def resolve_kind(problem, kind: str) -> str:
    """What ``reference: auto`` means for this problem, or an error for an impossible choice."""
    own = getattr(problem, "reference_name", None)
    if kind == "auto":
        classical = ("solve_bvp" if problem.ode_ready else FD_ACTIVE_SET if problem.active_set_ready
                     else fem.NAME if getattr(problem, "fem_form", None) is not None else "none")
        return "exact" if problem.has_exact else own or classical
    if kind in OWN and kind != own:
        raise ConfigError(f"problem.reference: got {kind!r}, which is {problem.title()}'s reference only if it "
                          f"is its own" + (f" ({own})" if own else "") + "; expected auto, exact or none")
    if kind == FD_ACTIVE_SET and not problem.active_set_ready:
        raise ConfigError(f"problem.reference: got '{FD_ACTIVE_SET}', but {problem.title()} is not an obstacle "
                          f"problem -Δu - f with Dirichlet data on the whole boundary; expected exact, "
                          f"solve_bvp or none")
    if kind == fem.NAME and getattr(problem, "fem_form", None) is None:
        raise ConfigError(f"problem.reference: got '{fem.NAME}', but {problem.title()} is not −α Δu + c u − f "
                          f"(α > 0, c ≥ 0 constants) on a shape with Dirichlet, Neumann or Robin data; "
                          f"expected exact or none")
    if kind == "exact" and not problem.has_exact:
        raise ConfigError(f"problem.reference: got 'exact', but {problem.title()} has no exact solution; "
                          f"expected solve_bvp, {FD_ACTIVE_SET} or none")
    if kind == "solve_bvp" and not problem.ode_ready:
        raise ConfigError(f"problem.reference: got 'solve_bvp', but {problem.title()} is not a 1D ODE with "
                          f"as many boundary conditions as its order, affine in its highest derivative; "
                          f"expected exact or none")
    return kind


def reference_derivatives(problem, kind: str, x: torch.Tensor, count: int) -> list[np.ndarray] | None:
    """u and its first count-1 derivatives from the reference ``kind`` (resolved), or None."""
    if kind == "exact":
        return exact_derivatives(problem, x, count)
    if kind == "solve_bvp":
        return solve_bvp_derivatives(problem, x, count)
    if kind == FD_ACTIVE_SET:
        return [active_set.reference(problem, x)]
    if kind == fem.NAME:
        return [fem.solve_on_shape(problem, problem.fem_form).values]
    if kind in OWN:
        return [problem.reference_values(x.detach().to(torch.float64).cpu().numpy())]
    return None

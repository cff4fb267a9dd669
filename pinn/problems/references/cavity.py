"""The lid-driven cavity at Reynolds number Re by second-order finite differences in the
stream-function–vorticity form, solved by Newton's method.

On the unit square with u = ψ_y, v = −ψ_x and ω = v_x − u_y = −Δψ, the steady Navier–Stokes
equations are

    Δψ + ω = 0,    Δω / Re − (ψ_y ω_x − ψ_x ω_y) = 0,

with ψ = 0 on the walls. The wall vorticity comes from Thom's formula, ω_wall = −2 ψ_adj / h²
− 2 U / h, U the wall's tangential speed (1 on the lid y = 1, 0 elsewhere; sign as on the lid,
where the tangent is +x). The unknowns are ψ and ω at the (N − 1)² interior nodes; the corner
nodes never enter the five-point stencils, so the lid's discontinuity at the two top corners
needs no choice of corner value — the velocity jumps between the last lid node and the corner.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla
from scipy.interpolate import RegularGridInterpolator

NEWTON_TOL = 1e-12   # Newton stops when its step is this small relative to the solution
NEWTON_STEPS = 30


def _operators(n: int):
    """Sparse maps on the (n+1)² grid (index i + (n+1) j, x = i h, y = j h): the rows of the
    interior nodes of d/dx, d/dy (central) and the five-point Laplacian, and the interior nodes'
    injection into the full grid."""
    h, m = 1.0 / n, n + 1
    one = sp.identity(m, format="csr")
    first = sp.diags([-1.0, 1.0], [-1, 1], shape=(m, m)) / (2 * h)
    second = sp.diags([1.0, -2.0, 1.0], [-1, 0, 1], shape=(m, m)) / h ** 2
    # index = i + m j: the x-direction is the fast index
    dx, dy = sp.kron(one, first), sp.kron(first, one)
    laplace = sp.kron(one, second) + sp.kron(second, one)
    i, j = np.meshgrid(np.arange(m), np.arange(m), indexing="xy")
    interior = ((i > 0) & (i < n) & (j > 0) & (j < n)).reshape(-1)
    rows = np.flatnonzero(interior)
    inject = sp.csr_matrix((np.ones(len(rows)), (rows, np.arange(len(rows)))), shape=(m * m, len(rows)))
    pick = lambda a: a.tocsr()[rows]
    return pick(dx), pick(dy), pick(laplace), inject, rows


def _wall_vorticity(n: int, rows):
    """ω on the walls as W ψ_interior + c (Thom's formula), a map into the full grid."""
    h, m = 1.0 / n, n + 1
    position = {r: k for k, r in enumerate(rows)}
    data, r_idx, c_idx = [], [], []
    constant = np.zeros(m * m)
    for k in range(1, n):
        for wall, adjacent, speed in (((k, 0), (k, 1), 0.0), ((k, n), (k, n - 1), 1.0),
                                      ((0, k), (1, k), 0.0), ((n, k), (n - 1, k), 0.0)):
            w = wall[0] + m * wall[1]
            a = adjacent[0] + m * adjacent[1]
            r_idx.append(w)
            c_idx.append(position[a])
            data.append(-2.0 / h ** 2)
            constant[w] = -2.0 * speed / h
    return sp.csr_matrix((data, (r_idx, c_idx)), shape=(m * m, len(rows))), constant


def solve(re: float, n: int = 128):
    """ψ and ω on the (n+1)² grid (arrays indexed [j, i]: y rows, x columns) at Reynolds number re."""
    dx, dy, laplace, inject, rows = _operators(n)
    wall, constant = _wall_vorticity(n, rows)
    k = len(rows)
    psi, omega = np.zeros(k), np.zeros(k)
    for _ in range(NEWTON_STEPS):
        psi_full = inject @ psi
        omega_full = inject @ omega + wall @ psi + constant
        px, py, ox, oy = dx @ psi_full, dy @ psi_full, dx @ omega_full, dy @ omega_full
        f1 = laplace @ psi_full + omega
        f2 = laplace @ omega_full / re - (py * ox - px * oy)
        diag = sp.diags
        j11 = laplace @ inject
        j12 = sp.identity(k)
        j21 = (laplace @ wall) / re - (diag(ox) @ dy @ inject + diag(py) @ dx @ wall
                                        - diag(oy) @ dx @ inject - diag(px) @ dy @ wall)
        j22 = (laplace @ inject) / re - (diag(py) @ dx @ inject - diag(px) @ dy @ inject)
        jacobian = sp.bmat([[j11, j12], [j21, j22]], format="csc")
        step = spla.spsolve(jacobian, -np.concatenate([f1, f2]))
        psi, omega = psi + step[:k], omega + step[k:]
        if np.abs(step).max() <= NEWTON_TOL * max(np.abs(omega).max(), 1.0):
            break
    else:
        raise RuntimeError(f"Newton did not converge in {NEWTON_STEPS} steps at Re = {re:g}")
    m = n + 1
    return (inject @ psi).reshape(m, m), (inject @ omega + wall @ psi + constant).reshape(m, m)


# Ghia, Ghia & Shin (1982), Re = 100: u(0.5, y) and v(x, 0.5) on their 129-point grid.
GHIA_Y = np.array([1, .9766, .9688, .9609, .9531, .8516, .7344, .6172, .5, .4531, .2813, .1719, .1016, .0703,
                   .0625, .0547, 0])
GHIA_U = np.array([1, .84123, .78871, .73722, .68717, .23151, .00332, -.13641, -.20581, -.21090, -.15662, -.10150,
                   -.06434, -.04775, -.04192, -.03717, 0])
GHIA_X = np.array([1, .9688, .9609, .9531, .9453, .9063, .8594, .8047, .5, .2344, .2266, .1563, .0938, .0781,
                   .0703, .0625, 0])
GHIA_V = np.array([0, -.05906, -.07391, -.08864, -.10313, -.16914, -.22445, -.24533, .05454, .17527, .17507, .16077,
                   .12317, .10890, .10091, .09233, 0])


def velocity(psi: np.ndarray):
    """u = ψ_y, v = −ψ_x on the grid (second-order differences; the walls' own values there:
    the lid's u = 1 on its open edge, 0 at its corners)."""
    n = psi.shape[0] - 1
    h = 1.0 / n
    u = np.gradient(psi, h, axis=0, edge_order=2)
    v = -np.gradient(psi, h, axis=1, edge_order=2)
    u[0, :], u[:, 0], u[:, -1], u[-1, :] = 0.0, 0.0, 0.0, 1.0
    u[-1, 0] = u[-1, -1] = 0.0
    v[0, :], v[-1, :], v[:, 0], v[:, -1] = 0.0, 0.0, 0.0, 0.0
    return u, v


def interpolate(values: np.ndarray, points: np.ndarray) -> np.ndarray:
    """A grid field (indexed [j, i]) at ``points`` (N, 2) = (x, y), by cubic interpolation."""
    grid = np.linspace(0.0, 1.0, values.shape[0])
    return RegularGridInterpolator((grid, grid), values.T, method="cubic")(points)

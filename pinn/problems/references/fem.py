"""A finite-element reference on a shape: −α Δu + c u = f with constant α > 0, c ≥ 0, and
Dirichlet, Neumann (n·∇u = g) or Robin (a u + b n·∇u = g) data on the pieces, by P2 Lagrange
elements (scikit-fem), isoparametric (the boundary edges' midpoints on their curves), on the
shape's test mesh and on its refinement.

Weak form, over the triangulated shape Ω_h with Γ_N, Γ_R its Neumann and Robin pieces:

    ∫ α ∇u·∇v + c u v  =  ∫ f v + ∫_{Γ_N} α g v + ∫_{Γ_R} α (g − a u)/b v,

u = g at the Dirichlet dofs. Curved elements matter: on the annulus (exact solution known) the
straight-edged P2 solution on the test mesh is off by 3.3e-5 (the chords' O(h²)), the curved one
by 2.9e-8, and 2.9e-9 after one refinement. The refinement splits every triangle in four and moves
the new boundary nodes onto their curves; the two solutions at the test nodes (vertices of both)
differ by about the coarser one's error. The finer one is the reference; their difference is
reported (``difference``, and ``reference_mesh_difference`` in metrics.json) so that a score can
be read against it.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch

from pinn.core.geometry.curves import distances
from pinn.problems.conditions import Dirichlet

NAME = "fem-p2"


@dataclass(frozen=True)
class LinearForm:
    """R[u] = β u_t − α Δu + c u − f: the constants α, c and β (0: steady; f is −R[0])."""

    alpha: float
    c: float
    rate: float = 0.0


@dataclass
class Solution:
    values: np.ndarray      # at the test mesh's nodes, from the refined mesh
    difference: float       # rel L2 (by the test mesh's weights) between the two meshes' solutions
    dofs: int               # of the refined solve


def _snap(region, points: np.ndarray) -> np.ndarray:
    """Points near the boundary (n, 2) moved onto their nearest curve."""
    curves = [c for piece in region.sides() for c in piece.parts]
    nearest = distances(curves, points).argmin(axis=0)
    moved = points.copy()
    for k, curve in enumerate(curves):
        rows = nearest == k
        if rows.any():
            moved[rows] = curve.project(points[rows])
    return moved


def _curved(region, mesh):
    """The isoparametric P2 mesh of ``mesh``: its boundary edges' midpoints moved onto the curves."""
    from skfem import Basis, ElementTriP2, MeshTri2
    basis = Basis(mesh, ElementTriP2())
    locations = basis.doflocs.copy()
    on_boundary = basis.get_dofs(mesh.boundary_facets()).flatten()
    locations[:, on_boundary] = _snap(region, locations[:, on_boundary].T).T
    return MeshTri2(locations, mesh.t)


def _meshes(region, test_mesh):
    """The test mesh and its refinement (every triangle split in four, the new boundary vertices on
    their curves), both curved."""
    from skfem import MeshTri
    nodes, triangles, _ = test_mesh
    coarse = MeshTri(np.ascontiguousarray(nodes.T), np.ascontiguousarray(triangles.T))
    fine = coarse.refined()
    p = fine.p.copy()
    moved = fine.boundary_nodes()
    moved = moved[moved >= coarse.nvertices]
    p[:, moved] = _snap(region, p[:, moved].T).T
    return _curved(region, coarse), _curved(region, MeshTri(p, fine.t))


def _at(fn, x: np.ndarray, t: float | None = None) -> np.ndarray:
    """A torch function of points (N, 2) -> (N, 1) at skfem's quadrature points (2, …); with a
    time t, of points (N, 3) at that time."""
    flat = torch.as_tensor(x.reshape(2, -1).T.copy(), dtype=torch.float64)
    if t is not None:
        flat = torch.cat([flat, torch.full_like(flat[:, :1], t)], dim=1)
    return fn(flat).detach().numpy().reshape(x.shape[1:])


class _Assembly:
    """The discrete operator of −α Δu + c u − f on ``mesh`` (with its Robin terms), the mass
    matrix, and the data at a time t (None when steady): the load (f and the Neumann and Robin
    data) and the values at the Dirichlet dofs. The quadrature points and the Dirichlet dofs'
    locations are found once: a march evaluates the data at hundreds of times."""

    def __init__(self, problem, form: LinearForm, mesh):
        from skfem import Basis, BilinearForm, ElementTriP2, FacetBasis, asm
        from skfem.models.poisson import mass
        from skfem.helpers import dot, grad
        region = getattr(problem.domain, "region", problem.domain)  # a shape × time: the shape
        self.problem, self.form, self.basis = problem, form, Basis(mesh, ElementTriP2())

        @BilinearForm
        def operator(u, v, w):
            return form.alpha * dot(grad(u), grad(v)) + form.c * u * v

        self.matrix = asm(operator, self.basis)
        self.points = np.asarray(self.basis.global_coordinates())
        self.mass = asm(mass, self.basis) if form.rate else None
        facets = mesh.boundary_facets()
        owner = region.piece_of(mesh.p[:, mesh.facets[:, facets]].mean(axis=1).T)
        self.dirichlet, self.fluxes, fixed = [], [], []
        for bc in problem.conditions:
            mine = facets[owner == region.sides().index(bc.side)] if bc.side in region.sides() else []
            if len(mine) == 0:
                continue
            if isinstance(bc, Dirichlet):
                dofs = self.basis.get_dofs(mine).flatten()
                self.dirichlet.append((bc, dofs, self.basis.doflocs[:, dofs][:, None, :]))
                fixed.append(dofs)
                continue
            on = FacetBasis(mesh, ElementTriP2(), facets=mine)
            a, b = (getattr(bc, "a", 0.0), getattr(bc, "b", 1.0))
            self.fluxes.append((bc, on, b, np.asarray(on.global_coordinates())))
            if a:
                self.matrix = self.matrix + asm(BilinearForm(lambda u, v, w: form.alpha * a / b * u * v), on)
        self.fixed = np.unique(np.concatenate(fixed)) if fixed else np.array([], dtype=int)

    def load(self, t: float | None = None) -> np.ndarray:
        """f and the fluxes' data, each evaluated once at the quadrature points (a form's body
        runs once per local basis function: six times with P2)."""
        from skfem import LinearForm as Linear, asm
        source = lambda x: -self.problem.residual_at_zero(x.requires_grad_(True))
        vector = asm(Linear(lambda v, w: w.data * v), self.basis, data=_at(source, self.points, t))
        for bc, on, b, points in self.fluxes:
            vector = vector + asm(Linear(lambda v, w: self.form.alpha * w.data / b * v), on, data=_at(bc.value, points, t))
        return vector

    def values(self, t: float | None = None) -> np.ndarray:
        """The Dirichlet dofs' values at time t (zero elsewhere)."""
        values = np.zeros(self.basis.N)
        for bc, dofs, locations in self.dirichlet:
            values[dofs] = _at(bc.value, locations, t).ravel()
        return values


def _solve(problem, form: LinearForm, mesh) -> np.ndarray:
    from skfem import condense, solve
    system = _Assembly(problem, form, mesh)
    return solve(*condense(system.matrix, system.load(), x=system.values(), D=system.fixed))


@lru_cache(maxsize=2)  # scored once before training, its difference read again after
def solve_on_shape(problem, form: LinearForm) -> Solution:
    """The reference at the test mesh's nodes (module docstring)."""
    if form.rate:
        return _in_time(problem, form)
    count = len(problem.domain.test_mesh[0])
    weights = problem.domain.test_mesh[2]
    coarse_mesh, fine_mesh = _meshes(problem.domain, problem.domain.test_mesh)
    coarse = _solve(problem, form, coarse_mesh)[:count]
    fine_all = _solve(problem, form, fine_mesh)
    fine = fine_all[:count]  # P2 numbers the vertex dofs first; the coarse vertices come first
    return Solution(fine, _difference(coarse, fine, weights), len(fine_all))


def _difference(coarse: np.ndarray, fine: np.ndarray, weights: np.ndarray) -> float:
    scale = np.sqrt(np.sum(weights * fine ** 2)) or 1.0
    return float(np.sqrt(np.sum(weights * (coarse - fine) ** 2)) / scale)


STEPS = 4  # BDF2 steps per interval between test times on the coarse mesh (8 on the fine one)


def _in_time(problem, form: LinearForm) -> Solution:
    """A shape × [t₀, t₁]: P2 in space and BDF2 in time (its first step backward Euler), at the
    test times; the coarse solve on the space test mesh with :data:`STEPS` steps per interval, the
    fine one on its refinement with twice as many."""
    domain = problem.domain
    nodes = len(domain.space_mesh[0])
    coarse_mesh, fine_mesh = _meshes(domain.region, domain.space_mesh)
    coarse = _march(problem, form, coarse_mesh, STEPS)[:, :nodes]
    fine_all = _march(problem, form, fine_mesh, 2 * STEPS)
    fine = fine_all[:, :nodes]
    return Solution(fine.ravel(), _difference(coarse.ravel(), fine.ravel(), domain.test_weights), fine_all.shape[1])


def _march(problem, form: LinearForm, mesh, steps: int) -> np.ndarray:
    """The solution at every dof (columns) at each test time (rows): β M (3uⁿ⁺¹ − 4uⁿ + uⁿ⁻¹)/(2τ)
    + A uⁿ⁺¹ = Fⁿ⁺¹, the first step β M (u¹ − u⁰)/τ + A u¹ = F¹; the Dirichlet dofs set to their
    data at each time, the free ones solved by one LU factorisation per step kind."""
    from scipy.sparse.linalg import splu
    domain = problem.domain
    system = _Assembly(problem, form, mesh)
    times = domain.test_times
    tau = (times[1] - times[0]) / steps
    initial = next(bc for bc in problem.conditions if bc.side == domain.initial())
    locations = system.basis.doflocs
    u = _at(initial.value, locations[:, None, :], float(times[0])).ravel()
    free = np.setdiff1d(np.arange(system.basis.N), system.fixed)
    operators = {k: (form.rate * k / tau) * system.mass + system.matrix for k in (1.0, 1.5)}
    solvers = {k: splu(m[free][:, free].tocsc()) for k, m in operators.items()}
    rows, previous, t = [u.copy()], None, float(times[0])
    for n in range(steps * (len(times) - 1)):
        t = float(times[0] + (n + 1) * tau)
        history = u if previous is None else 2 * u - previous / 2  # (4uⁿ − uⁿ⁻¹)/2
        k = 1.0 if previous is None else 1.5
        rhs = system.load(t) + (form.rate / tau) * (system.mass @ history)
        known = system.values(t)
        rhs = rhs - operators[k] @ known
        previous, u = u, known.copy()
        u[free] = solvers[k].solve(rhs[free])
        if (n + 1) % steps == 0:
            rows.append(u.copy())
    return np.stack(rows)

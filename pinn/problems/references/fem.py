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
    """R[u] = −α Δu + c u − f: the constants α and c (f is −R[0])."""

    alpha: float
    c: float


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


def _meshes(region):
    """The test mesh and its refinement (every triangle split in four, the new boundary vertices on
    their curves), both curved."""
    from skfem import MeshTri
    nodes, triangles, _ = region.test_mesh
    coarse = MeshTri(np.ascontiguousarray(nodes.T), np.ascontiguousarray(triangles.T))
    fine = coarse.refined()
    p = fine.p.copy()
    moved = fine.boundary_nodes()
    moved = moved[moved >= coarse.nvertices]
    p[:, moved] = _snap(region, p[:, moved].T).T
    return _curved(region, coarse), _curved(region, MeshTri(p, fine.t))


def _at(fn, x: np.ndarray) -> np.ndarray:
    """A torch function of points (N, 2) -> (N, 1) at skfem's quadrature points (2, …)."""
    flat = torch.as_tensor(x.reshape(2, -1).T.copy(), dtype=torch.float64)
    return fn(flat).detach().numpy().reshape(x.shape[1:])


def _solve(problem, form: LinearForm, mesh) -> np.ndarray:
    from skfem import Basis, BilinearForm, ElementTriP2, FacetBasis, LinearForm as Linear, asm, condense, solve
    from skfem.helpers import dot, grad
    region = problem.domain
    element = ElementTriP2()
    basis = Basis(mesh, element)

    @BilinearForm
    def operator(u, v, w):
        return form.alpha * dot(grad(u), grad(v)) + form.c * u * v

    source = lambda x: -problem.residual_at_zero(x.requires_grad_(True))

    @Linear
    def load(v, w):
        return _at(source, w.x) * v

    matrix, vector = asm(operator, basis), asm(load, basis)
    facets = mesh.boundary_facets()
    middle = mesh.p[:, mesh.facets[:, facets]].mean(axis=1).T
    owner = region.piece_of(middle)
    fixed, values = [], np.zeros(basis.N)
    for bc in problem.conditions:
        mine = facets[owner == region.sides().index(bc.side)]
        if len(mine) == 0:
            continue
        if isinstance(bc, Dirichlet):
            dofs = basis.get_dofs(mine).flatten()
            values[dofs] = _at(bc.value, basis.doflocs[:, dofs][:, None, :]).ravel()
            fixed.append(dofs)
            continue
        on = FacetBasis(mesh, element, facets=mine)
        a, b = (getattr(bc, "a", 0.0), getattr(bc, "b", 1.0))
        data = Linear(lambda v, w: form.alpha * _at(bc.value, w.x) / b * v)
        vector = vector + asm(data, on)
        if a:
            matrix = matrix + asm(BilinearForm(lambda u, v, w: form.alpha * a / b * u * v), on)
    fixed = np.unique(np.concatenate(fixed)) if fixed else np.array([], dtype=int)
    return solve(*condense(matrix, vector, x=values, D=fixed))


@lru_cache(maxsize=2)  # scored once before training, its difference read again after
def solve_on_shape(problem, form: LinearForm) -> Solution:
    """The reference at the test mesh's nodes (module docstring)."""
    count = len(problem.domain.test_mesh[0])
    weights = problem.domain.test_mesh[2]
    coarse_mesh, fine_mesh = _meshes(problem.domain)
    coarse = _solve(problem, form, coarse_mesh)[:count]
    fine_all = _solve(problem, form, fine_mesh)
    fine = fine_all[:count]  # P2 numbers the vertex dofs first; the coarse vertices come first
    scale = np.sqrt(np.sum(weights * fine ** 2)) or 1.0
    return Solution(fine, float(np.sqrt(np.sum(weights * (coarse - fine) ** 2)) / scale), len(fine_all))

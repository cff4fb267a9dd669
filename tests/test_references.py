"""The classical references of the evolution problems, each checked against an independent one.

* Burgers: the Cole–Hopf formula by Gauss–Hermite quadrature against a pseudo-spectral ETDRK4
  solution (a different method: time stepping the PDE itself);
* Allen–Cahn: the ETDRK4 solution the runs use (4096 modes, step 1e-3) against twice the modes
  and a quarter of the step;
* ETDRK4 itself against the exact decay of a Fourier mode under the heat equation.
"""
import numpy as np
import pytest
from scipy.interpolate import CubicSpline

from pinn import problems
from pinn.problems import evolution, reaction_diffusion
from pinn.problems.references import cavity, spectral

NU = 0.01 / np.pi


def space_time_grid(lower, upper, nx=201, times=np.linspace(0, 1, 11)):
    x, t = np.meshgrid(np.linspace(lower, upper, nx), times, indexing="ij")
    return x.ravel(), t.ravel()


def test_cole_hopf_quadrature_is_converged_in_its_nodes():
    x, t = space_time_grid(-1, 1)
    difference = spectral.burgers_cole_hopf(x, t, NU, 100) - spectral.burgers_cole_hopf(x, t, NU, 200)
    assert np.abs(difference).max() < 1e-12  # measured 1.1e-15


@pytest.mark.slow
def test_cole_hopf_agrees_with_a_spectral_solution_of_burgers():
    x, t = space_time_grid(-1, 1)
    quadrature = spectral.burgers_cole_hopf(x, t, NU)
    stepped = spectral.spectral_on_grid(lambda s: -np.sin(np.pi * s), spectral.burgers_nonlinear, NU, -1.0, 2.0,
                                        2048, 1e-4, x, t)
    # measured 8.8e-11 everywhere, the steep front at x = 0 included (4096 modes, step 2e-5: 7.6e-13)
    assert np.abs(quadrature - stepped).max() < 1e-9
    assert np.abs(quadrature[t == 0] + np.sin(np.pi * x[t == 0])).max() == 0


@pytest.mark.slow
@pytest.mark.parametrize("modes, step", [(8192, 1e-3), (4096, 2.5e-4)])
def test_allen_cahn_reference_is_converged(modes, step):
    """u0 = x² cos πx has a kink at the periodic ends (u0' jumps by 4), so the Fourier
    coefficients decay algebraically: 2048 modes differ from 8192 by 1.6e-6, 4096 by 3.3e-7."""
    x, t = space_time_grid(-1, 1)
    used = evolution.AllenCahn1D(diffusion=1e-4).reference_values(np.stack([x, t], axis=1))
    finer = spectral.spectral_on_grid(lambda s: s ** 2 * np.cos(np.pi * s), spectral.allen_cahn_nonlinear, 1e-4,
                                      -1.0, 2.0, modes, step, x, t)
    relative = np.linalg.norm(used - finer) / np.linalg.norm(finer)
    assert relative < (1e-6 if modes > evolution.ALLEN_CAHN_MODES else 1e-10)  # measured 3.3e-7 and 4e-12


def test_etdrk4_decays_a_heat_mode_exactly():
    x, t = space_time_grid(0, 2, nx=64, times=np.array([0.0, 0.5, 1.0]))
    computed = spectral.spectral_on_grid(lambda s: np.sin(np.pi * s), lambda u, k, v: 0 * v, 0.3, 0.0, 2.0, 64,
                                         0.05, x, t)
    exact = np.exp(-0.3 * np.pi ** 2 * t) * np.sin(np.pi * x)
    assert np.abs(computed - exact).max() < 1e-13  # the linear part is integrated exactly; measured 2e-16


def test_etdrk4_steps_a_pair_as_it_steps_each_field_alone():
    """Two uncoupled Allen–Cahn fields with their own diffusivities: the system's step (rows of
    fields) equals each field's own solve, bit for bit."""
    times = np.array([0.0, 0.05, 0.1])
    starts = (lambda s: s ** 2 * np.cos(np.pi * s), lambda s: np.sin(np.pi * s) / 2)
    each = [spectral.etdrk4(u0, spectral.allen_cahn_nonlinear, d, -1.0, 2.0, 128, 1e-3, times)
            for u0, d in zip(starts, (1e-2, 3e-3))]
    pair = spectral.etdrk4(lambda s: np.stack([u0(s) for u0 in starts]),
                           lambda u, k, v: np.fft.rfft(5 * u - 5 * u ** 3), [1e-2, 3e-3], -1.0, 2.0, 128, 1e-3, times)
    assert np.array_equal(pair[:, 0], each[0]) and np.array_equal(pair[:, 1], each[1])


@pytest.mark.slow
def test_the_gray_scott_reference_is_converged():
    """512 modes and step 1e-3 against 1024 modes and against step 5e-4 on the test grid."""
    problem = problems.build("gray_scott1d", {})
    grid = problem.domain.test_grid().numpy()
    used = problem.reference_values(grid)
    relative = lambda other: np.linalg.norm(used - other) / np.linalg.norm(other)
    params = tuple(float(problem.params[k]) for k in ("eps_u", "eps_v", "feed", "removal", "rate"))
    x, t = grid[:, 0].tobytes(), grid[:, 1].tobytes()
    for name, value in (("GRAY_SCOTT_MODES", 1024), ("GRAY_SCOTT_STEP", 5e-4)):
        kept = getattr(reaction_diffusion, name)
        setattr(reaction_diffusion, name, value)
        try:
            finer = reaction_diffusion._gray_scott.__wrapped__(params, x, t)
        finally:
            setattr(reaction_diffusion, name, kept)
        assert relative(finer) < 1e-10, name  # measured 1.4e-15 (modes) and 1.8e-12 (step)
    assert used[:, 1].max() > 0.6 and used[:, 0].min() < 0.12  # the pulse grew: v to 0.66, u down to 0.08


@pytest.mark.parametrize("name", ["heat1d", "wave1d"])
def test_exact_solutions_satisfy_their_problems(name):
    from pinn import problems
    assert problems.build(name).exact_mismatches() == []


def test_the_cavity_reference_converges_at_second_order_and_meets_ghias_table():
    """Stream function–vorticity at Re = 100 on 32², 64², 128² grids: the centreline values at
    Ghia's 34 points change by 1.17e-2 then 2.87e-3 (ratio 4.08: second order); on 128² they are
    within 8.4e-3 of Ghia et al.'s table (which sits 9.2e-3 from our 512² solution at
    v(0.8594, 0.5): the table's own error, since ours has stopped moving there)."""
    lines = []
    for n in (32, 64, 128):
        u, v = cavity.velocity(cavity.solve(100.0, n)[0])
        grid, middle = np.linspace(0, 1, n + 1), n // 2
        lines.append(np.concatenate([CubicSpline(grid, u[:, middle])(cavity.GHIA_Y),
                                     CubicSpline(grid, v[middle, :])(cavity.GHIA_X)]))
    coarse, fine = np.abs(lines[1] - lines[0]).max(), np.abs(lines[2] - lines[1]).max()
    assert 3.5 < coarse / fine < 4.5  # measured 4.08
    assert np.abs(lines[2] - np.concatenate([cavity.GHIA_U, cavity.GHIA_V])).max() < 1e-2  # measured 8.4e-3


@pytest.mark.slow  # the 256² reference: 12 s
def test_the_registered_cavity_scores_the_velocity_and_not_the_pressure():
    problem = problems.build("lid_driven_cavity")
    assert problem.is_system and problem.reference_name == "fd-vorticity" and not problem.has_exact
    points = np.array([[0.5, 1.0], [0.5, 0.5], [0.0, 0.3]])
    values = problem.reference_values(points)
    # the lid and a wall, through the cubic interpolant of the grid values (measured 4.4e-7 off at the lid)
    assert values[0, 0] == pytest.approx(1.0, abs=1e-6) and np.abs(values[2, :2]).max() < 1e-6
    assert np.isfinite(values[:, :2]).all() and np.isnan(values[:, 2]).all()
    assert {str(bc) for bc in problem.conditions} >= {"dirichlet on u at y = 1", "dirichlet on v at y = 1"}

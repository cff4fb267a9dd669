"""The classical references of the evolution problems, each checked against an independent one.

* Burgers: the Cole–Hopf formula by Gauss–Hermite quadrature against a pseudo-spectral ETDRK4
  solution (a different method: time stepping the PDE itself);
* Allen–Cahn: the ETDRK4 solution the runs use (4096 modes, step 1e-3) against twice the modes
  and a quarter of the step;
* ETDRK4 itself against the exact decay of a Fourier mode under the heat equation.
"""
import numpy as np
import pytest

from pinn.problems import evolution
from pinn.problems.references import spectral

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


@pytest.mark.parametrize("name", ["heat1d", "wave1d"])
def test_exact_solutions_satisfy_their_problems(name):
    from pinn import problems
    assert problems.build(name).exact_mismatches() == []

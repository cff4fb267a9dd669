"""Defaults that depend on the problem: the training schedule and the collocation points.

A config that leaves ``training.stages`` out (or writes ``stages: auto``), or leaves the point
counts out, gets the recipe measured best for its kind of problem (figures in the README,
"Defaults by problem kind", from ``benchmarks/untuned.py`` on problems no shipped config tunes):

* **smooth problems** (no obstacle): Adam, then self-scaled BFGS, which reaches errors L-BFGS
  stops short of on the same budget; L-BFGS where the network is too large for BFGS's dense matrix;
* **obstacle problems**: the μ continuation of the shipped obstacle configs (μ = 10 during Adam,
  then 30 and 100 under BFGS), in 1D one stage more at μ = 300, complementarity with ReLU
  (min(r, μ g));
* **evolution problems** (a time axis): the smooth recipe with a longer quasi-Newton stage, on
  4096 space–time points;
* **inverse problems** (learnt coefficients): the smooth recipe with the coefficients held during
  Adam;
* **points**: more interior points in 2D than in 1D and more for obstacle problems (the free
  boundary is located by the points near it); on a soft boundary side of a 2D box as many points
  as the interior has along one axis, twice over (never 2 per side).

The chosen schedule is printed when the run starts and written to the resolved ``config.yaml``.
"""
from __future__ import annotations

import math

from pinn.core import geometry
from pinn.core.network import parameter_count as network_parameters
from pinn.method.optimizers import OPTIMIZERS

AUTO = "auto"
EVOLUTION_POINTS = 4096  # space–time: the interior is a 2D (x, t) box that a solution crosses in time
EVOLUTION_STEPS = 3000   # the quasi-Newton stage of an evolution problem (it stops early when it stalls)


def is_obstacle(problem) -> bool:
    return bool(problem.has_constraints)


def is_evolution(problem) -> bool:
    return problem.domain.time_dim is not None


def interior_points(problem) -> int:
    dim, obstacle = problem.domain.dim, is_obstacle(problem)
    if is_evolution(problem):
        return EVOLUTION_POINTS
    if dim == 1:
        return 512 if obstacle else 128
    return 3072 if obstacle else 1024


def boundary_points(problem, interior: int) -> int:
    """Points per soft boundary side: 1 in 1D (a side is a point), 2·√interior in 2D."""
    return 1 if problem.domain.dim == 1 else 2 * math.ceil(math.sqrt(interior))


def stages(problem, parameters: int, learnt: tuple = ()) -> list[dict]:
    """The schedule for ``problem`` with a network of ``parameters`` weights, as stage mappings
    (learning rates are each optimiser's default, config.DEFAULT_LR). With ``learnt`` coefficients
    (an inverse problem) Adam holds them at their initial values while the network learns the
    physics there; the quasi-Newton stage then moves both. Released at once, a coefficient can run
    to a trivial solution before the network means anything (inverse_reaction1d started at
    r = 1e4: r fell to 1e-5, where u = 0 solves the equation; held first, it found 1001.9)."""
    quasi_newton = "bfgs" if parameters <= OPTIMIZERS["bfgs"].max_parameters else "lbfgs"
    if is_obstacle(problem) and not is_evolution(problem):  # in time: measured on american_put, μ = 1
        continuation = [{"optimizer": "adam", "steps": 1000, "mu": 10},
                        {"optimizer": quasi_newton, "steps": 600, "mu": 30, "min_improvement": 0},
                        {"optimizer": quasi_newton, "steps": 900, "mu": 100, "min_improvement": 0}]
        if problem.domain.dim == 1:  # cheap in 1D, and it sharpens a weakly pinned free boundary
            continuation.append({"optimizer": quasi_newton, "steps": 900, "mu": 300, "min_improvement": 0})
        return continuation
    return [{"optimizer": "adam", "steps": 1000, **({"freeze": list(learnt)} if learnt else {})},
            {"optimizer": quasi_newton, "steps": EVOLUTION_STEPS if is_evolution(problem) else 2000}]


FOURIER_MODES = 8  # per periodic coordinate; see the README's evolution section for what was measured


def fourier_modes(network, problem) -> int:
    """K of the Fourier features that replace each periodic coordinate (0 without one)."""
    if not problem.periodic_axes():
        return 0
    return network.fourier_modes or FOURIER_MODES


def input_width(network, problem) -> int:
    """Columns of the network's input map: the plain coordinates, 2K per periodic one."""
    periodic = len(problem.periodic_axes())
    return problem.domain.dim - periodic + 2 * fourier_modes(network, problem) * periodic


def parameter_count(network, problem) -> int:
    """Weights and biases of the network for ``problem``: its input map, layers and one output per
    field (``separate``: one network of one output per field)."""
    width, fields = input_width(network, problem), len(problem.fields)
    if network.separate:
        return fields * network_parameters(width, network.layers, 1)
    return network_parameters(width, network.layers, fields)


def kind(problem) -> str:
    if is_evolution(problem):
        return f"{len(problem.domain.space_dims)}D evolution {'obstacle ' if is_obstacle(problem) else ''}problem"
    return f"{problem.domain.dim}D {'obstacle' if is_obstacle(problem) else 'smooth'} problem"


def describe(training, problem) -> str | None:
    """One line naming what was chosen for the problem's kind, or None when nothing was."""
    if not training.defaulted:
        return None
    chosen = []
    if "stages" in training.defaulted:
        chosen.append(" + ".join(f"{s.optimizer} {s.steps}" + (f" (mu {s.mu:g})" if s.mu is not None else "")
                                 + (f" (holding {', '.join(s.freeze)})" if s.freeze else "")
                                 for s in training.stages))
    points = training.points
    if "points.interior" in training.defaulted:
        chosen.append(f"{points.interior} interior points")
    if "points.boundary" in training.defaulted:
        on_shape = isinstance(problem.domain, geometry.Pieced)  # there the count is the whole boundary's
        chosen.append(f"{points.boundary} points " + ("on the whole boundary" if on_shape else "per soft side"))
    return f"defaults for a {kind(problem)}: {'; '.join(chosen)} (the resolved config.yaml has them to edit)"

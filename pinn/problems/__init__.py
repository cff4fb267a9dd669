"""Registered problem families. ``build(type, params)`` is the one way the solver makes a problem."""
from __future__ import annotations

from typing import Mapping

from pinn.core.errors import ParamError
from pinn.core.params import did_you_mean, initial_values, learnt_specs, resolve, true_values
from pinn.problems import expression
from pinn.problems.american import AmericanCall, AmericanPut
from pinn.problems.base import Problem
from pinn.problems.navier_stokes import Kovasznay, LidDrivenCavity
from pinn.problems.bvp1d import Beam1D, Bratu1D, Helmholtz1D, Layer1D, Mixed1D, Poisson1D, Robin1D, VarCoef1D
from pinn.problems.evolution import AllenCahn1D, Burgers1D, Heat1D, Wave1D
from pinn.problems.obstacle import Parabola1D, Radial2D, Tent1D
from pinn.problems.reaction_diffusion import GrayScott1D
from pinn.problems.system import ExpressionSystem

REGISTRY: dict[str, type[Problem]] = {
    cls.name: cls for cls in (Poisson1D, Mixed1D, Robin1D, VarCoef1D, Layer1D, Bratu1D, Helmholtz1D, Beam1D,
                              Tent1D, Parabola1D, Radial2D, Heat1D, Wave1D, Burgers1D, AllenCahn1D,
                              AmericanPut, AmericanCall, Kovasznay, LidDrivenCavity, GrayScott1D)}


def resolve_params(type_name: str, params: Mapping | None, declared: Mapping | None = None) -> dict:
    """Validated parameters of problem ``type_name``; raises ParamError naming what is allowed.

    An expression problem's parameters are the ones its section ``declared``.
    """
    if type_name == expression.EXPRESSION:
        return resolve(expression.parameters_spec(declared or {}), params)
    if type_name not in REGISTRY:
        names = [*sorted(REGISTRY), expression.EXPRESSION]
        raise ParamError("type", type_name, f"one of {', '.join(names)}{did_you_mean(type_name, names)}")
    return resolve(REGISTRY[type_name].parameters_spec, params)


def build(type_name: str, params: Mapping | None = None) -> Problem:
    """A registered problem by name."""
    return REGISTRY[type_name](**resolve_params(type_name, params))


def _expression(section, params: Mapping, learnt: tuple = ()) -> Problem:
    """A ``type: expression`` problem: a system where it declares ``fields``, else one field."""
    if getattr(section, "fields", None):
        return ExpressionSystem(section, learnt, **params)
    return expression.build(section, params, learnt)


def build_from(section, params: Mapping | None = None) -> Problem:
    """The problem of a validated config section (:class:`pinn.app.config.ProblemConfig`), with
    ``params`` overlaid on its own (a stage's continuation parameters). Learnt parameters start at
    their initial values; :class:`pinn.method.coefficients.LiveParams` makes them live for training."""
    merged = {**initial_values(section.params), **(params or {})}
    if section.type == expression.EXPRESSION:
        return _expression(section, resolve_params(section.type, merged, initial_values(section.params)),
                           tuple(learnt_specs(section.params)))
    return build(section.type, merged)


def truth_from(section) -> Problem | None:
    """The problem with every learnt parameter at its true value (``exact``): what an inverse
    problem's result is scored against. None where nothing is learnt, or a true value the exact
    solution needs is not given: a registered problem's exact solution depends on its parameters;
    an expression problem's ``exact`` never names a learnt one (it is refused there), so it needs
    none, and the learnt ones without a true value keep their initial value and are listed in
    ``guessed`` (the exact solution is then not checked against the equation)."""
    learnt = learnt_specs(section.params)
    values = true_values(section.params)
    if not learnt:
        return None
    if section.type == expression.EXPRESSION and (values is not None or section.exact is not None):
        guessed = tuple(name for name, spec in learnt.items() if spec.exact is None)
        values = {**initial_values(section.params),
                  **{name: spec.exact for name, spec in learnt.items() if spec.exact is not None}}
        truth = _expression(section, resolve_params(section.type, values, values))
        truth.guessed = guessed
        return truth
    return None if values is None else build(section.type, values)


def learnable(type_name: str, name: str) -> bool:
    """Whether registered problem ``type_name`` can learn its parameter ``name`` from data."""
    return bool(getattr(REGISTRY[type_name].parameters_spec.get(name), "learnable", False))


def has_constraints(section) -> bool:
    """Whether the section's problem has an inequality constraint (an obstacle)."""
    if section.type == expression.EXPRESSION:
        return section.obstacle is not None
    return bool(REGISTRY[section.type].has_constraints)

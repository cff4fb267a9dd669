"""Registered problem families. ``build(type, params)`` is the one way the solver makes a problem."""
from __future__ import annotations

from typing import Mapping

from pinn.errors import ParamError
from pinn.params import did_you_mean, resolve

from .base import Problem
from .bvp1d import Beam1D, Bratu1D, Helmholtz1D, Layer1D, Mixed1D, Poisson1D, Robin1D, VarCoef1D
from .obstacle import Parabola1D, Radial2D, Tent1D

REGISTRY: dict[str, type[Problem]] = {
    cls.name: cls for cls in (Poisson1D, Mixed1D, Robin1D, VarCoef1D, Layer1D, Bratu1D, Helmholtz1D, Beam1D,
                              Tent1D, Parabola1D, Radial2D)}


def resolve_params(type_name: str, params: Mapping | None) -> dict:
    """Validated parameters of problem ``type_name``; raises ParamError naming what is allowed."""
    if type_name not in REGISTRY:
        raise ParamError("type", type_name,
                         f"one of {', '.join(sorted(REGISTRY))}{did_you_mean(type_name, REGISTRY)}")
    return resolve(REGISTRY[type_name].parameters_spec, params)


def build(type_name: str, params: Mapping | None = None) -> Problem:
    return REGISTRY[type_name](**resolve_params(type_name, params))

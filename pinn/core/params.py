"""Declared parameters of registered components (problems, activations, penalties).

Each component states its parameters once, as a mapping name -> :class:`Param`; :func:`resolve`
fills defaults and validates what a user gave, so that every registry checks input the same way
and every message says what was given and what is allowed.
"""
from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import torch

from pinn.core.errors import ParamError

LOG_BOUNDS_RATIO = 10.0  # learnt bounds spanning a decade or more are mapped in log space


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def as_float(value) -> float | None:
    """A YAML number as float, or None. Accepts strings like '1e-3' (PyYAML reads them as str)."""
    if _is_number(value):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


@dataclass(frozen=True)
class Param:
    """One parameter: its default, its kind ('int', 'float', 'floats' (a list of numbers), 'bool' or
    'str') and an optional check.

    ``check(value) -> bool`` and ``expect`` (text such as "a number > 0") describe the allowed values.
    ``learnable``: the problem reads the parameter only where a live tensor can stand for it (its
    residual), so an inverse problem may learn it from data (:mod:`pinn.method.coefficients`).
    """

    default: Any
    kind: str = "float"
    check: Callable[[Any], bool] | None = None
    expect: str | None = None
    doc: str = ""
    learnable: bool = False

    def expected(self) -> str:
        return self.expect or {"int": "an integer", "float": "a number", "floats": "a list of numbers",
                               "bool": "true or false", "str": "a string"}[self.kind]

    def convert(self, key: str, value):
        if value is None and self.default is None:
            return None  # "not given": the owner picks a value that depends on other parameters
        if self.kind == "int":
            ok = _is_number(value) and float(value).is_integer()
            value = int(value) if ok else value
        elif self.kind == "float":
            converted = as_float(value)
            ok = converted is not None and math.isfinite(converted)
            value = converted if ok else value
        elif self.kind == "floats":
            converted = [as_float(v) for v in value] if isinstance(value, (list, tuple)) and value else None
            ok = converted is not None and all(v is not None and math.isfinite(v) for v in converted)
            value = tuple(converted) if ok else value
        elif self.kind == "bool":
            ok = isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        if not ok or (self.check is not None and not self.check(value)):
            raise ParamError(key, value, self.expected())
        return value


def did_you_mean(name: str, allowed) -> str:
    close = difflib.get_close_matches(str(name), [str(a) for a in allowed], n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def unknown_key_message(key, allowed) -> str:
    allowed = sorted(allowed)
    listed = ", ".join(allowed) if allowed else "none"
    return f"unknown key {key!r} (allowed: {listed}){did_you_mean(key, allowed)}"


def resolve(spec: Mapping[str, Param], given: Mapping | None) -> dict:
    """Defaults from ``spec`` overlaid with validated values from ``given``."""
    given = {} if given is None else given
    if not isinstance(given, Mapping):
        raise ParamError("", given, "a mapping of parameters")
    for key in given:
        if key not in spec:
            allowed = ", ".join(sorted(spec)) or "none"
            raise ParamError(str(key), given[key],
                             f"a known parameter name (allowed: {allowed}){did_you_mean(key, spec)}")
    return {name: p.convert(name, given[name]) if name in given else p.default
            for name, p in spec.items()}


def resolve_registered(registry: Mapping, name: str, params: Mapping | None) -> dict:
    """Validated parameters of registry entry ``name`` (a class with ``parameters_spec``)."""
    if name not in registry:
        raise ParamError("name", name, f"one of {', '.join(registry)}{did_you_mean(name, registry)}")
    return resolve(registry[name].parameters_spec, params)


def positive(kind: str = "float", default=1.0, doc: str = "", learnable: bool = False) -> Param:
    return Param(default, kind, lambda v: v > 0, f"{'an integer' if kind == 'int' else 'a number'} > 0", doc,
                 learnable)


def non_negative(kind: str = "float", default=0.0, doc: str = "") -> Param:
    return Param(default, kind, lambda v: v >= 0, f"{'an integer' if kind == 'int' else 'a number'} >= 0", doc)


@dataclass(frozen=True)
class LearntSpec:
    """A learnt parameter as declared: ``{learn: true, initial, positive | bounds, exact}``.

    The optimisers move an unconstrained z, mapped to the value v so that its scale never matters:

    * ``positive: true``  →  v = exp(z)  (a relative change per unit of z: 1e-3 and 1e3 train alike);
    * ``bounds: [a, b]``  →  v = a + (b − a)·s(z) with s the logistic function, or, where 0 < a and
      b ≥ 10a, log v = log a + (log b − log a)·s(z): smooth, and never outside (a, b);
    * neither             →  v = c·z with c = |initial| (1 where the initial value is 0).

    ``exact`` is the true value where it is known (synthetic data): the identified value is scored
    against it and the exact solution or reference is computed with it."""

    initial: float
    positive: bool = False
    bounds: tuple | None = None
    exact: float | None = None

    @property
    def log_space(self) -> bool:
        if self.bounds is None:
            return self.positive
        lo, hi = self.bounds
        return lo > 0 and hi >= LOG_BOUNDS_RATIO * lo

    def to_value(self, z: torch.Tensor) -> torch.Tensor:
        """v from the unconstrained z (above)."""
        if self.bounds is not None:
            lo, hi = self.bounds
            s = torch.sigmoid(z)
            if self.log_space:
                return torch.exp(math.log(lo) + (math.log(hi) - math.log(lo)) * s)
            return lo + (hi - lo) * s
        if self.positive:
            return torch.exp(z)
        return self._scale * z

    def to_unconstrained(self, v: float) -> float:
        """z with to_value(z) = v (v strictly inside the bounds)."""
        if self.bounds is not None:
            lo, hi = self.bounds
            s = ((math.log(v) - math.log(lo)) / (math.log(hi) - math.log(lo)) if self.log_space
                 else (v - lo) / (hi - lo))
            return math.log(s / (1 - s))
        if self.positive:
            return math.log(v)
        return v / self._scale

    @property
    def _scale(self) -> float:
        return abs(self.initial) or 1.0

    def at_bound(self, v: float) -> str | None:
        """Which bound v has run into ("lower", "upper"), or None: within 1e-3 of the interval
        (relative, in log space where the map is), where the logistic map has flattened and the
        gradient no longer moves it."""
        if self.bounds is None:
            return None
        fraction = self._fraction(v)
        return "lower" if fraction < 1e-3 else "upper" if fraction > 1 - 1e-3 else None

    def _fraction(self, v: float) -> float:
        lo, hi = self.bounds
        if self.log_space:
            return (math.log(max(v, lo)) - math.log(lo)) / (math.log(hi) - math.log(lo))
        return (v - lo) / (hi - lo)


def initial_values(params: Mapping) -> dict:
    """Parameter values with each learnt one at its initial value."""
    return {name: v.initial if isinstance(v, LearntSpec) else v for name, v in params.items()}


def true_values(params: Mapping) -> dict | None:
    """Parameter values with each learnt one at its true (``exact``) value; None if one lacks it."""
    if any(isinstance(v, LearntSpec) and v.exact is None for v in params.values()):
        return None
    return {name: v.exact if isinstance(v, LearntSpec) else v for name, v in params.items()}


def learnt_specs(params: Mapping) -> dict:
    """name -> LearntSpec of the learnt parameters."""
    return {name: v for name, v in params.items() if isinstance(v, LearntSpec)}

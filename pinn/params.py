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

from .errors import ParamError


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
    """

    default: Any
    kind: str = "float"
    check: Callable[[Any], bool] | None = None
    expect: str | None = None
    doc: str = ""

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


def positive(kind: str = "float", default=1.0, doc: str = "") -> Param:
    return Param(default, kind, lambda v: v > 0, f"{'an integer' if kind == 'int' else 'a number'} > 0", doc)


def non_negative(kind: str = "float", default=0.0, doc: str = "") -> Param:
    return Param(default, kind, lambda v: v >= 0, f"{'an integer' if kind == 'int' else 'a number'} >= 0", doc)

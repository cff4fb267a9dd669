"""The YAML keys of inverse problems: the ``data`` section (measurements of u and their noise)
and a stage's ``freeze`` list. The measurements are read and checked against the problem's domain
in validation (:mod:`pinn.app.resolve`, :mod:`pinn.app.data`), a relative path being relative to
the YAML file."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import numpy as np

from pinn import problems
from pinn.app.schema import derived, number, option, text
from pinn.core.params import as_float, learnt_specs


def names_list(ctx, path, value):
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        ctx.expect(path, value, "a list of learnt parameter names, e.g. [eps]")
    return tuple(value)


def noise_spec(ctx, path, value):
    if value == "estimate":
        return value
    if isinstance(value, dict) and value:  # a system's levels by field, checked against the file in validation
        return {str(f): _level(ctx, path + (f,), level, "") for f, level in value.items()}
    return _level(ctx, path, value, "estimate, or ")


def _level(ctx, path, value, or_estimate: str) -> float:
    if as_float(value) is None:  # "1e-3" is a number (PyYAML reads it as text), "estmate" is not
        ctx.expect(path, value, f"{or_estimate}the noise's standard deviation (a number > 0, in units of the "
                                f"field; a system takes one for all fields or {{field: number, ...}})")
    return number(greater_than=0)(ctx, path, value)


@dataclass(frozen=True)
class DataConfig:
    file: str = option(dataclasses.MISSING, text, "measurements of u: a .csv with a header (the coordinates "
                                                  "and u; a system's measured fields by name) or an .npz; "
                                                  "relative to this YAML file")
    noise: Any = option("estimate", noise_spec, "the noise's standard deviation in units of u, or estimate "
                                                "(from the misfit at the optimum; a system's each field's own); "
                                                "for a system also {field: number, ...}, one per measured field")
    measurements: Any = derived(None)  # pinn.app.data.Measurements, read and checked in validation


def noise_levels(data) -> np.ndarray | None:
    """The noise's standard deviation for each measured field (``data.measurements.fields``), or
    None when it is estimated."""
    if data.noise == "estimate":
        return None
    fields = data.measurements.fields
    return np.array([data.noise[f] if isinstance(data.noise, dict) else data.noise for f in fields], dtype=np.float64)


def check_data(ctx, cfg):
    """Learnt parameters need measurements (a data section), and an obstacle problem learns none.
    The measurements themselves are read in validation (:mod:`pinn.app.resolve`), against the
    problem's domain."""
    learnt = learnt_specs(cfg.problem.params)
    if learnt and problems.has_constraints(cfg.problem):
        ctx.fail(("problem", "params", next(iter(learnt)), "learn"),
                 "learning a parameter of an obstacle problem is not supported (its uncertainty would rest on "
                 "a non-smooth loss); give it as a number")
    if cfg.data is None and learnt:
        ctx.fail(("problem", "params", next(iter(learnt)), "learn"),
                 "a learnt parameter needs measurements to learn it from; add a data section "
                 "(data: {file: measurements.csv})")
    return cfg
